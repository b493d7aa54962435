// ServerFates: a watched server's kernels are lost once the watch says gone (and, after it runs again, those it no
// longer has); a failed look-up waits for that verdict; sessions the Jupyter extension asks for name their notebook.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ServerWatch, WatchProbe } from '../../../src/jupyter/serverWatch';
import { ServerFates } from '../../../src/jupyter/serverFates';

function setUp(settleMs = 5_000) {
  let now = 0;
  const watch = new ServerWatch({ now: () => now, setTimer: () => 0, clearTimer: () => undefined });
  const fates = new ServerFates(watch, { describe: (id) => (id === 'hub#' ? 'The default server on hub' : undefined), settleMs, now: () => now });
  let state: WatchProbe = 'ready';
  watch.watch('hub#', async () => state);
  return { watch, fates, fate: fates.fateOf('hub#'), stop: () => (state = 'stopped'), advance: (ms: number) => (now += ms) };
}

test('nothing is lost while the server runs; gone → lost at once; back → only 404s (kernels it lost) stay lost', async () => {
  const { watch, fates, fate, stop } = setUp();
  await watch.check();
  assert.equal(fate.lost('k1'), undefined);
  assert.equal(fate.lost('k1', 404), undefined, 'a 404 before any loss is the caller\'s business');
  stop();
  await watch.check();
  assert.match(fate.lost('k1') ?? '', /^The default server on hub is gone/);
  fates.back('hub#');
  assert.equal(fate.lost('k1'), undefined);
  assert.match(fate.lost('k1', 404) ?? '', /was restarted/);
  assert.equal(fates.fateOf('other#').lost('k1'), undefined, 'a server we do not serve');
});

test('settle waits for the verdict: resolves with the reason when the watch says gone', async () => {
  const { watch, fate, stop } = setUp();
  const settling = fate.settle();
  let result: string | undefined | null = null;
  void settling.then((r) => (result = r));
  await watch.check();
  await new Promise((r) => setImmediate(r));
  assert.equal(result, null, 'settled while the server still runs');
  stop();
  await watch.check();
  assert.match((await settling) ?? '', /is gone/);
});

test('settle gives up (undefined) after settleMs, and at once for a server nobody watches', async () => {
  const { fate, fates } = setUp(50);
  assert.equal(await fate.settle(), undefined);
  assert.equal(await fates.fateOf('other#').settle(), undefined);
});

test('requested sessions name their notebook, for requestedMs', () => {
  const { fates, fate, advance } = setUp();
  fate.sessionRequested!('work/analysis-jvsc-3f0e8a6c-1b1d-4f7e-9d6a-0c2b5e8f9a10aa3c1d2e-5f60-4a7b-8c9d-0e1f2a3b4c5d.ipynb');
  fate.sessionRequested!('not-a-jupyter-extension-session.ipynb');
  const failed = fate.sessionRequested!('broken-jvsc-3f0e8a6c-1b1d-4f7e-9d6a-0c2b5e8f9a10.ipynb');
  assert.deepEqual(fates.requestedNotebooks('hub#').sort(), ['analysis.ipynb', 'broken.ipynb']);
  failed?.();
  assert.deepEqual(fates.requestedNotebooks('hub#'), ['analysis.ipynb'], 'a failed request still names its notebook');
  advance(61_000);
  assert.deepEqual(fates.requestedNotebooks('hub#'), []);
});

test('goneReason only while gone; refused reaches onRefused; listings are kept per server across fetches', async () => {
  const refused: string[] = [];
  const watch = new ServerWatch({ setTimer: () => 0, clearTimer: () => undefined });
  const fates = new ServerFates(watch, { describe: () => 'The default server on hub', onRefused: (id) => refused.push(id) });
  let state: WatchProbe = 'ready';
  watch.watch('hub#', async () => state);
  const fate = fates.fateOf('hub#');
  assert.equal(fate.goneReason!(), undefined);
  fate.listings!.set('kernelspecs', '{"default":"python3"}');
  state = 'stopped';
  await watch.check();
  assert.equal(fate.goneReason!(), 'The default server on hub is gone. Start it again (Hubs view), or pick another kernel.');
  fate.refused!();
  assert.deepEqual(refused, ['hub#']);
  assert.equal(fates.fateOf('hub#').listings!.get('kernelspecs'), '{"default":"python3"}', 'a later resolve\'s fetch lost the listing');
  fates.back('hub#');
  assert.equal(fate.goneReason!(), undefined);
});

test('signedOutReason comes from `unavailable` and never counts as gone (its kernels still run)', () => {
  const watch = new ServerWatch({ setTimer: () => 0, clearTimer: () => undefined });
  let signedOut: string | undefined = 'You signed out of hub';
  const fates = new ServerFates(watch, { describe: () => 'The default server on hub', unavailable: () => signedOut });
  const fate = fates.fateOf('hub#');
  assert.equal(fate.signedOutReason!(), 'You signed out of hub');
  assert.equal(fate.goneReason!(), undefined);
  assert.equal(fate.lost('k1'), undefined);
  signedOut = undefined;
  assert.equal(fate.signedOutReason!(), undefined);
});
