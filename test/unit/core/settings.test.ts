// The settings table and package.json's `contributes.configuration` declare the same keys, types, defaults and
// allowed values: a setting added, renamed or re-defaulted in one place only fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../../src/core/settings';

interface Contributed { type?: string; default?: unknown; enum?: unknown[] }
const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Contributed> } } };
const contributed = manifest.contributes.configuration.properties;

test('every setting in package.json is declared in the table, and every declared one is in package.json', () => {
  assert.deepEqual(Object.keys(SETTINGS).sort(), Object.keys(contributed).sort());
});

test('each setting has the same type, default and allowed values in both', () => {
  for (const [key, declared] of Object.entries(SETTINGS)) {
    const c = contributed[key];
    assert.ok(c, `${key} is not in package.json`);
    assert.equal(declared.type, c.type, `${key}: type`);
    assert.deepEqual(declared.default, c.default, `${key}: default`);
    assert.deepEqual('enum' in declared ? declared.enum : undefined, c.enum, `${key}: enum`);
  }
});
