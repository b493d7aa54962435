import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProbeOverlay, shortenWork } from '../../../src/dashboard/metrics/probeOverlay';
import { readSchedulerProbe } from '../../../src/dask/scheduler/schedulerProbe';
import { workerRows } from '../../../src/dask/scheduler/workerRows';
import type { SchedulerIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { fixtureText } from './schedulerFixtures';

test('current work: keys grouped by Dask\'s key prefix, most frequent first, the rest counted', () => {
  const k = (key: string) => ({ key });
  assert.equal(shortenWork([]), '');
  assert.equal(shortenWork([k('inc-3f73ffbe30504ce71c8c5ecb42379584'), k("('inc-db4c0a8565e992249c6a9460561bb7c5', 3)"), k('sum-aggregate-1c2d')]), 'inc ×2, sum-aggregate');
  assert.equal(shortenWork(['a', 'b', 'c', 'd', 'd', 'e'].map((p) => k(`${p}-0123456789abcdef0123456789abcdef`))), 'd ×2, a, b +2 more');
});

test('overlay: the recorded probe fills occupancy/processing/work; unchanged rows stay the same objects', () => {
  const probe = readSchedulerProbe(fixtureText('probe-middle.json'));
  assert.equal(probe.kind, 'ok');
  if (probe.kind !== 'ok') return;
  const addresses = Object.keys(probe.value.workers);
  const identity = {
    type: 'Scheduler', id: probe.value.schedulerId, address: 'tcp://127.0.0.1:8786', services: {}, started: 1,
    workers: Object.fromEntries(addresses.map((a, i) => [a, { type: 'Worker', id: `w${i}`, host: '127.0.0.1', name: `w${i}`, nthreads: 1, memory_limit: 4e8, last_seen: 1, status: 'running', metrics: { memory: 5e7, cpu: 50, time: 1 } }])),
  } as unknown as SchedulerIdentity;
  const rows = workerRows(identity);
  const overlay = new ProbeOverlay();
  const without = overlay.apply(rows, undefined);
  assert.ok(without.every((r, i) => r === rows[i]), 'no probe: the rows as built');
  const withProbe = overlay.apply(rows, probe.value);
  for (const r of withProbe) {
    assert.ok(r.occupancySeconds > 0, 'occupancy in seconds');
    assert.equal(r.processing, 2);
    assert.equal(r.currentWork, 'measure');
  }
  const again = overlay.apply(rows, probe.value);
  assert.ok(again.every((r, i) => r === withProbe[i]), 'same base, same probe: same objects (the diff sees nothing)');
  const gone = overlay.apply(rows, undefined);
  assert.ok(gone.every((r) => r.occupancySeconds === -1 && r.processing === -1 && r.currentWork === ''), 'probe gone: unknown again');
});
