// PollLoop on mock timers: when ticks come (first delay, intervals, nextDelayMs, tickWithin), that they never overlap,
// and that dispose ends it for good — during the wait, and with a tick in flight.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { PollLoop } from '../../../src/core/pollLoop';
import { Disposable } from '../../../src/core/lifecycle';
import { stepTimers } from '../../support/mockClock';

/** Lets promise callbacks run (setImmediate is not mocked). */
const settle = () => new Promise((r) => setImmediate(r));
const advance = (ms: number) => stepTimers(mock.timers, ms);

/** A tick that records when it started and finishes only when `finish()` is called (or at once when `instant`). */
function recorder(instant = true) {
  const started: number[] = [];
  const signals: AbortSignal[] = [];
  let running = 0;
  let overlapped = false;
  let release: (() => void) | undefined;
  const tick = async (signal: AbortSignal) => {
    started.push(Date.now());
    signals.push(signal);
    if (running++) overlapped = true;
    if (!instant) await new Promise<void>((r) => (release = r));
    running--;
  };
  return { tick, started, signals, overlapped: () => overlapped, finish: () => release?.() };
}

test.beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 }));
test.afterEach(() => mock.timers.reset());

test('start(delay) waits that long before the first tick, then ticks every interval', async (t) => {
  const r = recorder();
  const loop = new PollLoop(r.tick, { intervalMs: 20 });
  t.after(() => loop.dispose());
  loop.start(200);
  await advance(199);
  assert.deepEqual(r.started, [], 'no tick before the delay');
  await advance(41);
  assert.deepEqual(r.started, [200, 220, 240]);
  assert.equal(loop.active, true);
});

test('nextDelayMs is asked for each wait (a back-off schedule drives it); setSlow uses the slow interval', async (t) => {
  const waits = [30, 400];
  const r = recorder();
  const loop = new PollLoop(r.tick, { intervalMs: 10, nextDelayMs: () => waits.shift() ?? 10_000 });
  t.after(() => loop.dispose());
  loop.start();
  await advance(500);
  assert.deepEqual(r.started, [0, 30, 430]);
  const s = recorder();
  const slow = new PollLoop(s.tick, { intervalMs: 10, slowIntervalMs: 100 });
  t.after(() => slow.dispose());
  slow.start();
  await advance(1);
  slow.setSlow(true);
  await advance(250);
  assert.deepEqual(s.started, [500, 510, 610, 710]);
});

test('dispose during the wait: no tick ever, start() does nothing afterwards, a second dispose is harmless', async () => {
  const r = recorder();
  const loop = new PollLoop(r.tick, { intervalMs: 10 });
  loop.start(50);
  await advance(20);
  loop.dispose();
  loop.dispose();
  loop.start();
  loop.tickWithin(0);
  await advance(200);
  assert.deepEqual(r.started, []);
  assert.equal(loop.active, false);
});

test('dispose with a tick in flight: its signal aborts and nothing is scheduled after it ends', async () => {
  const r = recorder(false);
  const loop = new PollLoop(r.tick, { intervalMs: 10 });
  loop.start();
  await advance(1);
  assert.equal(r.started.length, 1, 'a tick is in flight');
  loop.dispose();
  assert.equal(r.signals[0]!.aborted, true, 'the tick in flight is told to stop');
  r.finish();
  await advance(200);
  assert.equal(r.started.length, 1, 'no tick after dispose');
});

test('a Disposable owner that registered the loop ends it with itself', async () => {
  const r = recorder();
  class Owner extends Disposable {
    readonly loop = this._register(new PollLoop(r.tick, { intervalMs: 10 }));
  }
  const owner = new Owner();
  owner.loop.start();
  await advance(25);
  owner.dispose();
  await advance(100);
  assert.deepEqual(r.started, [0, 10, 20]);
  assert.equal(owner.loop.active, false);
});

test('stop and start again while a tick is in flight: that tick ends first, then one chain of ticks (no overlap, no double loop)', async (t) => {
  const r = recorder(false);
  const loop = new PollLoop(r.tick, { intervalMs: 10 });
  t.after(() => loop.dispose());
  loop.start();
  await advance(1);
  loop.stop();
  loop.start();
  await advance(20);
  assert.equal(r.started.length, 1, 'the next tick waits for the one in flight');
  r.finish();
  await settle();
  assert.equal(r.started.length, 2, 'then it runs at once');
  r.finish();
  await advance(35);
  r.finish();
  await advance(1);
  assert.ok(!r.overlapped(), 'ticks never overlapped');
  assert.deepEqual(r.started.slice(2), [31], 'one tick per interval after the in-flight one: a single chain');
});

test('tickWithin brings the next tick forward, never later; during a tick it comes right after that one', async (t) => {
  const r = recorder(false);
  const loop = new PollLoop(r.tick, { intervalMs: 1000 });
  t.after(() => loop.dispose());
  loop.tickWithin(0);
  await advance(5);
  assert.deepEqual(r.started, [], 'a stopped loop is not started by tickWithin');
  loop.start(1000);
  loop.tickWithin(100);
  loop.tickWithin(500);
  await advance(100);
  assert.deepEqual(r.started, [105], 'the earlier of the two');
  loop.tickWithin(0);
  await advance(50);
  assert.equal(r.started.length, 1, 'one tick at a time');
  r.finish();
  await settle();
  await advance(1);
  assert.deepEqual(r.started, [105, 155], 'asked for during the tick: right after it');
  r.finish();
  await advance(999);
  assert.equal(r.started.length, 2);
  await advance(1);
  assert.deepEqual(r.started, [105, 155, 1156], 'then back to the interval');
});
