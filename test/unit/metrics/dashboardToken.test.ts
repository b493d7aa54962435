// A dashboard behind a Gateway or hub service asks for the CURRENT token at each poll and each task-stream (re)connect:
// a hub token is renewed and the old one revoked, so a header fixed when the dashboard opened would be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SchedulerSampler } from '../../../src/dashboard/metrics/schedulerSampler';
import { openEventstream } from '../../../src/dashboard/metrics/eventstreamConnection';
import { fakeSchedulerFetch, syntheticPayloads, type FakeSchedulerControl } from './syntheticScheduler';

test('each poll sends the Authorization of that moment, over the fixed headers', async () => {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2 }) };
  let token = 'jupyterhub first-token-aaaa';
  const sampler = new SchedulerSampler(
    { dashboardUrl: 'http://gateway.test/clusters/c1/status', headers: { Authorization: 'jupyterhub stale-token-zzzz' }, authorization: async () => token },
    { fetch: fakeSchedulerFetch(control), identityThread: false },
  );
  const auth = () => control.requests.map((r) => (r.headers).Authorization);
  assert.equal((await sampler.poll()).ok, true);
  assert.ok(auth().length > 0 && auth().every((a) => a === 'jupyterhub first-token-aaaa'), auth().join());
  control.requests.length = 0;
  token = 'jupyterhub renewed-token-bbbb';
  assert.equal((await sampler.poll()).ok, true);
  assert.ok(auth().length > 0 && auth().every((a) => a === 'jupyterhub renewed-token-bbbb'), 'the renewed token, not the one the dashboard opened with');
  sampler.dispose();
});

test('the task stream opens with the Authorization of that moment', async (t) => {
  const seen: (string | undefined)[] = [];
  const server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    seen.push(req.headers.authorization);
    ws.close();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { wss.close(); server.close(); });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  let token = 'jupyterhub first-token-aaaa';
  const open = async () => {
    const closed = new Promise<void>((resolve) => {
      void openEventstream({ baseUrl, headers: { Authorization: 'jupyterhub stale-token-zzzz' }, authorization: async () => token, onEvent: () => undefined, onClosed: () => resolve() });
    });
    await closed;
  };
  await open();
  token = 'jupyterhub renewed-token-bbbb';
  await open();
  assert.deepEqual(seen, ['jupyterhub first-token-aaaa', 'jupyterhub renewed-token-bbbb']);
});
