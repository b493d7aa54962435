// The preset corpus: every good preset validates; every bad one fails with exactly the expected located problems.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePreset, PRESET_LIMITS } from '../../../src/presets/validatePreset';
import type { PresetProblem } from '../../../src/presets/presetTypes';
import { presetSchemaObject } from '../../../src/presets/schemaCheck';

const FIXTURES = join(__dirname, '../../fixtures/presets');
// Fixed "now" so expiry expectations do not depend on the day the tests run.
const NOW = new Date('2026-06-01T00:00:00Z');

interface Expected { path: string; code: string; message: string; line?: number; column?: number }
const expectations = JSON.parse(readFileSync(join(FIXTURES, 'bad/expected.json'), 'utf8')) as Record<string, Expected[]>;

/** Inputs that are better made than stored (a 64 KiB+ file). */
function generated(name: string): Uint8Array {
  if (name === 'huge.json') {
    const filler = 'x'.repeat(PRESET_LIMITS.maxBytes);
    return Buffer.from(JSON.stringify({ version: 1, name: 'Huge', description: filler }));
  }
  throw new Error(`no generator for ${name}`);
}

function assertMatches(file: string, problems: PresetProblem[], expected: Expected[]): void {
  const shown = problems.map((p) => `${p.path} ${p.line}:${p.column} [${p.code}] ${p.message}`).join('\n');
  assert.equal(problems.length, expected.length, `${file}: expected ${expected.length} problem(s), got:\n${shown}`);
  for (const e of expected) {
    const hit = problems.find((p) => p.path === e.path && p.code === e.code && p.message.includes(e.message));
    assert.ok(hit, `${file}: no problem ${JSON.stringify(e)} in:\n${shown}`);
    if (e.line !== undefined) assert.deepEqual({ line: hit.line, column: hit.column }, { line: e.line, column: e.column }, `${file}: location of ${e.path}`);
  }
  for (const p of problems) {
    assert.ok(p.line >= 1 && p.column >= 1, `${file}: ${p.path} has no location`);
    assert.ok(p.message.length > 0);
  }
}

test('the corpus has at least 30 bad presets, each with expectations', () => {
  const files = readdirSync(join(FIXTURES, 'bad')).filter((f) => f !== 'expected.json');
  assert.ok(Object.keys(expectations).length >= 30, 'at least 30 bad cases');
  for (const f of files) assert.ok(expectations[f], `${f} has no expectation in expected.json`);
});

for (const file of readdirSync(join(FIXTURES, 'good'))) {
  test(`good preset ${file} validates`, () => {
    const result = validatePreset(readFileSync(join(FIXTURES, 'good', file)), { now: NOW });
    assert.deepEqual(result.problems, [], `${file} should be valid`);
    assert.equal(result.ok, true);
    assert.equal(result.preset?.version, 1);
  });
}

for (const [file, expected] of Object.entries(expectations)) {
  test(`bad preset ${file} is refused with located problems`, () => {
    const bytes = file.startsWith('#generated:') ? generated(file.slice('#generated:'.length)) : readFileSync(join(FIXTURES, 'bad', file));
    const result = validatePreset(bytes, { now: NOW });
    assert.equal(result.ok, false);
    assert.equal(result.preset, undefined);
    assertMatches(file, result.problems, expected);
  });
}

test('text and bytes give the same answer; a string is measured in UTF-8 bytes', () => {
  const text = readFileSync(join(FIXTURES, 'bad/http-hub.json'), 'utf8');
  assert.deepEqual(validatePreset(text, { now: NOW }).problems, validatePreset(Buffer.from(text), { now: NOW }).problems);
  // 3-byte characters: under the limit in UTF-16 units, over it in bytes.
  const wide = JSON.stringify({ version: 1, name: 'W', description: '海'.repeat(30_000) });
  assert.ok(wide.length < PRESET_LIMITS.maxBytes);
  assert.equal(validatePreset(wide).problems[0]?.code, 'too-large');
});

test('expiry is judged against the given clock, through the end of a date-only day (UTC)', () => {
  const preset = JSON.stringify({ version: 1, name: 'Course', expires: '2026-06-01' });
  assert.equal(validatePreset(preset, { now: new Date('2026-06-01T23:59:59Z') }).ok, true);
  const after = validatePreset(preset, { now: new Date('2026-06-02T00:00:00Z') });
  assert.equal(after.problems[0]?.code, 'expired');
});

test('limits can be tightened by the caller', () => {
  const preset = JSON.stringify({ version: 1, name: 'x', settings: { 'editor.rulers': [80] } });
  assert.equal(validatePreset(preset, { maxDepth: 2 }).problems[0]?.code, 'too-deep');
  assert.equal(validatePreset(preset, { maxBytes: 10 }).problems[0]?.code, 'too-large');
  assert.equal(validatePreset(preset).ok, true);
});

test('several problems in one file are all reported, in file order', () => {
  const text = JSON.stringify({ version: 1, name: 'Many', hub: { url: 'http://hub.example.org/' }, cost: { budget: { amount: -1, period: 'day' } }, extra: true }, null, 2);
  const result = validatePreset(text);
  assert.deepEqual(result.problems.map((p) => p.code), ['insecure-url', 'negative', 'unknown-key']);
  const offsets = result.problems.map((p) => p.offset);
  assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
  // The located text is really the offending value.
  const hub = result.problems[0]!;
  assert.equal(text.slice(hub.offset, hub.offset + hub.length), '"http://hub.example.org/"');
});

test('the schema\'s "new preset" snippet, filled with its defaults, is a valid preset', () => {
  const schema = presetSchemaObject() as { defaultSnippets: Array<{ body: unknown }> };
  const filled = JSON.stringify(schema.defaultSnippets[0]!.body).replace(/\$\{\d+:([^}]*)\}/g, '$1');
  const result = validatePreset(filled, { now: NOW });
  assert.deepEqual(result.problems, []);
});
