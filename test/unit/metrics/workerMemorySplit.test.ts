import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIdentityWorkers } from '../../../src/dask/scheduler/identityWorkers';
import { memoryColor, memorySplitFromProbe, UnmanagedHistory, workerMemorySplit, workersMemorySplit, WorkerMemorySplit } from '../../../src/dask/scheduler/workerMemorySplit';
import { readSchedulerProbe } from '../../../src/dask/scheduler/schedulerProbe';
import { fixtureText, workersAt } from './schedulerFixtures';

function splits(readings: ReturnType<typeof workersMemorySplit>): Record<string, WorkerMemorySplit> {
  return Object.fromEntries(readings.map((r) => {
    assert.equal(r.kind, 'ok', r.kind === 'missing' ? r.reason : '');
    return [r.kind === 'ok' ? r.split.name : '', r.kind === 'ok' ? r.split : (undefined as never)];
  }));
}

test('real 2022.12 identity.json at the end: managed, unmanaged and spilled like Dask\'s MemoryState', () => {
  const s = splits(workersMemorySplit(workersAt('end'), new UnmanagedHistory(), Date.now()));
  assert.deepEqual(Object.keys(s).sort(), ['alpha', 'beta']);
  for (const w of Object.values(s)) {
    assert.equal(w.managed + w.unmanagedOld + w.unmanagedRecent, w.process, `${w.name}: the parts are the process memory`);
    assert.equal(w.limit, 400e6);
    assert.ok(w.spilled > 0 && w.spilled % 8_000_000 < 10_000, `${w.name} spilled whole 8 MB blobs (${w.spilled})`);
    // Managed in RAM = managed_bytes − in-memory size of what was spilled.
    assert.ok(w.managed > 0 && w.managed < w.process);
    assert.equal(w.unmanagedRecent, 0, 'one sample: all unmanaged counts as old');
    assert.equal(w.color, 'blue', 'process memory is below 60% of the limit');
  }
});

test('unmanaged old is the minimum over the window; a spike above it is recent', () => {
  const [w] = workersAt('start');
  const history = new UnmanagedHistory(30_000);
  const at = (bytes: number, t: number) => workerMemorySplit({ ...w!, metrics: { ...w!.metrics, memory: bytes, managed_bytes: 0, time: t } }, history, 0);
  at(100e6, 1000);
  const spike = at(160e6, 1010);
  assert.ok(spike.kind === 'ok');
  assert.equal(spike.split.unmanagedOld, 100e6);
  assert.equal(spike.split.unmanagedRecent, 60e6);
  const later = at(160e6, 1045);
  assert.ok(later.kind === 'ok');
  assert.equal(later.split.unmanagedOld, 160e6, 'the 100 MB sample is older than 30 s');
});

test('Dask\'s colours: orange from the target/spill threshold, red at terminate or when not running', () => {
  assert.equal(memoryColor(50, 100, 'running'), 'blue');
  assert.equal(memoryColor(60, 100, 'running'), 'orange');
  assert.equal(memoryColor(95, 100, 'running'), 'red');
  assert.equal(memoryColor(10, 100, 'paused'), 'red');
  assert.equal(memoryColor(10, undefined, 'running'), 'blue', 'no limit');
  assert.equal(memoryColor(80, 100, 'running', { target: false, spill: false, terminate: false }), 'blue');
  assert.equal(memoryColor(100, 100, 'running', { target: false, spill: false, terminate: false }), 'red');
});

test('a worker without a heartbeat yet, or without memory readings, is "missing" with a reason; bad bodies are malformed', () => {
  const [w] = workersAt('start');
  const none = workerMemorySplit({ ...w!, metrics: undefined }, new UnmanagedHistory(), 0);
  assert.equal(none.kind, 'missing');
  const partial = workerMemorySplit({ ...w!, metrics: { cpu: 3 } }, new UnmanagedHistory(), 0);
  assert.equal(partial.kind, 'missing');
  assert.equal(readIdentityWorkers({ id: 'x' }).kind, 'malformed');
  assert.equal(readIdentityWorkers('<html>').kind, 'malformed');
  const odd = readIdentityWorkers({ workers: { 'tcp://a:1': { memory_limit: 0, name: 7 }, 'tcp://b:2': 'junk' } });
  assert.deepEqual(odd.kind === 'ok' ? odd.value : undefined, [{ address: 'tcp://a:1', name: '7', status: undefined, nthreads: undefined, memoryLimit: undefined, metrics: undefined }]);
});

test('the probe gives Dask\'s own split (the scheduler\'s unmanaged old), consistent with identity.json\'s heartbeat', () => {
  const probe = readSchedulerProbe(fixtureText('probe-middle.json'));
  assert.equal(probe.kind, 'ok');
  if (probe.kind !== 'ok') return;
  const fromProbe = memorySplitFromProbe(probe.value);
  assert.equal(fromProbe.length, 2);
  for (const r of fromProbe) {
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') continue;
    assert.equal(r.split.managed + r.split.unmanagedOld + r.split.unmanagedRecent, r.split.process, r.split.name);
    assert.equal(r.split.limit, 400e6);
    assert.equal(r.split.color, 'blue');
    assert.ok(r.split.managed > 0, 'results held mid-run');
  }
  const gone = memorySplitFromProbe({ ...probe.value, workers: { 'tcp://x:1': { name: 'x', occupancy: 0, processing: 0, executing: [] } } });
  assert.equal(gone[0]!.kind, 'missing');
});
