import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeOptionType, parseOptionFields, parseOptionPairs, parseOptionText, validateOptions, type ClusterOptionField,
} from '../../../src/dask/clusterOptions';
import { isPangeoError } from '../../../src/core/http/errors';

// The shape GET /api/v1/options returns (dask_gateway_server/options.py json_spec()).
const RESPONSE = {
  cluster_options: [
    { field: 'worker_cores', label: 'Worker Cores', default: 1, spec: { type: 'int', min: 1, max: 4 } },
    { field: 'worker_memory', label: 'Worker Memory (GiB)', default: 1, spec: { type: 'float', min: 1, max: 8 } },
    { field: 'image', label: 'image', default: 'x', spec: { type: 'string' } },
    { field: 'gpu', label: 'GPU', default: false, spec: { type: 'bool' } },
    { field: 'profile', label: 'Profile', default: 'small', spec: { type: 'select', options: ['small', 'large'] } },
    { field: 'env', label: 'Env', default: {}, spec: { type: 'mapping' } },
    { field: 'unbounded', label: '', default: 0, spec: { type: 'int', min: null, max: null } },
  ],
};

describe('cluster options', () => {
  const fields = parseOptionFields(RESPONSE);

  it('parses every field type, keeping bounds and choices; an empty label falls back to the field', () => {
    assert.deepEqual(fields.map((f) => f.spec.type), ['int', 'float', 'string', 'bool', 'select', 'mapping', 'int']);
    assert.deepEqual(fields[0]!.spec, { type: 'int', min: 1, max: 4 });
    assert.equal(fields[6]!.label, 'unbounded');
    assert.throws(() => parseOptionFields({ cluster_options: [{ field: 'x', spec: { type: 'colour' } }] }), /unknown type "colour"/);
    assert.throws(() => parseOptionFields({}), /no "cluster_options"/);
  });

  it('validates like the gateway: types, bounds, choices, mappings, unknown fields', () => {
    assert.deepEqual(validateOptions(fields, { worker_cores: 2, gpu: true, env: { A: '1' } }), { worker_cores: 2, gpu: true, env: { A: '1' } });
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ worker_cores: 5 }, /Worker Cores \(worker_cores\) must be ≤ 4, got 5/],
      [{ worker_cores: 1.5 }, /whole number/],
      [{ worker_cores: '2' }, /must be a number/],
      [{ worker_memory: 0.5 }, /must be ≥ 1/],
      [{ gpu: 'yes' }, /true or false/],
      [{ profile: 'huge' }, /one of "small", "large"/],
      [{ env: [1] }, /mapping/],
      [{ image: 3 }, /must be text/],
      [{ nope: 1, zzz: 2 }, /Unknown cluster options: nope, zzz/],
    ];
    for (const [values, re] of bad) {
      assert.throws(() => validateOptions(fields, values), (e: unknown) => isPangeoError(e, 'InvalidInput') && re.test((e as Error).message), JSON.stringify(values));
    }
    assert.equal(validateOptions(fields, { unbounded: -1e9 }).unbounded, -1e9);
  });

  it('turns typed text into the field type (CLI --option k=v, input boxes)', () => {
    const f = (name: string) => fields.find((x) => x.field === name) as ClusterOptionField;
    assert.equal(parseOptionText(f('worker_cores'), ' 3 '), 3);
    assert.equal(parseOptionText(f('worker_memory'), '2.5'), 2.5);
    assert.equal(parseOptionText(f('gpu'), 'yes'), true);
    assert.equal(parseOptionText(f('gpu'), 'off'), false);
    assert.deepEqual(parseOptionText(f('env'), '{"A": "1"}'), { A: '1' });
    assert.throws(() => parseOptionText(f('env'), 'A=1'), /JSON object/);
    assert.throws(() => parseOptionText(f('worker_cores'), ''), /must be a number/);
    // What was typed is quoted, never "null" (JSON.stringify(NaN)).
    assert.throws(() => parseOptionText(f('worker_memory'), 'abc'), (e: Error) => /^worker_memory must be a number, got "abc"\./.test(e.message) && !/null/.test(e.message));
    assert.throws(() => parseOptionText(f('gpu'), 'maybe'), /true or false/);
    assert.deepEqual(parseOptionPairs(fields, { worker_cores: '2', profile: 'large' }), { worker_cores: 2, profile: 'large' });
    assert.throws(() => parseOptionPairs(fields, { cores: '2' }), /Unknown cluster option: cores/);
  });

  it('describes types for prompts', () => {
    assert.equal(describeOptionType({ type: 'int', min: 1, max: 4 }), 'integer 1…4');
    assert.equal(describeOptionType({ type: 'float', min: null, max: 8 }), 'number −∞…8');
    assert.equal(describeOptionType({ type: 'select', options: ['a', 'b'] }), 'one of a | b');
  });
});
