// HubService polls the hub on PollLoop only while the Hubs view is visible, and "Start It Again" is what it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { SecretMap } from '../../support/memoryStores';
import { createFakeVscode } from '../../support/fakeVscode';

const BASE = 'https://hub.example.org/';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signedInHub() {
  const state = new MemoryStore();
  const secrets = new SecretMap();
  state.data.set('pangeo.hubs', [{ base: BASE, label: 'hub.example.org', user: 'ana', method: 'token', version: '5.2.1' }]);
  secrets.map.set(`pangeo.hub.token:${BASE}`, 'tok-polling-aaaa');
  const requests: string[] = [];
  // The hub's user model, answered in process: these tests count requests, not the hub's behaviour.
  const fetch = (async (input: URL | RequestInfo) => {
    requests.push(new URL(String(input)).pathname);
    return new Response(JSON.stringify({ name: 'ana', kind: 'user', servers: { '': { name: '', ready: true, pending: null, url: '/user/ana/' } } }),
      { status: 200, headers: { 'Content-Type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const sessions = new HubSessions(state, secrets, { client: { fetch, retries: 0 } });
  return { sessions, requests };
}

/** Waits until `done()` or the deadline (a loaded CI machine runs timers late). */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await sleep(10);
}

test('polls only while visible, on the interval given, and not after dispose', async (t) => {
  const { sessions, requests } = signedInHub();
  const service = new HubService(createFakeVscode().vs, sessions, silentLogger, () => undefined);
  t.after(() => service.dispose());
  service.setPolling(true, 200);
  await sleep(50);
  assert.equal(requests.length, 0, 'the first poll waits one interval (the tree reads a hub when it is expanded)');
  await until(() => requests.length >= 2);
  assert.ok(requests.length >= 2, `polled ${requests.length} times`);
  assert.ok(requests.every((p) => p === '/hub/api/users/ana'));
  assert.equal(service.snapshot(BASE)?.servers?.[0]?.state, 'ready');
  service.setPolling(false, 200);
  const whenHidden = requests.length;
  await sleep(500);
  assert.ok(requests.length <= whenHidden + 1, 'hidden: no more polls (one may have been in flight)');
  const afterHide = requests.length;
  service.setPolling(true, 50);
  service.dispose();
  service.setPolling(true, 50);
  await sleep(300);
  assert.equal(requests.length, afterHide, 'disposed: no polls, even when asked again');
});

test('restartServer runs the injected flow, and answers false without one', async (t) => {
  const { sessions } = signedInHub();
  const vs = createFakeVscode().vs;
  const calls: unknown[][] = [];
  const service = new HubService(vs, sessions, silentLogger, () => undefined, {
    restartServer: async (...args) => { calls.push(args); return true; },
  });
  assert.equal(await service.restartServer(BASE, 'gpu', false), true);
  assert.equal(await service.restartServer(BASE, ''), true);
  assert.deepEqual(calls, [[BASE, 'gpu', false], [BASE, '', true]]);
  const bare = new HubService(vs, sessions, silentLogger, () => undefined);
  t.after(() => { service.dispose(); bare.dispose(); });
  assert.equal(await bare.restartServer(BASE, 'gpu'), false);
});
