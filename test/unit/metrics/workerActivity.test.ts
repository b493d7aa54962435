import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSchedulerProbe } from '../../../src/dask/scheduler/schedulerProbe';
import { workersActivity } from '../../../src/dask/scheduler/workerActivity';
import { fixtureText, workersAt } from './schedulerFixtures';

test('real 2022.12 identity.json mid-run: task counts per worker; the probe adds occupancy and executing keys', () => {
  const probe = readSchedulerProbe(fixtureText('probe-middle.json'));
  assert.equal(probe.kind, 'ok');
  const workers = workersAt('middle');
  const plain = workersActivity(workers);
  for (const a of plain) {
    assert.equal(typeof a.executing, 'number');
    assert.equal(a.nthreads, 1);
    assert.equal(a.occupancySeconds, undefined, 'identity.json has no occupancy');
    assert.ok(a.transfer && a.transfer.incomingCountTotal >= 0);
  }
  const withProbe = workersActivity(workers, probe.kind === 'ok' ? probe.value : undefined);
  for (const a of withProbe) {
    assert.ok(a.occupancySeconds! > 0, `${a.name} has queued work`);
    assert.ok(a.processing! > 0);
    assert.equal(a.executingKeys!.length, 1);
    assert.match(a.executingKeys![0]!.key, /^(load|measure|combine|check|total)-/);
  }
});

test('at the end: nothing executing; spilled bytes and transfers are reported', () => {
  const end = workersActivity(workersAt('end'));
  assert.ok(end.every((a) => a.executing === 0 && a.ready === 0));
  assert.ok(end.every((a) => a.spilledBytes! > 0));
  assert.ok(end.some((a) => a.transfer!.incomingCountTotal > 0), 'combine fetched blobs from the other worker');
  assert.ok(end.every((a) => a.inMemory! > 0));
});

test('a worker without metrics has no counts rather than zeros', () => {
  const [w] = workersAt('start');
  const [a] = workersActivity([{ ...w!, metrics: undefined }]);
  assert.equal(a!.executing, undefined);
  assert.equal(a!.taskCounts, undefined);
});
