// HubService polls the hub on PollLoop only while the Hubs view is visible, and "Start It Again" is what it was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { SecretMap } from '../../support/memoryStores';
import { createFakeVscode } from '../../support/fakeVscode';
import { mockClock } from '../../support/mockClock';

const BASE = 'https://hub.example.org/';

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

test('polls only while visible, on the interval given, and not after dispose', async (t) => {
  const clock = mockClock(t); // the interval is the point here: real time on a busy machine would blur it
  const { sessions, requests: all } = signedInHub();
  // The servers, once per poll; the token's scopes (`/hub/api/user`: may it share, on this 5.x hub) once only.
  const requests = { get length() { return all.filter((p) => p === '/hub/api/users/ana').length; } };
  const service = new HubService(createFakeVscode().vs, sessions, silentLogger, () => undefined);
  t.after(() => service.dispose());
  service.setPolling(true, 200);
  await clock.advance(199);
  assert.equal(all.length, 0, 'the first poll waits one interval (the tree reads a hub when it is expanded)');
  await clock.advance(1);
  assert.equal(requests.length, 1, 'polled once the interval is up');
  await clock.advance(200);
  assert.equal(requests.length, 2, 'and again one interval later');
  assert.deepEqual(all.filter((p) => p !== '/hub/api/users/ana'), ['/hub/api/user'], 'the scopes were read once, not on every poll');
  assert.equal(service.snapshot(BASE)?.servers?.[0]?.state, 'ready');
  service.setPolling(false, 200);
  const whenHidden = requests.length;
  await clock.advance(1000, 100);
  assert.equal(requests.length, whenHidden, 'hidden: no more polls');
  service.setPolling(true, 50);
  service.dispose();
  service.setPolling(true, 50);
  await clock.advance(300, 50);
  assert.equal(requests.length, whenHidden, 'disposed: no polls, even when asked again');
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
