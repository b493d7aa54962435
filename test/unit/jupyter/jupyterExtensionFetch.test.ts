// The fetch handed to the Jupyter extension: passes its requests through (its own Request objects, body and headers
// kept), answers kernel look-ups of a lost server with 410 (so @jupyterlab/services ends its reconnect loop), waits for
// the verdict when a look-up fails, and reports requested sessions. Against a real local HTTP server.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jupyterExtensionFetch, type ServerFate } from '../../../src/jupyter/jupyterExtensionFetch';

let server: Server;
let base = '';
const seen: { method: string; url: string; auth?: string; body: string }[] = [];
let kernelStatus = 200;
let sessionStatus = 200;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const status = req.url!.includes('/api/kernels/') ? kernelStatus : req.url!.includes('/api/sessions') ? sessionStatus : 200;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      const specs = { default: 'python3', kernelspecs: { python3: { name: 'python3', spec: { display_name: 'Python 3 (ipykernel)', language: 'python' }, resources: {} } } };
      res.end(JSON.stringify(status !== 200 ? { message: `status ${status}` } : req.url!.includes('/api/kernelspecs') ? specs : { id: 'k1', name: 'python3', execution_state: 'idle' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/user/ana/`;
});
after(() => server.close());

function fate(overrides: Partial<ServerFate> = {}): ServerFate & { requested: string[]; settled: number } {
  const f = {
    requested: [] as string[],
    settled: 0,
    lost: () => undefined,
    settle: async () => {
      f.settled++;
      return undefined;
    },
    sessionRequested: (path: string): void => {
      f.requested.push(path);
    },
    ...overrides,
  };
  return f;
}

test('passes a Request object through with its method, headers and body, and reports the session asked for', async () => {
  seen.length = 0;
  const f = fate();
  const request = new Request(`${base}api/sessions`, {
    method: 'POST',
    headers: { Authorization: 'token abc', 'Content-Type': 'application/json' },
    body: JSON.stringify({ path: 'analysis-jvsc-0b3c.ipynb', kernel: { name: 'python3' } }),
  });
  const res = await jupyterExtensionFetch(f)(request);
  assert.equal(res.status, 200);
  assert.deepEqual(seen, [{ method: 'POST', url: '/user/ana/api/sessions', auth: 'token abc', body: '{"path":"analysis-jvsc-0b3c.ipynb","kernel":{"name":"python3"}}' }]);
  assert.deepEqual(f.requested, ['analysis-jvsc-0b3c.ipynb']);
});

test('a kernel look-up on a lost server gets 410 with the reason at once, without reaching the server', async () => {
  seen.length = 0;
  const f = fate({ lost: () => 'The default server on hub is gone; this kernel ended with it.' });
  const res = await jupyterExtensionFetch(f)(`${base}api/kernels/k1`);
  assert.equal(res.status, 410);
  assert.match(((await res.json()) as { message: string }).message, /is gone/);
  assert.deepEqual(seen, []);
  // Other requests still go through.
  assert.equal((await jupyterExtensionFetch(f)(`${base}api/kernelspecs`)).status, 200);
});

test('a look-up the hub answers 424 waits for the verdict: gone → 410, not gone → the 424 itself', async () => {
  kernelStatus = 424;
  try {
    const gone = await jupyterExtensionFetch(fate({ settle: async () => 'gone now' }))(`${base}api/kernels/k1`);
    assert.equal(gone.status, 410);
    const f = fate();
    const still = await jupyterExtensionFetch(f)(`${base}api/kernels/k1`);
    assert.equal(still.status, 424);
    assert.equal(f.settled, 1);
  } finally {
    kernelStatus = 200;
  }
});

test('a 404 becomes 410 only when the fate says the kernel was lost with its server; no wait for a 404', async () => {
  kernelStatus = 404;
  try {
    const plain = fate();
    assert.equal((await jupyterExtensionFetch(plain)(`${base}api/kernels/k1`)).status, 404);
    assert.equal(plain.settled, 0);
    const restarted = fate({ lost: (_id, status) => (status === 404 ? 'restarted since' : undefined) });
    assert.equal((await jupyterExtensionFetch(restarted)(`${base}api/kernels/k1`)).status, 410);
  } finally {
    kernelStatus = 200;
  }
});

test('a network failure waits for the verdict: gone → 410; otherwise the failure is thrown as before', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise<void>((r) => closed.close(() => r()));
  assert.equal((await jupyterExtensionFetch(fate({ settle: async () => 'hub gone' }))(`${dead}api/kernels/k1`)).status, 410);
  await assert.rejects(jupyterExtensionFetch(fate())(`${dead}api/kernels/k1`));
});

test('while the server is gone: kernelspecs as last seen, kernels and sessions empty, anything else 410 and reported', async () => {
  seen.length = 0;
  let gone: string | undefined = undefined;
  let refused = 0;
  const listings = new Map<string, string>();
  const f = jupyterExtensionFetch(fate({ goneReason: () => gone, refused: () => refused++, listings }));
  const live = await f(`${base}api/kernelspecs`);
  const liveBody = await live.text();
  assert.equal(listings.get('kernelspecs'), liveBody, 'a good kernelspecs answer is kept');
  gone = 'The default server on hub is gone. Start it again (Hubs view), or pick another kernel.';
  seen.length = 0;
  assert.equal(await (await f(`${base}api/kernelspecs?1700000000`)).text(), liveBody);
  assert.deepEqual(await (await f(`${base}api/kernels`)).json(), []);
  assert.deepEqual(await (await f(`${base}api/sessions`)).json(), []);
  const start = await f(new Request(`${base}api/sessions`, { method: 'POST', body: JSON.stringify({ path: 'a-jvsc-x.ipynb' }) }));
  assert.equal(start.status, 410);
  assert.equal(((await start.json()) as { message: string }).message, gone);
  assert.equal(refused, 1);
  assert.deepEqual(seen, [], 'nothing reached the gone server');
});

test('while its hub is signed out: kernelspecs, kernels and sessions as last seen (open connections still run), anything else 410', async () => {
  seen.length = 0;
  let signedOut: string | undefined = undefined;
  let refused = 0;
  const listings = new Map<string, string>();
  const f = jupyterExtensionFetch(fate({ signedOutReason: () => signedOut, refused: () => refused++, listings }));
  const live = await Promise.all(['kernelspecs', 'kernels', 'sessions'].map(async (path) => (await f(`${base}api/${path}`)).text()));
  signedOut = 'You signed out of hub, so this notebook\'s kernel cannot run.';
  seen.length = 0;
  // @jupyterlab/services' SessionManager disposes every session missing from its 10 s poll of api/sessions.
  assert.deepEqual(await Promise.all(['kernelspecs', 'kernels', 'sessions'].map(async (path) => (await f(`${base}api/${path}`)).text())), live);
  const start = await f(new Request(`${base}api/sessions`, { method: 'POST', body: JSON.stringify({ path: 'a-jvsc-x.ipynb' }) }));
  assert.equal(start.status, 410);
  assert.equal(((await start.json()) as { message: string }).message, signedOut);
  assert.equal(refused, 1);
  assert.deepEqual(seen, [], 'nothing was sent without a token');
});

test('signed out before any listing was seen: kernels and sessions empty, kernelspecs refused with the reason', async () => {
  const f = jupyterExtensionFetch(fate({ signedOutReason: () => 'signed out', listings: new Map() }));
  assert.deepEqual(await (await f(`${base}api/sessions`)).json(), []);
  assert.equal((await f(`${base}api/kernelspecs`)).status, 410);
});

test('kernelspecs carry the hub in their display name (the kernel\'s label in the picker and the toolbar), also as kept', async () => {
  let gone: string | undefined = undefined;
  const listings = new Map<string, string>();
  const f = jupyterExtensionFetch(fate({ goneReason: () => gone, listings }), fetch, { kernelLabel: (name) => `${name} — ana @ hub` });
  type Specs = { default: string; kernelspecs: Record<string, { name: string; spec: { display_name: string; language: string } }> };
  const live = (await (await f(`${base}api/kernelspecs`)).json()) as Specs;
  assert.equal(live.kernelspecs.python3!.spec.display_name, 'Python 3 (ipykernel) — ana @ hub');
  assert.equal(live.kernelspecs.python3!.spec.language, 'python', 'the rest of the spec is kept');
  gone = 'gone';
  const kept = (await (await f(`${base}api/kernelspecs`)).json()) as Specs;
  assert.equal(kept.kernelspecs.python3!.spec.display_name, 'Python 3 (ipykernel) — ana @ hub', 'labelled once, not twice');
});

test('a session request that fails is forgotten (no session was made); one that succeeds is kept', async () => {
  const kept: string[] = [];
  const f = fate({
    sessionRequested: (path) => {
      kept.push(path);
      return () => kept.splice(kept.indexOf(path), 1);
    },
  });
  const post = (path: string) => jupyterExtensionFetch(f)(new Request(`${base}api/sessions`, { method: 'POST', body: JSON.stringify({ path }) }));
  sessionStatus = 500;
  try {
    assert.equal((await post('broken-jvsc-1.ipynb')).status, 500);
  } finally {
    sessionStatus = 200;
  }
  assert.equal((await post('fine-jvsc-2.ipynb')).status, 200);
  assert.deepEqual(kept, ['fine-jvsc-2.ipynb']);
});
