// Worker rows cross from the identity thread as columns: every declared field survives the trip, hostile text stays
// text, and the JSON is much smaller than rows as objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWorkerColumns, toWorkerColumns } from '../../../src/shared/dashboard/workerColumns';
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

test('every field goes to its own column and back, as arrays and Float64Arrays', () => {
  const before = distinctRows(4);
  const plain = toWorkerColumns(before);
  const typed = toWorkerColumns(before, (n) => new Float64Array(n));
  for (const c of [plain, typed]) {
    assertColumnsHold(c, before);
    assert.deepEqual(fromWorkerColumns(c), before);
  }
});

test('rows → columns → JSON → rows gives every declared field back, in order', () => {
  const before = rows(5).map((r, i) => ({ ...r, name: i === 2 ? '<img src=x onerror=alert(1)>\u202Egnp.exe' : r.name, occupancySeconds: i * 1.5, currentWork: i ? `inc ×${i}` : '' }));
  const wire = JSON.parse(JSON.stringify(toWorkerColumns(before))) as ReturnType<typeof toWorkerColumns>;
  assert.deepEqual(fromWorkerColumns(wire), before);
  assert.deepEqual(Object.keys(wire).sort(), [...WORKER_FIELD_NAMES].sort());
  assert.deepEqual(fromWorkerColumns(toWorkerColumns([])), []);
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
