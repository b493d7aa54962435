import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer, RingQueue } from '../../../src/shared/ringBuffer';
import { SampleSeries } from '../../../src/shared/dashboard/sampleSeries';
import { buildSample } from '../../../src/dashboard/metrics/clusterSample';
import { readCounts, readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { syntheticPayloads } from '../metrics/syntheticScheduler';

test('ring buffer keeps the newest `capacity` values in order', () => {
  const r = new RingBuffer(3);
  assert.deepEqual(r.toArray(), []);
  for (const v of [1, 2, 3, 4, 5]) r.push(v);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.length, 3);
  assert.equal(r.at(0), 3);
  assert.equal(r.last(), 5);
  assert.equal(r.at(3), undefined);
  r.clear();
  assert.equal(r.length, 0);
  assert.throws(() => new RingBuffer(0));
});

test('sample series stays at capacity and aligns its columns', () => {
  const series = new SampleSeries(4);
  for (let t = 0; t < 10; t++) {
    const p = syntheticPayloads({ workers: t + 1, processing: t });
    series.add(buildSample(t * 1000, readCounts(p.counts), readIdentity(p.identity)));
  }
  const snap = series.snapshot();
  assert.deepEqual(snap.time, [6000, 7000, 8000, 9000]);
  assert.deepEqual(snap.values.workers, [7, 8, 9, 10]);
  assert.deepEqual(snap.values['tasks.processing'], [6, 7, 8, 9]);
  assert.equal(snap.values.memoryLimitBytes.length, 4);
});

test('ring queue: keeps the newest `capacity` items in order, hands back what it drops, shifts from the oldest end', () => {
  const q = new RingQueue<string>(3);
  assert.deepEqual(['a', 'b', 'c'].map((x) => q.push(x)), [undefined, undefined, undefined]);
  assert.equal(q.push('d'), 'a');
  assert.equal(q.push('e'), 'b');
  assert.deepEqual(q.toArray(), ['c', 'd', 'e']);
  assert.equal(q.at(0), 'c');
  assert.equal(q.shift(), 'c');
  assert.deepEqual([q.length, q.at(0), q.at(1), q.at(2)], [2, 'd', 'e', undefined]);
  q.push('f');
  q.push('g');
  assert.deepEqual(q.toArray(), ['e', 'f', 'g']);
  q.clear();
  assert.deepEqual([q.length, q.shift(), q.toArray()], [0, undefined, []]);
  assert.throws(() => new RingQueue(0), RangeError);
});
