// Worker rows cross to the webview (and from the identity thread) as columns: every declared field survives the trip,
// hostile text stays text, and the JSON is much smaller than rows as objects (what the 5,000-worker budget rests on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWorkerColumns, isWorkerColumns, noWorkerColumns, NUMERIC_WORKER_FIELDS, packedWorkerColumns, toWorkerColumns } from '../../../src/shared/dashboard/workerColumns';
import { WORKER_FIELD_NAMES, WORKER_FIELDS, type WorkerRow } from '../../../src/shared/dashboard/workerFields';
import { workerRows } from '../../../src/dask/scheduler/workerRows';
import { readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { syntheticPayloads } from '../metrics/syntheticScheduler';

const rows = (workers: number) => workerRows(readIdentity(syntheticPayloads({ workers, processing: 3 }).identity));

/** Rows whose every field holds a value no other field or row holds: a value copied into another field's place shows. */
const distinctRows = (n: number): WorkerRow[] => Array.from({ length: n }, (_, i) =>
  Object.fromEntries(WORKER_FIELD_NAMES.map((f, k) => [f, WORKER_FIELDS[f] === 'number' ? i * 100 + k + 0.25 : `${f} ${i}`])) as unknown as WorkerRow);

/** Each column holds each row's own value of its field (checked against the rows, not by reading them back). */
function assertColumnsHold(columns: Record<string, ArrayLike<unknown>>, expected: readonly WorkerRow[]) {
  assert.deepEqual(Object.keys(columns).sort(), [...WORKER_FIELD_NAMES].sort());
  for (const f of WORKER_FIELD_NAMES) {
    assert.equal(columns[f]!.length, expected.length, f);
    for (let i = 0; i < expected.length; i++) assert.equal(columns[f]![i], expected[i]![f], `${f} of row ${i}`);
  }
}

test('every field goes to its own column and back, as arrays, Float64Arrays and packed Float64Arrays', () => {
  const before = distinctRows(4);
  const plain = toWorkerColumns(before);
  const typed = toWorkerColumns(before, (n) => new Float64Array(n));
  const packed = packedWorkerColumns(before);
  for (const c of [plain, typed, packed]) {
    assertColumnsHold(c, before);
    assert.deepEqual(fromWorkerColumns(c), before);
  }
});

test('rows → columns → JSON → rows gives every declared field back, in order', () => {
  const before = rows(5).map((r, i) => ({ ...r, name: i === 2 ? '<img src=x onerror=alert(1)>\u202Egnp.exe' : r.name, occupancySeconds: i * 1.5, currentWork: i ? `inc ×${i}` : '' }));
  const wire: unknown = JSON.parse(JSON.stringify(toWorkerColumns(before)));
  assert.ok(isWorkerColumns(wire));
  assert.deepEqual(fromWorkerColumns(wire), before);
  assert.deepEqual(Object.keys(wire).sort(), [...WORKER_FIELD_NAMES].sort());
  assert.deepEqual(fromWorkerColumns(noWorkerColumns()), []);
});

test('numeric columns as Float64Arrays (between threads) read back the same', () => {
  const before = rows(4);
  assert.deepEqual(fromWorkerColumns(toWorkerColumns(before, (n) => new Float64Array(n))), before);
});

test('at 1,000 workers the columns are under half the JSON of the rows as objects', () => {
  const r = rows(1000);
  const asRows = JSON.stringify(r).length;
  const asColumns = JSON.stringify(toWorkerColumns(r)).length;
  assert.ok(asColumns < asRows / 2, `${asColumns} bytes as columns vs ${asRows} as rows`);
});

test('malformed columns are refused', () => {
  const good = toWorkerColumns(rows(2));
  const bad: unknown[] = [
    null, [], rows(2), {}, { ...good, address: 'tcp://a' }, { ...good, threads: [1] }, { ...good, cpuPercent: [1, Number.NaN] },
    { ...good, cpuPercent: [1, '2'] }, { ...good, name: ['a', 2] }, (({ status: _s, ...rest }) => rest)(good),
  ];
  for (const b of bad) assert.equal(isWorkerColumns(b), false, JSON.stringify(b)?.slice(0, 80));
  assert.ok(isWorkerColumns(good));
});

test('for the webview the numbers are Float64Array views of one buffer (the editor copies each buffer once), checked and read back', () => {
  const before = rows(6).map((r, i) => ({ ...r, occupancySeconds: i / 3 }));
  const packed = packedWorkerColumns(before);
  const buffers = new Set(NUMERIC_WORKER_FIELDS.map((f) => packed[f].buffer));
  assert.equal(buffers.size, 1, 'one buffer');
  for (const f of NUMERIC_WORKER_FIELDS) assert.ok(packed[f] instanceof Float64Array && packed[f].length === 6, f);
  assert.equal([...buffers][0]!.byteLength, NUMERIC_WORKER_FIELDS.length * 6 * 8, 'no bytes beyond the columns');
  // As the page gets them: structured clone keeps typed arrays typed.
  const received: unknown = structuredClone(packed);
  assert.ok(isWorkerColumns(received));
  assert.deepEqual(fromWorkerColumns(received), before);
  assert.deepEqual(fromWorkerColumns(packedWorkerColumns([])), []);
  const bad = [
    { ...packed, threads: new Float64Array(5) }, { ...packed, cpuPercent: Float64Array.of(1, 2, 3, 4, 5, Number.NaN) },
    { ...packed, memoryBytes: new Float32Array(6) }, { ...packed, name: new Float64Array(6) },
    { ...packed, lastSeen: Float64Array.of(0, 0, 0, 0, 0, Number.POSITIVE_INFINITY) }, { ...packed, ready: Float64Array.of(Number.NEGATIVE_INFINITY, 0, 0, 0, 0, 0) },
    { ...packed, threads: new Float64Array(7) }, { ...packed, address: new Float64Array(6) }, { ...packed, spilledBytes: new Int32Array(6) },
  ];
  for (const b of bad) assert.equal(isWorkerColumns(b), false);
});
