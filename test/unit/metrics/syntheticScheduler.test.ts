// The benchmark's paced scheduler: with `cycle`, serving ticks 0…cycle−1 in turn changes the same share of the workers
// at every step, the step from the last tick back to the first included (else the paced p95 measured a full change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticPayloads } from './syntheticScheduler';

const changedBetween = (a: number, b: number, o: { heartbeatEvery: number; cycle?: number }) => {
  const before = syntheticPayloads({ workers: 260, tick: a, baseTime: 1_800_000_000, ...o }).identity as { workers: Record<string, object> };
  const after = syntheticPayloads({ workers: 260, tick: b, baseTime: 1_800_000_000, ...o }).identity as { workers: Record<string, object> };
  return Object.keys(after.workers).filter((k) => JSON.stringify(after.workers[k]) !== JSON.stringify(before.workers[k])).length;
};

test('with a cycle of whole heartbeat periods, every step (the wrap too) changes 1/heartbeatEvery of the workers', () => {
  const o = { heartbeatEvery: 13, cycle: 26 };
  for (let tick = 0; tick < 25; tick++) assert.equal(changedBetween(tick, tick + 1, o), 20, `step ${tick} → ${tick + 1}`);
  assert.equal(changedBetween(25, 0, o), 20, 'the wrap 25 → 0');
  assert.equal(changedBetween(15, 0, { heartbeatEvery: 13 }), 260, 'without a cycle, going back changes every worker');
});
