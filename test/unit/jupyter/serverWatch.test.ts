// ServerWatch: when a watched server counts as gone (hub says stopped at once; a silent hub only after goneAfterMs).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { probeHubServer, ServerGone, ServerWatch, WatchProbe } from '../../../src/jupyter/serverWatch';
import { PangeoError } from '../../../src/core/http/errors';

function watchWithClock(goneAfterMs = 12_000) {
  let now = 0;
  // Timers never fire: the test drives check() itself.
  const watch = new ServerWatch({ goneAfterMs, now: () => now, setTimer: () => 0, clearTimer: () => undefined });
  const gone: ServerGone[] = [];
  watch.onDidGo((g) => gone.push(g));
  return { watch, gone, advance: (ms: number) => (now += ms) };
}

test('a server the hub reports stopped is gone at once, told once, and no longer watched', async () => {
  const { watch, gone } = watchWithClock();
  let state: WatchProbe = 'ready';
  watch.watch('hub#', async () => state);
  await watch.check();
  assert.deepEqual(gone, []);
  state = 'stopped';
  await watch.check();
  await watch.check();
  assert.deepEqual(gone, [{ key: 'hub#', reason: 'stopped' }]);
  assert.equal(watch.isWatching('hub#'), false);
});

test('a hub that does not answer makes its server gone only after goneAfterMs of silence; an answer resets the clock', async () => {
  const { watch, gone, advance } = watchWithClock(12_000);
  let state: WatchProbe = 'unknown';
  watch.watch('hub#n1', async () => state);
  await watch.check();
  advance(8_000);
  await watch.check();
  assert.deepEqual(gone, [], 'gone after 8 s of silence');
  state = 'ready';
  await watch.check();
  state = 'unknown';
  advance(8_000);
  await watch.check(); // silence starts again here
  advance(8_000);
  await watch.check();
  assert.deepEqual(gone, [], 'the answer in between did not reset the clock');
  advance(5_000);
  await watch.check();
  assert.deepEqual(gone, [{ key: 'hub#n1', reason: 'unreachable' }]);
});

test('a refused token (sign-in\'s business) and a throwing probe: refused never makes a server gone; a throw counts as silence', async () => {
  const { watch, gone, advance } = watchWithClock(1_000);
  watch.watch('a', async () => 'refused');
  watch.watch('b', async () => {
    throw new Error('boom');
  });
  await watch.check();
  advance(2_000);
  await watch.check();
  assert.deepEqual(gone, [{ key: 'b', reason: 'unreachable' }]);
  assert.deepEqual(watch.keys(), ['a']);
  watch.unwatch('a');
  assert.deepEqual(watch.keys(), []);
});

test('probeHubServer: ready / stopped / a 404 user is stopped / 403 is refused / anything else unknown', async () => {
  const source = (r: { state: string } | Error) => ({ getServer: async () => { if (r instanceof Error) throw r; return r; } });
  assert.equal(await probeHubServer(source({ state: 'ready' }), 'u', ''), 'ready');
  assert.equal(await probeHubServer(source({ state: 'pending' }), 'u', ''), 'stopped');
  assert.equal(await probeHubServer(source(new PangeoError('NotFound', 'no user', '')), 'u', ''), 'stopped');
  assert.equal(await probeHubServer(source(new PangeoError('Forbidden', 'no', '')), 'u', ''), 'refused');
  assert.equal(await probeHubServer(source(new PangeoError('Unreachable', 'down', '')), 'u', ''), 'unknown');
});
