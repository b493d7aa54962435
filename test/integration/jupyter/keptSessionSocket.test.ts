// The kernel socket class we hand the Jupyter extension, under the kernel protocol it uses (@jupyterlab/services'
// KernelConnection, wrapped as the extension wraps a provided class) against a real JupyterHub: a window runs a cell
// and goes (a reload); the next window's connection has a new client key of its own, as the extension makes one, and
// still gets the output the server kept meanwhile, because the class connects it with the key the workspace kept.
// Without the class (the extension's own behaviour) the kept output is gone. Debian's hub, or PANGEO_TEST_HUB_CMD.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection, type KernelMessage } from '@jupyterlab/services';
import WebSocketImpl from 'ws';
import { deserialize } from '@jupyterlab/services/lib/kernel/serialize';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { keptSessionWebSocketClass, SessionKeys, type EarlierOutput, type KernelSocketCtor, type SessionKeyMemory } from '../../../src/jupyter/keptSessionSocket';
import { readKernelFrame } from '../../../src/jupyterServer/kernelMessageDecoder';

let hub: TestHub | undefined;
let jupyter: JupyterServerClient;
let serverUrl = '';
let token = '';
const USER = 'gina';

before(async () => {
  hub = await startTestHub({ users: [USER] });
  token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'session key test', expiresInSeconds: 3600 })).token;
  const client = new HubClient(hub.url, { token });
  serverUrl = (await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 })).url!;
  jupyter = new JupyterServerClient(serverUrl, client.http);
}, { timeout: 90_000 });

after(async () => {
  await hub?.stop();
});

/** The workspace's storage, shared by the windows of one test. */
function memory(): SessionKeyMemory {
  const kept = new Map<string, string>();
  return { get: (k) => kept.get(k), set: (k, v) => void kept.set(k, v) };
}

/** A connection as the Jupyter extension makes one: a fresh client key, and the socket class it was handed (or its own). */
function connect(kernel: { id: string; name: string }, keys?: SessionKeys, onEarlierOutput?: (o: EarlierOutput) => void): KernelConnection {
  const headers = { Authorization: `token ${token}` };
  class OwnSocket extends WebSocketImpl {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const Provided: KernelSocketCtor = keys ? keptSessionWebSocketClass(WebSocketImpl, keys, { headers: () => headers, decode: (data, protocol) => readKernelFrame(data, protocol, deserialize), onEarlierOutput }) : OwnSocket;
  // What the extension's wrapWebSocketCtor does with a provided class: constructs it with (url, protocols) only.
  class Wrapped extends Provided {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
    }
  }
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: serverUrl, wsUrl: serverUrl.replace(/^http/, 'ws'), token: '', appendToken: true,
    WebSocket: Wrapped as unknown as typeof WebSocket,
  });
  return new KernelConnection({ model: kernel, serverSettings, clientId: randomUUID(), handleComms: false });
}

async function connected(k: KernelConnection): Promise<void> {
  if (k.connectionStatus === 'connected') return;
  await new Promise<void>((resolve) => k.connectionStatusChanged.connect((_, s) => s === 'connected' && resolve()));
}

/** Window 1 runs a cell that prints after it went; window 2 connects once the cell is done. The lines window 2 got. */
async function reload(keysOf: () => SessionKeys | undefined, earlier: EarlierOutput[] = []): Promise<string[] & { request?: string }> {
  const kernel = await jupyter.startKernel('python3');
  try {
    const first = connect(kernel, keysOf());
    await connected(first);
    const future = first.requestExecute({ code: 'import time\ntime.sleep(2)\nfor i in range(5):\n    print(i, flush=True)' });
    const request = future.msg.header.msg_id;
    await new Promise((r) => setTimeout(r, 500));
    first.dispose(); // the window reloads while the cell runs
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      if ((await jupyter.getKernel(kernel.id)).executionState === 'idle') break;
    }
    const second = connect(kernel, keysOf(), (o) => earlier.push(o));
    const lines: string[] & { request?: string } = Object.assign([], { request });
    second.iopubMessage.connect((_, msg: KernelMessage.IIOPubMessage) => {
      if ((msg.parent_header as { msg_id?: string }).msg_id === request && msg.header.msg_type === 'stream') lines.push(...(msg.content as { text: string }).text.split('\n').filter(Boolean));
    });
    await connected(second);
    // This window's own request on the reattached socket: its output is not "earlier".
    await second.requestExecute({ code: 'print("own")' }).done;
    // Another client's cell after the reload (IOPub reaches every connection of the kernel): not "earlier" either.
    const other = connect(kernel);
    await connected(other);
    await other.requestExecute({ code: 'print("other")' }).done;
    other.dispose();
    await new Promise((r) => setTimeout(r, 1_500)); // the replay comes right after the socket opens
    second.dispose();
    return lines;
  } finally {
    await jupyter.shutdownKernel(kernel.id);
  }
}

test('after a reload the extension\'s new connection gets the output the server kept, through our socket class', { timeout: 60_000 }, async () => {
  const workspace = memory();
  // Each window makes its own SessionKeys from the workspace's storage, as the provider does.
  const earlier: EarlierOutput[] = [];
  const lines = await reload(() => new SessionKeys(workspace), earlier);
  assert.deepEqual([...lines], ['0', '1', '2', '3', '4']);
  // What the Jupyter extension drops before it resumes the cell reaches us too (we show it): that request's only.
  assert.deepEqual([...new Set(earlier.map((o) => o.requestId))], [lines.request]);
  assert.equal(earlier.map((o) => o.text).join(''), '0\n1\n2\n3\n4\n');
});

test('without it (a new session key per connection) the kept output is lost: what the class is for', { timeout: 60_000 }, async () => {
  assert.deepEqual([...await reload(() => undefined)], []);
});

test('two connections to one kernel in one window get different keys (one key would push the other out); a reconnect keeps its key', () => {
  const keys = new SessionKeys(memory());
  const url = (key: string) => `ws://h/user/a/api/kernels/k1/channels?session_id=${key}`;
  const first = keys.rewrite(url('aaa'));
  const second = keys.rewrite(url('bbb'));
  assert.equal(first, url('aaa'));
  assert.equal(second, url('bbb'));
  assert.equal(keys.rewrite(url('aaa')), url('aaa'), 'the same connection reconnecting');
  const reloaded = new SessionKeys({ get: () => 'aaa', set: () => undefined });
  assert.equal(reloaded.rewrite(url('ccc')), url('aaa'), 'the next window\'s first connection gets the kept key');
  assert.equal(reloaded.rewrite(url('ddd')), url('ddd'));
  assert.equal(reloaded.rewrite('ws://h/user/a/api/events/subscribe'), 'ws://h/user/a/api/events/subscribe', 'other sockets as they are');
});
