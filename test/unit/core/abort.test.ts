// untilAborted and releasableSignal: which signal ended a wait, that listeners go when it ends, that a late failure of
// the abandoned work is swallowed. Signals are aborted by hand (no clock): AbortSignal.timeout is just another signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { releasableSignal, untilAborted } from '../../../src/core/abort';

/** An AbortSignal whose abort listeners can be counted. */
function counted() {
  const controller = new AbortController();
  let listeners = 0;
  const add = controller.signal.addEventListener.bind(controller.signal);
  const remove = controller.signal.removeEventListener.bind(controller.signal);
  controller.signal.addEventListener = ((...args: Parameters<typeof add>) => { listeners++; add(...args); }) as typeof add;
  controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => { listeners--; remove(...args); }) as typeof remove;
  return { controller, signal: controller.signal, listeners: () => listeners };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('the work settles first: its value or error, and no listener is left on the signals', async () => {
  const a = counted();
  const b = counted();
  assert.equal(await untilAborted(Promise.resolve(7), [a.signal, undefined, b.signal], () => new Error('aborted')), 7);
  await assert.rejects(untilAborted(Promise.reject(new Error('own failure')), [a.signal], () => new Error('aborted')), /own failure/);
  assert.equal(a.listeners(), 0);
  assert.equal(b.listeners(), 0);
});

test('a signal aborts first: the reason names which one, and the work failing later is not an unhandled rejection', async () => {
  const user = counted();
  const timeout = counted();
  const work = deferred<number>();
  const waiting = untilAborted(work.promise, [user.signal, timeout.signal], (s) => new Error(s === timeout.signal ? 'timed out' : 'cancelled'));
  timeout.controller.abort();
  await assert.rejects(waiting, /timed out/);
  assert.equal(user.listeners(), 0, 'the long-lived signal keeps no listener');
  work.reject(new Error('late'));
  await new Promise((r) => setImmediate(r));
});

test('a signal aborted already: rejects at once with its reason', async () => {
  const c = new AbortController();
  c.abort();
  const work = deferred<void>();
  await assert.rejects(untilAborted(work.promise, [undefined, c.signal], () => new Error('cancelled before')), /cancelled before/);
  work.reject(new Error('late'));
  await new Promise((r) => setImmediate(r));
});

test('releasableSignal follows its source until released, and not after', () => {
  const first = new AbortController();
  const followed = releasableSignal(first.signal);
  first.abort('why');
  assert.equal(followed.signal.aborted, true);
  assert.equal(followed.signal.reason, 'why');
  const second = new AbortController();
  const released = releasableSignal(second.signal);
  released.release();
  second.abort();
  assert.equal(released.signal.aborted, false, 'released: the body is not cut by the header timeout');
  const gone = new AbortController();
  gone.abort();
  assert.equal(releasableSignal(gone.signal).signal.aborted, true, 'an aborted source aborts it at once');
});
