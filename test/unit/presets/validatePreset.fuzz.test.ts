// Random mutations of good presets (seeded, bounded): the validator never throws and every problem is located.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePreset } from '../../../src/presets/validatePreset';
import { seededRandom } from '../../support/seededRandom';

const GOOD = join(__dirname, '../../fixtures/presets/good');
const seeds = readdirSync(GOOD).map((f) => readFileSync(join(GOOD, f)));
const ITERATIONS = Number(process.env.PRESET_FUZZ_ITERATIONS ?? 1500);
const SEED = Number(process.env.PRESET_FUZZ_SEED ?? 20261125);


const random = seededRandom(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const NASTY_VALUES: unknown[] = [
  null, true, -1, 0, 1e308, -0.5, 2 ** 53 + 1, '', 'http://evil.example.com/', 'javascript:alert(1)', '../../etc/passwd',
  '\u0000', '\ud800', '💥'.repeat(50), 'x'.repeat(5000), [], [[[[]]]], {}, { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } }, '2020-01-01', '9999-99-99', 'arn:aws:iam::1:role/x',
];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', '', ' ', 'terminal.integrated.shell.linux', 'url', 'version', '💥', 'a'.repeat(300)];

function byteMutation(input: Uint8Array): Uint8Array {
  const b = Buffer.from(input);
  const at = int(b.length + 1);
  switch (int(7)) {
    case 0: // flip one byte
      if (b.length) b[Math.min(at, b.length - 1)] = int(256);
      return b;
    case 1: // insert random bytes
      return Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))), b.subarray(at)]);
    case 2: // delete a range
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(20))]);
    case 3: // truncate
      return b.subarray(0, at);
    case 4: // duplicate a range
      return Buffer.concat([b.subarray(0, at), b.subarray(at, at + int(40)), b.subarray(at)]);
    case 5: // insert JSON punctuation
      return Buffer.concat([b.subarray(0, at), Buffer.from(pick(['{', '}', '[', ']', ',', ':', '"', '\\', '/*', '//', '[[[[[[[[[[[[[[[[[[[[', '\ufeff'])), b.subarray(at)]);
    default: // swap two halves
      return Buffer.concat([b.subarray(at), b.subarray(0, at)]);
  }
}

type Json = unknown;
function allContainers(value: Json, out: Array<Record<string, unknown> | unknown[]> = []): Array<Record<string, unknown> | unknown[]> {
  if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) allContainers(v, out);
  }
  return out;
}

function structuralMutation(input: Uint8Array): Uint8Array {
  const value = JSON.parse(Buffer.from(input).toString('utf8').replace(/^\ufeff/, '')) as Json;
  for (let n = 1 + int(3); n > 0; n--) {
    const target = pick(allContainers(value));
    const keys = Object.keys(target);
    const key = keys.length ? pick(keys) : '0';
    switch (int(4)) {
      case 0:
        (target as Record<string, unknown>)[key] = pick(NASTY_VALUES);
        break;
      case 1:
        delete (target as Record<string, unknown>)[key];
        break;
      case 2:
        Object.defineProperty(target, pick(NASTY_KEYS), { value: pick(NASTY_VALUES), enumerable: true, configurable: true, writable: true });
        break;
      default:
        (target as Record<string, unknown>)[key] = JSON.parse(JSON.stringify(value));
    }
  }
  return Buffer.from(JSON.stringify(value, null, int(2) ? 2 : undefined));
}

test(`fuzz: ${ITERATIONS} mutations (seed ${SEED}) never throw, and every problem has a place`, () => {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const seed = pick(seeds);
    let input: Uint8Array = seed;
    for (let k = 1 + int(3); k > 0; k--) {
      try {
        input = int(2) ? byteMutation(input) : structuralMutation(input);
      } catch {
        input = byteMutation(input); // a byte-mutated input may no longer parse for a structural mutation
      }
    }
    const asText = int(4) === 0;
    let result: ReturnType<typeof validatePreset>;
    try {
      result = validatePreset(asText ? Buffer.from(input).toString('utf8') : input, { now: new Date('2026-06-01T00:00:00Z') });
    } catch (e) {
      assert.fail(`iteration ${i}: validatePreset threw ${(e as Error).stack}\ninput: ${Buffer.from(input).toString('base64')}`);
    }
    if (result.ok) {
      valid++;
      assert.equal(typeof result.preset, 'object');
      assert.equal(result.preset.version, 1);
      continue;
    }
    invalid++;
    assert.ok(result.problems.length > 0, `iteration ${i}: invalid without problems`);
    for (const p of result.problems) {
      const where = `iteration ${i}: ${JSON.stringify(p)}`;
      assert.ok(Number.isInteger(p.line) && p.line >= 1, where);
      assert.ok(Number.isInteger(p.column) && p.column >= 1, where);
      assert.ok(p.path.startsWith('$'), where);
      assert.ok(p.message.length > 0, where);
      assert.ok(!p.message.startsWith('internal validator error'), where);
      if (result.text !== undefined) assert.ok(p.offset >= 0 && p.offset <= result.text.length, where);
    }
  }
  // The mutations must exercise both outcomes, or the test proves little.
  assert.ok(invalid > ITERATIONS / 2, `invalid ${invalid}`);
  assert.ok(valid > 0, `valid ${valid}`);
});

test('fuzz: nothing leaks onto Object.prototype', () => {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
