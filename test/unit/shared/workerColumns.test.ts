// Worker rows cross to the webview (and from the identity thread) as columns: every declared field survives the trip,
// hostile text stays text, and the JSON is much smaller than rows as objects (what the 5,000-worker budget rests on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWorkerColumns, isWorkerColumns, noWorkerColumns, toWorkerColumns } from '../../../src/shared/dashboard/workerColumns';
import { WORKER_FIELD_NAMES } from '../../../src/shared/dashboard/workerFields';
import { workerRows } from '../../../src/dask/scheduler/workerRows';
import { readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { syntheticPayloads } from '../metrics/syntheticScheduler';

const rows = (workers: number) => workerRows(readIdentity(syntheticPayloads({ workers, processing: 3 }).identity));

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
