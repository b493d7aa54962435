import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpClient } from '../../../src/core/http/httpClient';
import { BodyTimeoutError, BodyTooLargeError, isPangeoError } from '../../../src/core/http/errors';
import { extractServerMessage, mapStatus } from '../../../src/core/http/errorMapping';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/` };
}

test('status codes map to typed errors carrying the server message', () => {
  assert.equal(mapStatus('u', 401).kind, 'Unauthorized');
  assert.equal(mapStatus('u', 403, 'no scope').kind, 'Forbidden');
  assert.equal(mapStatus('u', 404).kind, 'NotFound');
  assert.equal(mapStatus('u', 409).kind, 'Conflict');
  const e = mapStatus('u', 500, 'boom');
  assert.equal(e.kind, 'UnexpectedResponse');
  assert.equal(e.serverMessage, 'boom');
  assert.match(e.userMessage, /boom.*retry later/);
});

test('server messages: JupyterHub, Gateway, Django, HTML, long text', () => {
  assert.equal(extractServerMessage('{"status": 400, "message": "ana is already running"}', 'application/json'), 'ana is already running');
  assert.equal(extractServerMessage('{"error": "Invalid cluster options"}', 'application/json'), 'Invalid cluster options');
  assert.equal(extractServerMessage('{"detail": "Invalid token."}', 'application/json'), 'Invalid token.');
  assert.equal(extractServerMessage('<html><title>403: Forbidden</title></html>', 'text/html'), '403: Forbidden');
  assert.equal(extractServerMessage('x'.repeat(400), 'text/plain')!.length, 301);
  assert.equal(extractServerMessage('', null), undefined);
});

test('auth header, query, JSON body; 4xx becomes a typed error without retry', async (t) => {
  let calls = 0;
  const { server, url } = await serve((req, res) => {
    calls++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/base/echo?a=1&b=x+y') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ auth: req.headers.authorization, body: JSON.parse(body) as unknown }));
      } else {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end('{"message": "token lacks scope"}');
      }
    });
  });
  t.after(() => server.close());
  const http = new HttpClient({ baseUrl: url, authorization: () => 'token abcdefgh' });
  const got = JSON.parse(await (await http.request({ method: 'POST', path: 'echo', query: { a: 1, b: 'x y' }, json: { n: 1 } })).text()) as unknown;
  assert.deepEqual(got, { auth: 'token abcdefgh', body: { n: 1 } });
  calls = 0;
  await assert.rejects(http.request({ path: 'nope' }), (e) => isPangeoError(e, 'Forbidden') && e.serverMessage === 'token lacks scope' && !e.message.includes('abcdefgh'));
  assert.equal(calls, 1);
});

test('idempotent requests retry 503 with back-off; POST does not', async (t) => {
  let calls = 0;
  const { server, url } = await serve((_req, res) => {
    calls++;
    if (calls < 3) { res.writeHead(503); res.end('busy'); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"ok":true}');
  });
  t.after(() => server.close());
  const http = new HttpClient({ baseUrl: url, backoffMs: 10, retries: 2 });
  assert.deepEqual(JSON.parse(await (await http.request({ path: 'x' })).text()), { ok: true });
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(http.request({ method: 'POST', path: 'x' }), (e) => isPangeoError(e, 'UnexpectedResponse') && e.status === 503);
  assert.equal(calls, 1);
});

test('a closed port is Unreachable, a slow server is Timeout', async (t) => {
  const { server, url } = await serve(() => undefined); // never answers: only the client's timeout ends the request
  t.after(() => { server.closeAllConnections(); server.close(); });
  await assert.rejects(new HttpClient({ baseUrl: url, timeoutMs: 150, retries: 0 }).request({ path: 'slow' }), (e) => isPangeoError(e, 'Timeout'));
  const closed = await serve(() => undefined);
  const closedUrl = closed.url;
  await new Promise((r) => closed.server.close(r));
  await assert.rejects(new HttpClient({ baseUrl: closedUrl, retries: 1, backoffMs: 5 }).request({ path: 'x' }),
    (e) => isPangeoError(e, 'Unreachable') && /ECONNREFUSED/.test(e.message));
});

test('the token never appears in a log line', async (t) => {
  const { server, url } = await serve((_req, res) => { res.writeHead(401); res.end('{"message": "bad token zzzz-secret-zzzz"}'); });
  t.after(() => server.close());
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  const http = new HttpClient({ baseUrl: url, authorization: () => 'token zzzz-secret-zzzz', logger: { trace: log, info: log, warn: log, error: log } });
  await assert.rejects(http.request({ path: 'x', query: { token: 'zzzz-secret-zzzz' } }), (e) => isPangeoError(e, 'Unauthorized') && !e.message.includes('zzzz-secret'));
  assert.ok(lines.length > 0);
  for (const l of lines) assert.ok(!l.includes('zzzz-secret-zzzz'), l);
});

test('fetchFunction keeps a Request object\'s method, headers and body, and adds the current auth header (over a stale one)', async (t) => {
  const seen: Array<{ method?: string; auth?: string; custom?: string; body: string }> = [];
  const { server, url } = await serve((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, auth: req.headers.authorization, custom: req.headers['x-custom'] as string | undefined, body });
      res.writeHead(204).end();
    });
  });
  t.after(() => server.close());
  const f = new HttpClient({ baseUrl: url, authorization: () => 'token qwertyuiop' }).fetchFunction();
  await f(new Request(`${url}kernels/1/restart`, { method: 'POST', headers: { 'X-Custom': 'yes' }, body: '{"a":1}' }));
  await f(`${url}plain`, { method: 'DELETE' });
  // A library that copied the header when it connected (the Jupyter extension) still sends the token in use now.
  await f(`${url}kept`, { headers: { Authorization: 'token revoked-since' } });
  assert.deepEqual(seen, [
    { method: 'POST', auth: 'token qwertyuiop', custom: 'yes', body: '{"a":1}' },
    { method: 'DELETE', auth: 'token qwertyuiop', custom: undefined, body: '' },
    { method: 'GET', auth: 'token qwertyuiop', custom: undefined, body: '' },
  ]);
});

test('navigation requests: no Sec-Fetch-Mode (the hub sets _xsrf only on navigations), every Set-Cookie, no redirect following, typed errors', async (t) => {
  const seen: Array<{ method?: string; headers: IncomingMessage['headers']; body: string }> = [];
  const { server, url } = await serve((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url?.endsWith('/slow')) return; // never answers: only the client's timeout ends the request
      if (req.method === 'POST') return void res.writeHead(302, { Location: '/elsewhere', 'Set-Cookie': ['a=1; Path=/', 'b=2; Path=/'] }).end();
      res.writeHead(200, { 'Content-Type': 'text/html', 'Set-Cookie': ['_xsrf=x1; Path=/', 'other=2'] }).end('<input name="_xsrf" value="x1">');
    });
  });
  t.after(() => { server.closeAllConnections(); server.close(); });
  const http = new HttpClient({ baseUrl: url, timeoutMs: 300, retries: 0 });
  const page = await http.request({ path: 'hub/login', navigation: true, anonymous: true });
  assert.equal(page.status, 200);
  assert.deepEqual(page.headers.getSetCookie(), ['_xsrf=x1; Path=/', 'other=2']);
  assert.match(await page.text(), /value="x1"/);
  assert.equal(page.url, `${url}hub/login`);
  assert.equal(seen[0]!.headers['sec-fetch-mode'], undefined);
  const form = new URLSearchParams({ username: 'ana', _xsrf: 'x1' });
  const post = await http.request({ method: 'POST', path: 'hub/login', navigation: true, body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(post.status, 302, 'the redirect is left to the caller');
  assert.equal(post.headers.get('location'), '/elsewhere');
  assert.deepEqual(post.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Path=/']);
  assert.equal(seen[1]!.body, form.toString());
  assert.equal(seen[1]!.headers['sec-fetch-mode'], undefined);
  await assert.rejects(http.request({ path: 'slow', navigation: true }), (e) => isPangeoError(e, 'Timeout'));
  await assert.rejects(new HttpClient({ baseUrl: 'http://127.0.0.1:9/', retries: 0 }).request({ path: 'x', navigation: true }), (e) => isPangeoError(e, 'Unreachable'));
});

test('the timeout covers the headers, not a body that streams on; a body read stalling has its own, named in the message', async (t) => {
  const { server, url } = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.write('a');
    if (req.url?.endsWith('/stall')) return;
    // Later chunks come well after the 200 ms timeout: a timeout still covering the body would cut the stream.
    let sent = 0;
    const more = setInterval(() => {
      res.write('b');
      if (++sent === 3) {
        clearInterval(more);
        res.end();
      }
    }, 250);
  });
  t.after(() => { server.closeAllConnections(); server.close(); });
  const http = new HttpClient({ baseUrl: url, timeoutMs: 200, retries: 0 });
  const stream = await http.request({ path: 'stream' });
  let text = '';
  const reader = stream.body!.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += Buffer.from(chunk.value).toString();
  assert.equal(text, 'abbb');
  const stalled = await http.request({ path: 'stall' });
  await assert.rejects(stalled.text(), (e) => isPangeoError(e, 'Timeout') && /did not send its whole answer within 200 ms \(1 bytes arrived\)/.test(e.message));
});

test('a body is bounded in time as a whole (a byte every 50 ms does not keep it open) and in size; both close the connection', async (t) => {
  const closed: string[] = [];
  const { server, url } = await serve((req, res) => {
    res.on('close', () => closed.push(req.url!));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    // Never ends: a byte every 50 ms (trickle), or 4 KiB chunks as fast as the socket takes them (flood).
    const timer = setInterval(() => res.write(req.url!.endsWith('/flood') ? Buffer.alloc(4096) : 'x'), req.url!.endsWith('/flood') ? 1 : 50);
    res.on('close', () => clearInterval(timer));
  });
  t.after(() => { server.closeAllConnections(); server.close(); });
  const http = new HttpClient({ baseUrl: url, timeoutMs: 5000, retries: 0 });
  const started = Date.now();
  const slow = await http.request({ path: 'trickle', bodyTimeoutMs: 400 });
  await assert.rejects(slow.bytes(), (e) => e instanceof BodyTimeoutError && /within 400 ms/.test(e.message) && /retry later/.test(e.userMessage));
  assert.ok(Date.now() - started < 3000, `the body timeout stopped the read (${Date.now() - started} ms)`);
  const big = await http.request({ path: 'flood', maxBodyBytes: 10_000 });
  await assert.rejects(big.text(), (e) => e instanceof BodyTooLargeError && /more than 10000 bytes/.test(e.message));
  for (let i = 0; i < 100 && closed.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(closed.sort(), ['/base/flood', '/base/trickle'], 'both connections are closed, nothing more is downloaded');
});
