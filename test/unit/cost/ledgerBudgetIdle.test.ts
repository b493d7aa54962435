import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Budget } from '../../../src/cost/budget';
import { CostLedger } from '../../../src/cost/costLedger';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { IdleDetector } from '../../../src/cost/idleDetector';
import { encodeResourceId } from '../../../src/shared/resourceIds';

test('ledger: per-day, per-resource totals persist across instances; month sums its days', async () => {
  const store = new MemoryStore();
  const a = new CostLedger(store);
  await a.add('2026-01-31', 'c1', 'cluster one', 1.5);
  await a.add('2026-02-01', 'c1', 'cluster one', 2);
  await a.add('2026-02-01', 's1', 'server', 0.25);
  await a.add('2026-02-01', 's1', 'server', 0);
  assert.equal(a.sessionUsd, 3.75);
  const b = new CostLedger(store);
  assert.equal(b.sessionUsd, 0, 'a new session starts at zero');
  assert.equal(b.day('2026-02-01').totalUsd, 2.25);
  assert.deepEqual(b.day('2026-02-01').resources.s1, { label: 'server', usd: 0.25 });
  assert.equal(b.month('2026-02'), 2.25);
  assert.equal(b.month('2026-01'), 1.5);
  assert.deepEqual(b.days(), ['2026-01-31', '2026-02-01']);
  assert.deepEqual(b.day('1999-01-01'), { totalUsd: 0, resources: {} });
});

test('budget: 50/80/100 % each fire once per period, again in the next period, remembered across reloads', async () => {
  const store = new MemoryStore();
  const budget = new Budget({ limitUsd: 100, period: 'month' }, store);
  assert.deepEqual((await budget.evaluate(10, '2026-01')).crossed, []);
  assert.deepEqual((await budget.evaluate(55, '2026-01')).crossed, [0.5]);
  assert.deepEqual((await budget.evaluate(60, '2026-01')).crossed, []);
  // A jump past two thresholds fires both, once.
  assert.deepEqual((await budget.evaluate(120, '2026-01')).crossed, [0.8, 1]);
  const reloaded = new Budget({ limitUsd: 100, period: 'month' }, store);
  assert.deepEqual((await reloaded.evaluate(130, '2026-01')).crossed, []);
  const next = await reloaded.evaluate(85, '2026-02');
  assert.deepEqual(next.crossed, [0.5, 0.8]);
  assert.equal(next.fraction, 0.85);
  assert.throws(() => new Budget({ limitUsd: 0, period: 'day' }, store));
});

test('idle detector: nudges once per idle stretch, from task counts or check_idle', () => {
  const d = new IdleDetector(10 * 60_000);
  const t0 = 1_000_000;
  assert.equal(d.observe(t0, { activeTasks: 0 }).nudge, false);
  assert.equal(d.observe(t0 + 9 * 60_000, { activeTasks: 0 }).nudge, false);
  assert.equal(d.observe(t0 + 10 * 60_000, { activeTasks: 0 }).nudge, true);
  assert.equal(d.observe(t0 + 20 * 60_000, { activeTasks: 0 }).nudge, false, 'only once');
  assert.equal(d.observe(t0 + 21 * 60_000, { activeTasks: 5 }).idleForMs, 0);
  assert.equal(d.observe(t0 + 31 * 60_000, { activeTasks: 0 }).nudge, false, 'a new stretch starts now');
  assert.equal(d.observe(t0 + 41 * 60_000, { activeTasks: 0 }).nudge, true);
  const s = new IdleDetector(10 * 60_000);
  // The scheduler says it has been idle for 15 minutes already: nudge on the first look.
  const v = s.observe(t0, { activeTasks: 0, idleSince: t0 - 15 * 60_000 });
  assert.equal(v.nudge, true);
  assert.equal(v.idleForMs, 15 * 60_000);
  assert.equal(s.observe(t0 + 60_000, { activeTasks: 0, idleSince: null }).idleForMs, 0);
});

test('ledger: today\'s cost of a resource includes what an earlier version filed under its old id', async () => {
  const store = new MemoryStore();
  // Written by versions before the one id scheme: "<provider>/<cluster>" and "<hub base>#<server>".
  await store.update('pangeo.cost.day.2026-02-01', {
    totalUsd: 1.75,
    resources: { 'scheduler/http://127.0.0.1:8787/': { label: 'sched', usd: 1.5 }, 'https://hub.example.org/#gpu': { label: 'gpu', usd: 0.25 } },
  });
  const ledger = new CostLedger(store);
  const cluster = encodeResourceId({ kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' });
  const server = encodeResourceId({ kind: 'server', hubId: 'https://hub.example.org/', serverName: 'gpu' });
  await ledger.add('2026-02-01', cluster, 'sched', 0.5);
  assert.equal(ledger.resourceUsd('2026-02-01', cluster), 2);
  assert.equal(ledger.resourceUsd('2026-02-01', server), 0.25);
  assert.equal(ledger.resourceUsd('2026-02-01', encodeResourceId({ kind: 'server', hubId: 'https://hub.example.org/', serverName: '' })), 0, 'another server');
  assert.equal(ledger.day('2026-02-01').totalUsd, 2.25);
});
