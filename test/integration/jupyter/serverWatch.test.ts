// ServerWatch against a real JupyterHub: a server stopped by the admin is gone at once ('stopped'); a killed hub makes
// it gone after goneAfterMs of silence ('unreachable'); a running one never is. Debian's hub, or PANGEO_TEST_HUB_CMD.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { probeHubServer, ServerGone, ServerWatch } from '../../../src/jupyter/serverWatch';

let hub: TestHub | undefined;
let client: HubClient;
const USER = 'erin';

before(async () => {
  hub = await startTestHub({ users: [USER] });
  const minted = await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'watch test', expiresInSeconds: 3600 });
  client = new HubClient(hub.url, { token: minted.token });
}, { timeout: 60_000 });

after(async () => {
  await hub?.kill();
});

function nextGone(watch: ServerWatch, timeoutMs: number): Promise<ServerGone & { ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "gone" within ${timeoutMs} ms`)), timeoutMs);
    const sub = watch.onDidGo((g) => {
      clearTimeout(timer);
      sub.dispose();
      resolve({ ...g, ms: Date.now() - t0 });
    });
  });
}

test('a running server stays; stopped by the admin it is gone (stopped) within a poll; a killed hub makes it gone (unreachable)', { timeout: 120_000 }, async () => {
  await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
  const watch = new ServerWatch({ intervalMs: 300, goneAfterMs: 2_000 });
  try {
    let gone: ServerGone | undefined;
    watch.onDidGo((g) => (gone = g));
    watch.watch('erin#', (signal) => probeHubServer(client, USER, '', signal));
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(gone, undefined, 'a running server was reported gone');
    assert.equal(await probeHubServer(client, USER, ''), 'ready');

    const stopped = nextGone(watch, 15_000);
    const res = await fetch(`${hub!.url}hub/api/users/${USER}/server`, { method: 'DELETE', headers: { Authorization: `token ${hub!.adminToken}` } });
    // The hub's own words on a refusal (a 403 was seen once in a loaded CI run and not since).
    assert.ok([202, 204].includes(res.status), `stop: HTTP ${res.status} ${await res.text()}`);
    const first = await stopped;
    assert.deepEqual({ key: first.key, reason: first.reason }, { key: 'erin#', reason: 'stopped' });
    assert.equal(watch.isWatching('erin#'), false);

    await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    watch.watch('erin#', (signal) => probeHubServer(client, USER, '', signal));
    const unreachable = nextGone(watch, 20_000);
    await hub!.kill();
    hub = undefined;
    const second = await unreachable;
    assert.equal(second.reason, 'unreachable');
    assert.ok(second.ms >= 2_000, `gone after ${second.ms} ms: before goneAfterMs`);
    assert.equal(await probeHubServer(client, USER, ''), 'unknown');
  } finally {
    watch.dispose();
  }
});
