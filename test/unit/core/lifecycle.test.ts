// The one disposable base: registrations end with their owner, last first, and late ones end at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, DisposableStore, toDisposable } from '../../../src/core/lifecycle';
import { Emitter } from '../../../src/core/emitter';
import { PollLoop } from '../../../src/core/pollLoop';
import { mockClock } from '../../support/mockClock';

class Owner extends Disposable {
  readonly changes = this._register(new Emitter<number>());
  constructor(log: string[]) {
    super();
    this._register(toDisposable(() => log.push('first')));
    this._register(toDisposable(() => log.push('second')));
    this._register({ dispose: () => { throw new Error('a broken disposable'); } });
  }
  register(fn: () => void): void {
    this._register(toDisposable(fn));
  }
}

test('a Disposable ends what it registered in reverse order, past a throwing one, and once', () => {
  const log: string[] = [];
  const owner = new Owner(log);
  const heard: number[] = [];
  owner.changes.event((n) => heard.push(n));
  owner.changes.fire(1);
  owner.dispose();
  owner.changes.fire(2);
  assert.deepEqual(log, ['second', 'first']);
  assert.deepEqual(heard, [1], 'the registered emitter was disposed with its owner');
  owner.dispose();
  assert.deepEqual(log, ['second', 'first'], 'a second dispose does nothing');
  owner.register(() => log.push('late'));
  assert.deepEqual(log, ['second', 'first', 'late'], 'registered after dispose: disposed at once');
});

test('DisposableStore disposes LIFO and reports when it is done', () => {
  const log: number[] = [];
  const store = new DisposableStore();
  for (const n of [1, 2, 3]) store.add(toDisposable(() => log.push(n)));
  assert.equal(store.isDisposed, false);
  store.dispose();
  assert.deepEqual(log, [3, 2, 1]);
  assert.equal(store.isDisposed, true);
});

test('Emitter: one throwing listener neither stops the others nor goes unheard', () => {
  const errors: unknown[] = [];
  const emitter = new Emitter<string>((e) => errors.push(e));
  const heard: string[] = [];
  emitter.event(() => { throw new Error('listener bug'); });
  const sub = emitter.event((v) => heard.push(v));
  emitter.fire('a');
  sub.dispose();
  emitter.fire('b');
  assert.deepEqual(heard, ['a']);
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /listener bug/);
});

test('PollLoop.start(delay) waits that long before the first tick', async (t) => {
  const clock = mockClock(t, { date: true });
  const ticks: number[] = [];
  const started = Date.now();
  const loop = new PollLoop(async () => { ticks.push(Date.now() - started); }, { intervalMs: 20 });
  t.after(() => loop.stop());
  loop.start(200);
  await clock.advance(199);
  assert.equal(ticks.length, 0, 'no tick before the delay');
  await clock.advance(21, 1);
  assert.deepEqual(ticks, [200, 220], 'the delay, then the interval');
});

test('PollLoop asks nextDelayMs for each wait (a back-off schedule drives it)', async (t) => {
  const clock = mockClock(t, { date: true });
  const waits = [30, 400];
  const ticks: number[] = [];
  const started = Date.now();
  const loop = new PollLoop(async () => { ticks.push(Date.now() - started); }, { intervalMs: 10, nextDelayMs: () => waits.shift() ?? 10_000 });
  t.after(() => loop.stop());
  loop.start(0);
  await clock.advance(430, 10);
  assert.deepEqual(ticks, [0, 30, 430], 'each wait as asked, not intervalMs');
  await clock.advance(9_000);
  assert.equal(ticks.length, 3, 'the next wait is 10 s');
});
