// AdaptiveFollower's loop on mock timers: one step per interval, never two at once; stopped, it scales nothing more.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveFollower } from '../../../src/dask/adaptiveFollower';
import { stepTimers } from '../../support/mockClock';

const advance = (ms: number) => stepTimers(mock.timers, ms);

test.beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 }));
test.afterEach(() => mock.timers.reset());

test('the follower steps at once and then every intervalMs, scaling up at once and down after waitCount lower targets', async () => {
  let current = 1;
  let target = 4;
  const asked: number[] = [];
  const scaled: Array<[number, number]> = [];
  const f = new AdaptiveFollower({
    current: async () => current,
    target: async () => {
      asked.push(Date.now());
      return target;
    },
    scaleTo: async (n) => {
      scaled.push([Date.now(), n]);
      current = n;
    },
  }, { minimum: 1, maximum: 3 }, { intervalMs: 100, waitCount: 2 }).start();
  await advance(0);
  assert.deepEqual(scaled, [[0, 3]], 'up to the maximum at once');
  target = 1;
  await advance(200);
  assert.deepEqual(asked, [0, 100, 200]);
  assert.deepEqual(scaled, [[0, 3], [200, 1]], 'down on the second lower target');
  f.stop();
  await advance(500);
  assert.equal(asked.length, 3, 'no step after stop');
  assert.equal(f.active, false);
  await f.done;
});

test('stopped while a step scales: the step is aborted and nothing follows it', async () => {
  const signals: AbortSignal[] = [];
  let finish!: () => void;
  let steps = 0;
  const f = new AdaptiveFollower({
    current: async () => 0,
    target: async () => {
      steps++;
      return 2;
    },
    scaleTo: (_n, signal) => {
      signals.push(signal!);
      return new Promise<void>((r) => (finish = r));
    },
  }, { minimum: 0, maximum: 2 }, { intervalMs: 10 }).start();
  await advance(5);
  assert.equal(signals.length, 1, 'a scale is under way');
  f.dispose();
  assert.equal(signals[0]!.aborted, true);
  finish();
  await advance(100);
  assert.equal(steps, 1);
  assert.equal(f.active, false);
});
