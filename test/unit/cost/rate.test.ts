import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { DEFAULT_SCHEDULER, rateFor } from '../../../src/cost/rate';

const table = defaultPriceTable();
const GIB = 1024 ** 3;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

test('a hub server from its profile instance type, or from cores and memory', () => {
  const byType = rateFor({ kind: 'server', id: 's', label: 'me', cloud: 'aws', region: 'us-east-1', instanceType: 'r5.xlarge' }, table);
  close(byType.usdPerHour, 0.252);
  assert.equal(byType.lines[0]!.basis, 'instance');
  assert.equal(byType.estimated, true);
  const bySize = rateFor({ kind: 'server', id: 's', label: 'me', cloud: 'gcp', cores: 4, memoryGiB: 16 }, table);
  close(bySize.usdPerHour, 4 * 0.031611 + 16 * 0.004237);
  const unknown = rateFor({ kind: 'server', id: 's', label: 'me', cloud: 'aws' }, table);
  assert.equal(unknown.usdPerHour, 0);
  assert.ok(unknown.warnings.some((w) => /size unknown/.test(w)));
});

test('a cluster: Σ workers + scheduler by instance type, spot or on-demand', () => {
  const base = { kind: 'cluster' as const, id: 'c', label: 'c', cloud: 'aws' as const, region: 'us-east-1', workers: 10, workerInstanceType: 'm5.xlarge', schedulerInstanceType: 'm5.large' };
  close(rateFor(base, table).usdPerHour, 10 * 0.192 + 0.096);
  const spot = rateFor({ ...base, spot: true }, table);
  close(spot.usdPerHour, (10 * 0.192 + 0.096) * 0.35);
  assert.match(spot.lines[0]!.what, /spot/);
  close(rateFor({ ...base, workers: 0 }, table).usdPerHour, 0.096);
});

test('a cluster from identity.json threads and memory (no instance types)', () => {
  const r = rateFor({ kind: 'cluster', id: 'c', label: 'c', cloud: 'gcp', workers: 4, threads: 8, memoryLimitBytes: 32 * GIB }, table);
  const worker = 2 * 0.031611 + 8 * 0.004237;
  const scheduler = DEFAULT_SCHEDULER.cores * 0.031611 + DEFAULT_SCHEDULER.memoryGiB * 0.004237;
  close(r.usdPerHour, 4 * worker + scheduler);
  const noScheduler = rateFor({ kind: 'cluster', id: 'c', label: 'c', cloud: 'gcp', workers: 4, threads: 8, memoryLimitBytes: 32 * GIB, scheduler: false }, table);
  close(noScheduler.usdPerHour, 4 * worker);
});

test('local clusters and servers cost nothing; unknown types fall back with a warning', () => {
  assert.equal(rateFor({ kind: 'cluster', id: 'c', label: 'c', cloud: 'local', workers: 8, threads: 8 }, table).usdPerHour, 0);
  const r = rateFor({ kind: 'cluster', id: 'c', label: 'c', cloud: 'aws', region: 'us-east-1', workers: 2, workerInstanceType: 'zz.big', threads: 4, memoryLimitBytes: 8 * GIB, scheduler: false }, table);
  close(r.usdPerHour, 2 * (2 * 0.024 + 4 * 0.006));
  assert.ok(r.warnings.some((w) => /zz\.big/.test(w)));
  const region = rateFor({ kind: 'server', id: 's', label: 's', cloud: 'aws', region: 'sa-east-1', instanceType: 'm5.large' }, table);
  assert.ok(region.warnings.some((w) => /sa-east-1/.test(w)));
});
