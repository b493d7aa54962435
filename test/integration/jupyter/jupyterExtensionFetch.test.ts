// The fetch we hand the Jupyter extension, under the kernel protocol it uses (@jupyterlab/services' KernelConnection)
// against a real JupyterHub: when the server goes away under a running cell, that connection loops "reconnecting"
// with the plain fetch, but ends (kernel dead, the cell's future rejected) as soon as ServerWatch says gone with ours.
// After the server is started again, the old kernel's look-up (404) also ends at once. Debian's hub, or PANGEO_TEST_HUB_CMD.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services';
import WebSocketImpl from 'ws';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { probeHubServer, ServerWatch } from '../../../src/jupyter/serverWatch';
import { ServerFates } from '../../../src/jupyter/serverFates';
import { jupyterExtensionFetch } from '../../../src/jupyter/jupyterExtensionFetch';

let hub: TestHub | undefined;
let client: HubClient;
let token = '';
const USER = 'fiona';
const ID = 'hub#';

before(async () => {
  hub = await startTestHub({ users: [USER] });
  token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'fetch test', expiresInSeconds: 3600 })).token;
  client = new HubClient(hub.url, { token });
}, { timeout: 60_000 });

after(async () => {
  await hub?.kill();
});

async function startServer(): Promise<string> {
  await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
  return (await client.getServer(USER, '')).url!;
}

async function stopServer(): Promise<void> {
  const res = await fetch(`${hub!.url}hub/api/users/${USER}/server`, { method: 'DELETE', headers: { Authorization: `token ${hub!.adminToken}` } });
  assert.ok([202, 204].includes(res.status), `stop: HTTP ${res.status}`);
}

/** A kernel connection as the Jupyter extension makes one: its fetch (ours or the plain one), ws with our header. */
async function connectKernel(serverUrl: string, ownFetch: typeof fetch | undefined): Promise<KernelConnection> {
  const kernel = await new JupyterServerClient(serverUrl, client.http).startKernel('python3');
  const headers = { Authorization: `token ${token}` };
  class AuthWebSocket extends WebSocketImpl {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const plain: typeof fetch = (input, init) => {
    const r = new Request(input, init);
    r.headers.set('Authorization', headers.Authorization);
    return fetch(r);
  };
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: serverUrl, wsUrl: serverUrl.replace(/^http/, 'ws'), token: '', appendToken: false,
    fetch: ownFetch ?? plain,
    WebSocket: AuthWebSocket as unknown as typeof WebSocket, Request, Headers,
  });
  const connection = new KernelConnection({ model: { id: kernel.id, name: kernel.name }, serverSettings, clientId: randomUUID(), handleComms: false });
  const deadline = Date.now() + 30_000;
  while (connection.connectionStatus !== 'connected') {
    if (Date.now() > deadline) throw new Error('kernel did not connect');
    await new Promise((r) => setTimeout(r, 100));
  }
  return connection;
}

/** Runs a long cell; resolves with how long after `since` the cell's future ended (or 'pending' at the limit). */
function endOfLongCell(connection: KernelConnection, limitMs: number): { ended: (since: number) => Promise<number | 'pending'> } {
  const future = connection.requestExecute({ code: 'import time; time.sleep(600)' });
  const settled = future.done.then(() => Date.now(), () => Date.now());
  return {
    ended: (since) => Promise.race([settled.then((t) => t - since), new Promise<'pending'>((r) => setTimeout(() => r('pending'), limitMs))]),
  };
}

test('a server stopped under a running cell: the plain fetch keeps reconnecting; ours ends the kernel when the watch says gone', { timeout: 240_000 }, async () => {
  const watch = new ServerWatch({ intervalMs: 500, goneAfterMs: 3_000 });
  const fates = new ServerFates(watch, { describe: (id) => (id === ID ? 'The default server on the test hub' : undefined), settleMs: 15_000 });
  try {
    // Without our fetch: still not ended 20 s after the stop (@jupyterlab/services retries the look-up every 10-30 s).
    let url = await startServer();
    const before = await connectKernel(url, undefined);
    const plainCell = endOfLongCell(before, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    let stopped = Date.now();
    await stopServer();
    assert.equal(await plainCell.ended(stopped), 'pending', 'the plain fetch ended the kernel: this test no longer shows the loop');
    assert.notEqual(before.connectionStatus, 'connected');
    before.dispose();

    // With ours: ended once the watch says gone (a 500 ms poll here), the kernel marked dead.
    url = await startServer();
    watch.watch(ID, (signal) => probeHubServer(client, USER, '', signal));
    const send = client.http.withBase(url, { timeoutMs: 120_000 }).fetchFunction();
    const ours = await connectKernel(url, jupyterExtensionFetch(fates.fateOf(ID), send));
    const cell = endOfLongCell(ours, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    stopped = Date.now();
    await stopServer();
    const ms = await cell.ended(stopped);
    console.log(`# ours: the running cell ended ${ms} ms after the server was stopped`);
    assert.equal(typeof ms, 'number', 'the kernel connection still loops with our fetch');
    assert.equal(ours.status, 'dead');
    assert.equal(ours.connectionStatus, 'disconnected');
  } finally {
    fates.dispose();
    watch.dispose();
  }
});

test('after the server is started again, a kernel lost with it ends at its first look-up (404 → dead)', { timeout: 180_000 }, async () => {
  const watch = new ServerWatch({ intervalMs: 500, goneAfterMs: 3_000 });
  const fates = new ServerFates(watch, { describe: (id) => (id === ID ? 'The default server on the test hub' : undefined), settleMs: 15_000 });
  try {
    const url = await startServer();
    watch.watch(ID, (signal) => probeHubServer(client, USER, '', signal));
    const f = jupyterExtensionFetch(fates.fateOf(ID), client.http.withBase(url, { timeoutMs: 120_000 }).fetchFunction());
    const kernel = await new JupyterServerClient(url, client.http).startKernel('python3');
    const gone = new Promise<void>((r) => watch.onDidGo(() => r()));
    await stopServer();
    await gone;
    assert.equal((await f(`${url}api/kernels/${kernel.id}`)).status, 410, 'gone: answered at once');
    await startServer();
    fates.back(ID);
    const res = await f(`${url}api/kernels/${kernel.id}`);
    assert.equal(res.status, 410, 'the old kernel after a restart');
    assert.match(((await res.json()) as { message: string }).message, /was restarted/);
    // A kernel of the new server is looked up normally.
    const fresh = await new JupyterServerClient(url, client.http).startKernel('python3');
    assert.equal((await f(`${url}api/kernels/${fresh.id}`)).status, 200);
  } finally {
    fates.dispose();
    watch.dispose();
  }
});
