// The kernel websocket asks its auth source each time it opens, against a real `ws` server on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { kernelWebSocketClass, type KernelSocket } from '../../../src/jupyterServer/kernelWebSocket';

interface Upgrade { authorization?: string; protocol?: string }

async function serve(t: { after(fn: () => unknown): void }): Promise<{ url: string; upgrades: Upgrade[] }> {
  const upgrades: Upgrade[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
  server.on('connection', (socket, req) => {
    upgrades.push({ authorization: req.headers.authorization, protocol: socket.protocol || undefined });
    // Echoes text back and answers with one binary frame, as a kernel does.
    socket.on('message', (data, isBinary) => socket.send(isBinary ? data : `echo ${data.toString()}`));
    socket.send(Buffer.from([1, 2, 3]));
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  t.after(() => {
    for (const c of server.clients) c.terminate();
    server.close();
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/kernels/k1/channels`, upgrades };
}

/** Resolves with the events the socket reported until it opened and got its first message. */
function opened(socket: KernelSocket): Promise<{ first: unknown }> {
  return new Promise((resolve, reject) => {
    socket.onerror = (e) => reject(new Error(`socket error: ${String((e as { message?: string }).message)}`));
    socket.onmessage = (e) => resolve({ first: (e as { data: unknown }).data });
  });
}

test('each socket asks for the current header when it opens: a token renewed in between is used by the next one', async (t) => {
  const { url, upgrades } = await serve(t);
  let current = 'token first-aaaa';
  let asked = 0;
  const Socket = kernelWebSocketClass(WebSocket, async () => {
    asked++;
    return current;
  });
  const one = new Socket(url, ['v1.kernel.websocket.jupyter.org']);
  const { first } = await opened(one);
  assert.ok(first instanceof ArrayBuffer, 'binary frames arrive as ArrayBuffer');
  assert.deepEqual([...new Uint8Array(first)], [1, 2, 3]);
  assert.equal(one.protocol, 'v1.kernel.websocket.jupyter.org');
  assert.equal(one.readyState, WebSocket.OPEN);
  const echoed = new Promise((resolve) => (one.onmessage = (e) => resolve((e as { data: unknown }).data)));
  one.send('hello');
  assert.equal(await echoed, 'echo hello');
  const closed = new Promise<number>((resolve) => (one.onclose = (e) => resolve((e as { code: number }).code)));
  one.close(1000);
  assert.equal(await closed, 1000);

  current = 'token second-bbbb'; // renewed: the old token is revoked
  const two = new Socket(url, []);
  await opened(two);
  two.close();
  assert.equal(asked, 2);
  assert.deepEqual(upgrades.map((u) => u.authorization), ['token first-aaaa', 'token second-bbbb']);
  assert.equal(upgrades[1]?.protocol, undefined, 'no sub-protocol asked, none chosen');
});

test('nodeBuffers: binary frames arrive as the Buffers ws read, not copied into ArrayBuffers (our serializer reads them)', async (t) => {
  const { url } = await serve(t);
  const socket = new (kernelWebSocketClass(WebSocket, () => undefined, { nodeBuffers: true }))(url, ['v1.kernel.websocket.jupyter.org']);
  const { first } = await opened(socket);
  socket.close();
  assert.ok(Buffer.isBuffer(first));
  assert.deepEqual([...first], [1, 2, 3]);
});

test('no header: the upgrade goes without Authorization', async (t) => {
  const { url, upgrades } = await serve(t);
  const socket = new (kernelWebSocketClass(WebSocket, () => undefined))(url);
  await opened(socket);
  socket.close();
  assert.deepEqual(upgrades, [{ authorization: undefined, protocol: undefined }]);
});

test('closed while the header is looked up: no socket opens, and it reads as closed', async () => {
  const made: string[] = [];
  // Counts the `ws` sockets made (none should be: nothing listens at this URL).
  class CountingWebSocket extends WebSocket {
    constructor(url: string, protocols: string | string[] | undefined, options: WebSocket.ClientOptions) {
      super(url, protocols, options);
      made.push(url);
    }
  }
  let release!: (v: string) => void;
  const header = new Promise<string>((resolve) => (release = resolve));
  const socket = new (kernelWebSocketClass(CountingWebSocket, () => header))('ws://127.0.0.1:9/api/kernels/k1/channels');
  assert.equal(socket.readyState, WebSocket.CONNECTING);
  assert.throws(() => socket.send('early'), /not open/);
  socket.close();
  assert.equal(socket.readyState, WebSocket.CLOSED);
  release('token late-cccc');
  await header;
  await new Promise((r) => setImmediate(r)); // past the microtasks that would open it
  assert.deepEqual(made, []);
});

test('an auth source that fails reports an error and an abnormal close (the library then retries), and opens nothing', async (t) => {
  const { url, upgrades } = await serve(t);
  const socket = new (kernelWebSocketClass(WebSocket, () => Promise.reject(new Error('secret store locked'))))(url);
  const events: string[] = [];
  const closed = new Promise<void>((resolve) => {
    socket.onerror = (e) => events.push(`error: ${(e as { message: string }).message}`);
    socket.onclose = (e) => {
      events.push(`close ${(e as { code: number }).code}`);
      resolve();
    };
  });
  await closed;
  assert.deepEqual(events, ['error: secret store locked', 'close 1006']);
  assert.equal(socket.readyState, WebSocket.CLOSED);
  assert.deepEqual(upgrades, []);
});

test('a socket that fails before it opens is reported to onFailed; while quiet, the library hears nothing of it', async () => {
  // Nothing listens on port 9 of loopback: the dial is refused.
  const url = 'ws://127.0.0.1:9/api/kernels/k1/channels';
  const dial = async (quiet: boolean) => {
    const heard: string[] = [];
    let failed!: () => void;
    const failedOnce = new Promise<void>((resolve) => (failed = resolve));
    const socket = new (kernelWebSocketClass(WebSocket, () => 'token t', { onFailed: () => failed(), quiet: () => quiet }))(url);
    socket.onerror = () => heard.push('error');
    socket.onclose = () => heard.push('close');
    await failedOnce;
    await new Promise((r) => setTimeout(r, 50)); // any late event would have come by now
    return { heard, readyState: socket.readyState };
  };
  assert.deepEqual(await dial(false), { heard: ['error', 'close'], readyState: WebSocket.CLOSED });
  assert.deepEqual(await dial(true), { heard: [], readyState: WebSocket.CLOSED });
});

test('while held, sends wait and then go in the order they were made; without a hold they go at once', async (t) => {
  const { url } = await serve(t);
  let hold: Promise<void> | undefined;
  let release!: () => void;
  hold = new Promise<void>((resolve) => (release = resolve));
  const socket = new (kernelWebSocketClass(WebSocket, () => undefined, { held: () => hold }))(url);
  await opened(socket);
  const echoes: string[] = [];
  socket.onmessage = (e) => echoes.push(String((e as { data: unknown }).data));
  socket.send('one');
  hold = undefined; // a send after the hold ended but before its queue went still waits behind it
  socket.send('two');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(echoes, [], 'nothing went while held');
  release();
  socket.send('three');
  for (let i = 0; i < 50 && echoes.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(echoes, ['echo one', 'echo two', 'echo three']);
  socket.send('four');
  for (let i = 0; i < 50 && echoes.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(echoes.at(-1), 'echo four');
  socket.close();
});
