// KernelSession and @jupyterlab/services' late closes: a socket that failed to open makes the library look the kernel
// up over REST (retried every 10-30 s while the network is down) and then handle that failure as if it were the
// current socket's; a healthy socket opened meanwhile must not be closed by it (the server's replay in flight was lost).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerConnection } from '@jupyterlab/services';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import type WebSocket from 'ws';
import { KernelSession } from '../../../src/jupyterServer/jupyterServerClient';
import { kernelWebSocketClass } from '../../../src/jupyterServer/kernelWebSocket';

type Handler = (event: unknown) => void;

/** A `ws` stand-in the test opens or fails by hand (what ws does: 'error' then 'close' for a failed handshake). */
class FakeWs {
  static made: FakeWs[] = [];
  readyState = 0;
  protocol = '';
  binaryType = 'nodebuffer';
  onopen: Handler = () => undefined;
  onmessage: Handler = () => undefined;
  onclose: Handler = () => undefined;
  onerror: Handler = () => undefined;
  closedByClient = false;

  constructor() {
    FakeWs.made.push(this);
  }

  send(): void {}

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen({ type: 'open' });
  }

  failHandshake(): void {
    this.readyState = 3;
    this.onerror({ type: 'error', message: 'socket hang up' });
    this.onclose({ type: 'close', code: 1006, reason: '', wasClean: false });
  }
}

const tick = () => new Promise((r) => setImmediate(r));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('a failed socket whose kernel look-up answers after a new socket opened does not close the new one', async () => {
  FakeWs.made = [];
  const lookups: ReturnType<typeof deferred<{ id: string; name: string; execution_state: string }>>[] = [];
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:1/', wsUrl: 'ws://127.0.0.1:1/', token: '', appendToken: false,
    WebSocket: kernelWebSocketClass(FakeWs as unknown as new (url: string, protocols: string | string[] | undefined, options: WebSocket.ClientOptions) => WebSocket,
      () => undefined) as unknown as typeof globalThis.WebSocket,
  });
  const kernelAPIClient = {
    serverSettings: settings,
    getModel: () => {
      const d = deferred<{ id: string; name: string; execution_state: string }>();
      lookups.push(d);
      return d.promise;
    },
  };
  const connection = new KernelConnection({
    model: { id: 'k1', name: 'python3' }, serverSettings: settings, clientId: 'client-1', handleComms: false,
    kernelAPIClient: kernelAPIClient as unknown as ConstructorParameters<typeof KernelConnection>[0]['kernelAPIClient'],
  });
  const session = new KernelSession(connection, { id: 'k1', name: 'python3' }, 'the test server');
  const statuses: string[] = [];
  session.onConnectionStatus((s) => statuses.push(s));
  try {
    await tick();
    // The network is down: the first socket fails its handshake; the library asks for the kernel (no answer yet).
    const [failed] = FakeWs.made;
    assert.ok(failed);
    failed.failHandshake();
    await tick();
    assert.equal(lookups.length, 1, 'the library looks the kernel up after the early close');
    // The network is back: the watchdog starts a fresh socket, which opens (the server replays into it).
    void connection.reconnect().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10)); // the library opens it on a 0 ms timer
    await tick();
    const healthy = FakeWs.made.at(-1)!;
    assert.notEqual(healthy, failed);
    healthy.open();
    assert.equal(session.connectionStatus, 'connected');
    // Now the look-up for the failed socket answers: the library handles that old failure.
    lookups[0]!.resolve({ id: 'k1', name: 'python3', execution_state: 'busy' });
    await tick();
    await tick();
    assert.equal(healthy.closedByClient, false, 'the healthy socket stays open');
    assert.equal(session.connectionStatus, 'connected', `statuses: ${statuses.join(' → ')}`);
  } finally {
    connection.dispose();
  }
});

test('a failure of the current socket is still handled (the library reconnects)', async () => {
  FakeWs.made = [];
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://127.0.0.1:1/', wsUrl: 'ws://127.0.0.1:1/', token: '', appendToken: false,
    WebSocket: kernelWebSocketClass(FakeWs as unknown as new (url: string, protocols: string | string[] | undefined, options: WebSocket.ClientOptions) => WebSocket,
      () => undefined) as unknown as typeof globalThis.WebSocket,
  });
  const kernelAPIClient = { serverSettings: settings, getModel: () => Promise.resolve({ id: 'k1', name: 'python3', execution_state: 'busy' }) };
  const connection = new KernelConnection({
    model: { id: 'k1', name: 'python3' }, serverSettings: settings, clientId: 'client-1', handleComms: false,
    kernelAPIClient: kernelAPIClient as unknown as ConstructorParameters<typeof KernelConnection>[0]['kernelAPIClient'],
  });
  const session = new KernelSession(connection, { id: 'k1', name: 'python3' }, 'the test server');
  try {
    await tick();
    const [first] = FakeWs.made;
    first!.failHandshake();
    await tick();
    await tick();
    await new Promise((r) => setTimeout(r, 10));
    await tick();
    assert.equal(FakeWs.made.length, 2, 'a new socket after the current one failed');
    assert.equal(session.connectionStatus, 'connecting');
    // An open socket that then errors is a lost connection too.
    FakeWs.made[1]!.open();
    assert.equal(session.connectionStatus, 'connected');
    FakeWs.made[1]!.onerror({ type: 'error', message: 'read ECONNRESET' });
    assert.equal(session.connectionStatus, 'connecting');
  } finally {
    connection.dispose();
  }
});
