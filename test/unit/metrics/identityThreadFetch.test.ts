// The worker thread fetches identity.json itself (no caller `fetch`: a real HTTP scheduler), and counts.json and /metrics
// beside it, with the Authorization of each poll; its HTTP errors arrive as the same typed errors as on the host thread,
// and an aborted poll cancels its requests.
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

/** A scheduler over real HTTP; `identity` may answer identity.json otherwise (an error, or never), `other` the other routes. */
async function scheduler(identity?: (req: IncomingMessage, res: ServerResponse) => boolean, other?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const payloads = syntheticPayloads({ workers: 20 });
  const server = createServer((req, res) => {
    const entry: Seen = { path: req.url ?? '', authorization: req.headers.authorization, closedEarly: false };
    seen.push(entry);
    res.on('close', () => { entry.closedEarly = !res.writableFinished; });
    if (req.url === '/json/identity.json' && identity?.(req, res)) return;
    if (req.url !== '/json/identity.json' && other?.(req, res)) return;
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

/** Requests sent from this (the host) thread: only the first poll's, whose identity.json read learns the answer's size. */
const fetchedHere: string[] = [];
const hostFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  fetchedHere.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
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
  for (const path of ['/json/counts.json', '/metrics']) {
    assert.deepEqual(seen.filter((r) => r.path === path).map((r) => r.authorization), ['token first-token-aaaa', 'token renewed-token-bbbb', 'token third-token-cccc'], path);
  }
  assert.ok(seen.every((r) => r.authorization !== 'token fixed-header-zzzz'), 'the current Authorization wins over the fixed header');
  assert.deepEqual(fetchedHere.sort(), ['/json/counts.json', '/json/identity.json', '/metrics'], 'only the first poll fetched on the host thread');
});

test('the thread\'s counts.json and /metrics: their errors are the host thread\'s, a /metrics 404 is not asked again', async () => {
  let counts: number | undefined;
  let metrics: number | undefined;
  const { url, seen } = await scheduler(undefined, (req, res) => {
    const status = req.url === '/json/counts.json' ? counts : req.url === '/metrics' ? metrics : undefined;
    if (status !== undefined) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${status}: refused`);
    return status !== undefined;
  });
  const s = await samplerOn(url, () => 'token some-token-eeee');
  const first = await s.poll();
  assert.ok(first.ok && first.sample.metricsAvailable);
  fetchedHere.length = 0;
  counts = 403;
  const refused = await s.poll();
  assert.ok(!refused.ok && isPangeoError(refused.error, 'Forbidden'), 'counts.json refused: the poll fails, typed');
  let here: PangeoError | undefined;
  await SchedulerHttp.at(url, { authorization: () => 'token some-token-eeee', retries: 0 }).counts().catch((e: PangeoError) => { here = e; });
  assert.deepEqual([refused.error.message, (refused.error).details.url], [here!.message, here!.details.url]);
  fetchedHere.length = 0;
  counts = undefined;
  metrics = 500;
  const broken = await s.poll();
  assert.ok(!broken.ok && isPangeoError(broken.error, 'UnexpectedResponse') && broken.error.status === 500, '/metrics failing fails the poll, as on the host thread');
  metrics = 404;
  const noMetrics = await s.poll();
  assert.ok(noMetrics.ok && !noMetrics.sample.metricsAvailable && noMetrics.sample.workers === 20);
  const asked = seen.filter((r) => r.path === '/metrics').length;
  assert.ok((await s.poll()).ok);
  assert.equal(seen.filter((r) => r.path === '/metrics').length, asked, 'a scheduler without /metrics is not asked again');
  assert.deepEqual(fetchedHere, [], 'the thread fetched every route');
  assert.equal(s.readsOffThread, true, 'answers of the scheduler do not end the thread');
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
