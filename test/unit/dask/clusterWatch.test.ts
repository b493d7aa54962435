import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackoffSchedule, VanishedClusters } from '../../../src/dask/clusterWatch';
import type { ClusterSummary } from '../../../src/dask/clusterProvider';

const cluster = (id: string, status: ClusterSummary['status'] = 'running'): ClusterSummary =>
  ({ id, name: id, status, workers: 2, threads: 2, memory: 10, provider: 'gateway' });

describe('cluster polling', () => {
  it('backs off 5 → 10 → 20 → 40 → 60 s on errors and returns to 5 s on success', () => {
    const s = new BackoffSchedule();
    const delays = [s.nextDelay()];
    for (let i = 0; i < 6; i++) {
      s.failed();
      delays.push(s.nextDelay());
    }
    assert.deepEqual(delays, [5000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    assert.equal(s.failing, true);
    s.succeeded();
    assert.equal(s.nextDelay(), 5000);
  });

  it('shows a vanished cluster once as stopped, then drops it', () => {
    const v = new VanishedClusters();
    assert.deepEqual(v.reconcile([cluster('a'), cluster('b')]).map((c) => c.id), ['a', 'b']);
    const second = v.reconcile([cluster('a')]);
    assert.deepEqual(second.map((c) => [c.id, c.status, c.workers]), [['a', 'running', 2], ['b', 'stopped', 0]]);
    assert.match(second[1]!.message!, /No longer listed/);
    assert.deepEqual(v.reconcile([cluster('a')]).map((c) => c.id), ['a']);
  });

  it('a dead cluster the provider keeps listing is shown once, not on every poll', () => {
    const v = new VanishedClusters();
    assert.equal(v.reconcile([cluster('x', 'failed')]).length, 1);
    assert.equal(v.reconcile([cluster('x', 'failed')]).length, 0);
    assert.equal(v.reconcile([]).length, 0);
  });
});
