import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../metrics/syntheticScheduler';
import { MemoryStore } from '../../../src/core/keyValueStore';

const MIN = 60_000;
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const T0 = Date.UTC(2026, 2, 3, 12, 0);

test('meter: a server and a sampled cluster accrue; an unreachable cluster is not charged; budget and idle events fire', async () => {
  let workers = 4;
  let down = false;
  const control: FakeSchedulerControl = { requests: [], payloads: () => (down ? 'down' : syntheticPayloads({ workers, threadsPerWorker: 2, memoryLimit: 8 * 1024 ** 3 })) };
  const store = new MemoryStore();
  const meter = new CostMeter({
    table: defaultPriceTable, store, dayOf: utcDay, idleAfterMs: 2 * MIN, fetch: fakeSchedulerFetch(control),
    budget: { limitUsd: 0.5, period: 'day' },
    sources: [{
      list: async () => [
        { resource: { kind: 'server', id: 'srv', label: 'my server', cloud: 'aws', region: 'us-east-1', instanceType: 'm5.xlarge' } },
        { resource: { kind: 'cluster', id: 'cl', label: 'my cluster', cloud: 'aws', region: 'us-east-1', workerInstanceType: 'm5.large', schedulerInstanceType: 't3.medium' },
          dashboard: { dashboardUrl: 'http://sched.test:8787/' } },
      ],
    }],
  });
  const clusterRate = (n: number) => n * 0.096 + 0.0416;
  const first = await meter.tick(T0);
  assert.equal(first.snapshot.resources.length, 2);
  assert.ok(Math.abs(first.snapshot.totalUsdPerHour - (0.192 + clusterRate(4))) < 1e-9);
  assert.equal(first.snapshot.todayUsd, 0, 'nothing accrued before a second sample');

  const second = await meter.tick(T0 + MIN);
  const expected = (0.192 + clusterRate(4)) / 60;
  assert.ok(Math.abs(second.snapshot.todayUsd - expected) < 1e-9, `${second.snapshot.todayUsd} vs ${expected}`);
  assert.equal(second.snapshot.resources.find((r) => r.id === 'cl')!.todayUsd.toFixed(9), (clusterRate(4) / 60).toFixed(9));

  down = true;
  const third = await meter.tick(T0 + 2 * MIN);
  const cl = third.snapshot.resources.find((r) => r.id === 'cl')!;
  assert.equal(cl.status, 'unreachable');
  assert.equal(cl.usdPerHour, 0);
  down = false;
  workers = 8;
  // The cluster restarts its segment: the minute it did not answer is not charged, but the server's is.
  const fourth = await meter.tick(T0 + 3 * MIN);
  const clusterToday = fourth.snapshot.resources.find((r) => r.id === 'cl')!.todayUsd;
  assert.ok(Math.abs(clusterToday - clusterRate(4) / 60) < 1e-9);
  assert.ok(Math.abs(fourth.snapshot.totalUsdPerHour - (0.192 + clusterRate(8))) < 1e-9);
  assert.ok(fourth.events.some((e) => e.kind === 'idle' && e.resourceId === 'cl'), 'idle for ≥ 2 min with no tasks');

  // Run until the $0.50/day budget fills: 50 %, 80 %, 100 % each exactly once.
  const thresholds: number[] = [];
  for (let i = 4; i < 120; i++) for (const e of (await meter.tick(T0 + i * MIN)).events) if (e.kind === 'budget') thresholds.push(e.threshold);
  assert.deepEqual(thresholds, [0.5, 0.8, 1]);
  const s = meter.snapshot!;
  assert.ok(s.budget!.fraction >= 1);
  assert.equal(s.history.time.length, 120);
  assert.equal(s.history.perResource.cl!.usdPerHour.length, 120);
  assert.ok(Math.abs(s.sessionUsd - s.todayUsd) < 1e-9);
  // Persisted: a fresh meter on the same store sees today's total.
  const again = new CostMeter({ table: defaultPriceTable, store, dayOf: utcDay, sources: [] });
  assert.ok(Math.abs(again.ledger.day(utcDay(T0)).totalUsd - s.todayUsd) < 1e-9);
});

test('meter: one sample that jumps past 80 % and 100 % says only 100 %, once', async () => {
  const meter = new CostMeter({
    table: defaultPriceTable, store: new MemoryStore(), dayOf: utcDay, budget: { limitUsd: 5, period: 'month' }, maxGapMs: 48 * 60 * MIN,
    sources: [{ list: async () => [{ resource: { kind: 'server', id: 'srv', label: 'big server', cloud: 'aws', region: 'us-east-1', instanceType: 'm5.xlarge' } }] }],
  });
  await meter.tick(T0);
  // $0.192/h for 30.8 h of one observed segment: $5.92 of $5.00 in a single step.
  const { events } = await meter.tick(T0 + 30.8 * 60 * MIN);
  assert.deepEqual(events.filter((e) => e.kind === 'budget').map((e) => e.kind === 'budget' && e.threshold), [1]);
  assert.deepEqual((await meter.tick(T0 + 31 * 60 * MIN)).events.filter((e) => e.kind === 'budget'), []);
});

test('meter: a server with no size, instance or profile price is "unpriced", not $0; a profile price prices it', async () => {
  const meter = new CostMeter({
    table: defaultPriceTable, store: new MemoryStore(), dayOf: utcDay,
    sources: [{ list: async () => [
      { resource: { kind: 'server', id: 'a', label: 'profile only', cloud: 'aws', profile: 'large' } },
      { resource: { kind: 'server', id: 'b', label: 'priced profile', profile: 'large', profileUsdPerHour: 0.75 } },
      { resource: { kind: 'server', id: 'c', label: 'local', cloud: 'local' } },
    ] }],
  });
  const { snapshot } = await meter.tick(T0);
  const by = (id: string) => snapshot.resources.find((r) => r.id === id)!;
  assert.equal(by('a').unpriced, true);
  assert.match(by('a').rate.warnings.join('\n'), /profile "large": set its \$\/h in pangeo\.cost\.hubProfilePrices/);
  assert.equal(by('b').unpriced, undefined);
  assert.equal(by('b').usdPerHour, 0.75);
  assert.equal(by('c').unpriced, undefined, 'a server on this machine is free, not unknown');
});
