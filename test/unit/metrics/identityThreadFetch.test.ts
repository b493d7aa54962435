// The worker thread fetches identity.json itself (no caller `fetch`: a real HTTP scheduler), with the Authorization of
// each poll; its HTTP errors arrive as the same typed errors as on the host thread, and an aborted poll cancels its request.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerSampler } from '../../../src/dashboard/metrics/schedulerSampler';
import { SchedulerHttp } from '../../../src/dask/scheduler/schedulerHttp';
import { isPangeoError, UnauthorizedError, type PangeoError } from '../../../src/core/http/errors';
import { syntheticPayloads } from './syntheticScheduler';
import { identityThreadScript } from './identityThreadBundle';

interface Seen { path: string; authorization?: string; closedEarly: boolean }

/** A scheduler over real HTTP; `identity` may answer identity.json otherwise (an error, or never). */
async function scheduler(identity?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const payloads = syntheticPayloads({ workers: 20 });
  const server = createServer((req, res) => {
    const entry: Seen = { path: req.url ?? '', authorization: req.headers.authorization, closedEarly: false };
    seen.push(entry);
    res.on('close', () => { entry.closedEarly = !res.writableFinished; });
    if (req.url === '/json/identity.json' && identity?.(req, res)) return;
    const body = req.url === '/json/counts.json' ? JSON.stringify(payloads.counts) : req.url === '/json/identity.json' ? JSON.stringify(payloads.identity) : undefined;
    if (req.url === '/metrics') return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end(payloads.metrics);
    if (body === undefined) return void res.writeHead(404).end('404: Not Found');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => { server.closeAllConnections(); server.close(); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`, seen };
}

async function samplerOn(url: string, authorization?: () => string): Promise<SchedulerSampler> {
  const s = new SchedulerSampler({ dashboardUrl: url, headers: { Authorization: 'token fixed-header-zzzz' }, authorization },
    { identityThread: { script: await identityThreadScript(), aboveBytes: 0 }, stoppedAfter: 1 });
  after(() => s.dispose());
  return s;
}

const identityRequests = (seen: Seen[]) => seen.filter((r) => r.path === '/json/identity.json');

/** identity.json requests sent from this (the host) thread: only the first read, which learns the answer's size. */
const fetchedHere: string[] = [];
const hostFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  if (String(input instanceof Request ? input.url : input).endsWith('/json/identity.json')) fetchedHere.push(String(input));
  return hostFetch(input, init);
};
after(() => { globalThis.fetch = hostFetch; });

test('after its first read the thread fetches identity.json, with the Authorization of each poll', async () => {
  const { url, seen } = await scheduler();
  let token = 'token first-token-aaaa';
  const s = await samplerOn(url, () => token);
  fetchedHere.length = 0;
  const first = await s.poll();
  assert.ok(first.ok && first.sample.workers === 20);
  assert.equal(s.readsOffThread, true);
  token = 'token renewed-token-bbbb';
  const second = await s.poll();
  assert.ok(second.ok && second.sample.workers === 20);
  assert.deepEqual(second.sample.workerRows, first.sample.workerRows, 'the same rows, fetched by the thread');
  token = 'token third-token-cccc';
  assert.ok((await s.poll()).ok);
  assert.deepEqual(identityRequests(seen).map((r) => r.authorization), ['token first-token-aaaa', 'token renewed-token-bbbb', 'token third-token-cccc']);
  assert.ok(seen.every((r) => r.authorization !== 'token fixed-header-zzzz'), 'the current Authorization wins over the fixed header');
  assert.equal(fetchedHere.length, 1, 'only the first identity.json was fetched on the host thread');
});

test('an HTTP error of the thread\'s fetch is the typed error the host thread throws', async () => {
  let refuse = false;
  const { url } = await scheduler((_req, res) => {
    if (refuse) res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message": "token secret-token-dddd expired"}');
    return refuse;
  });
  const s = await samplerOn(url, () => 'token secret-token-dddd');
  assert.ok((await s.poll()).ok);
  refuse = true;
  fetchedHere.length = 0;
  const r = await s.poll();
  assert.deepEqual(fetchedHere, [], 'the thread fetched it');
  assert.ok(!r.ok);
  assert.equal(s.readsOffThread, true, 'an answer of the scheduler does not end the thread');
  // The host thread's own error for the same answer.
  let here: PangeoError | undefined;
  await SchedulerHttp.at(url, { authorization: () => 'token secret-token-dddd', retries: 0 }).identityBytes().catch((e: PangeoError) => { here = e; });
  assert.ok(here && isPangeoError(r.error, 'Unauthorized'));
  assert.ok(r.error instanceof UnauthorizedError);
  assert.deepEqual([r.error.message, r.error.hint, r.error.status, r.error.details.url], [here.message, here.hint, here.status, here.details.url]);
  assert.doesNotMatch(r.error.message, /secret-token-dddd/, 'the thread redacts the token it was given');
  assert.equal(r.state, 'unreachable', 'auth errors never count as stopped');
});

test('an identity.json answering 500 from the thread keeps the last workers, as on the host thread', async () => {
  let fail = false;
  const { url } = await scheduler((_req, res) => {
    if (fail) res.writeHead(500).end('500: Internal Server Error');
    return fail;
  });
  const s = await samplerOn(url);
  const first = await s.poll();
  assert.ok(first.ok);
  fail = true;
  fetchedHere.length = 0;
  const r = await s.poll();
  assert.deepEqual(fetchedHere, [], 'the thread fetched it');
  assert.ok(r.ok, !r.ok ? r.error.message : '');
  assert.equal(s.identityStale, true);
  assert.deepEqual(r.sample.workerRows, first.sample.workerRows);
});

test('an aborted poll cancels the thread\'s request', async () => {
  let hang = false;
  const { url, seen } = await scheduler(() => hang);
  const s = await samplerOn(url);
  assert.ok((await s.poll()).ok);
  hang = true;
  fetchedHere.length = 0;
  const controller = new AbortController();
  const poll = s.poll(controller.signal);
  // Abort once the thread's request has reached the scheduler.
  while (identityRequests(seen).length < 2) await new Promise((r) => setTimeout(r, 10));
  controller.abort();
  await assert.rejects(poll, (e) => isPangeoError(e, 'Cancelled'));
  const request = identityRequests(seen)[1]!;
  for (let i = 0; i < 200 && !request.closedEarly; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(request.closedEarly, true, 'the thread closed its request');
  assert.deepEqual(fetchedHere, [], 'the thread sent it');
  hang = false;
  const r = await s.poll();
  assert.ok(r.ok && r.sample.workers === 20, 'the next poll reads on the thread again');
  assert.equal(s.readsOffThread, true);
});
