// The hub session's token source reaches every connection built from its client, and each asks it again when it
// (re)connects: a token renewed mid-session (the old one refused) is used by the next spawn-progress stream, Contents
// request (what a file watch polls with) and terminal reconnect. Against a loopback server that knows one token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { ContentsClient } from '../../../src/files/contentsClient';
import { ServerTerminals } from '../../../src/terminals/serverTerminals';
import { TerminalLink, type TerminalLinkState } from '../../../src/terminals/terminalLink';
import { isPangeoError } from '../../../src/core/http/errors';

const USER = 'alice';

/** A hub and its user's server in one: it accepts only `valid`, and records the Authorization of every request. */
async function serveHub(t: { after(fn: () => unknown): void }) {
  const state = { valid: 'token first-aaaa', seen: [] as string[], sockets: new Set<WebSocket>() };
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const allowed = (req: IncomingMessage) => {
    state.seen.push(`${req.url?.replace(/\?.*/, '') ?? ''} ${req.headers.authorization ?? '-'}`);
    return req.headers.authorization === state.valid;
  };
  const server = createServer((req, res) => {
    if (!allowed(req)) return json(res, 403, { message: 'Forbidden' });
    const path = req.url?.replace(/\?.*/, '') ?? '';
    if (path.endsWith('/server/progress')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      return void res.end('data: {"progress": 100, "ready": true, "message": "ready", "url": "/user/alice/"}\n\n');
    }
    if (path === '/user/alice/api/contents/notes.txt') {
      return json(res, 200, { name: 'notes.txt', path: 'notes.txt', type: 'file', writable: true, created: null, last_modified: '2026-01-01T00:00:00Z', content: null });
    }
    if (path === '/user/alice/api/terminals/1') return json(res, 200, { name: '1' });
    json(res, 404, { message: 'Not Found' });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!allowed(req)) return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      state.sockets.add(ws);
      ws.on('close', () => state.sockets.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const ws of state.sockets) ws.terminate();
    wss.close();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, state };
}

/** The hub session's client: its token is a function, as HubSessions.client builds it. */
function sessionClient(url: string, source: { token: string }): HubClient {
  return new HubClient(url, { token: () => source.token, retries: 0 });
}

test('a spawn-progress stream and a Contents request opened after a renewal send the new token', async (t) => {
  const { url, state } = await serveHub(t);
  const source = { token: 'first-aaaa' };
  const hub = sessionClient(url, source);
  const contents = new ContentsClient(new JupyterServerClient(`${url}user/alice/`, hub.http));
  const first: unknown[] = [];
  for await (const e of hub.followProgress(USER)) first.push(e);
  assert.equal((await contents.stat('notes.txt')).name, 'notes.txt');

  // Renewed: the hub now takes only the new token.
  source.token = 'second-bbbb';
  state.valid = 'token second-bbbb';
  const second: unknown[] = [];
  for await (const e of hub.followProgress(USER)) second.push(e);
  assert.equal(second.length, 1);
  assert.equal((await contents.stat('notes.txt')).name, 'notes.txt', 'the client built before the renewal asks again');
  assert.deepEqual(state.seen, [
    `/hub/api/users/${USER}/server/progress token first-aaaa`,
    '/user/alice/api/contents/notes.txt token first-aaaa',
    `/hub/api/users/${USER}/server/progress token second-bbbb`,
    '/user/alice/api/contents/notes.txt token second-bbbb',
  ]);
});

test('a terminal whose socket drops after a renewal reconnects with the new token', async (t) => {
  const { url, state } = await serveHub(t);
  const source = { token: 'first-aaaa' };
  const terminals = new ServerTerminals(new JupyterServerClient(`${url}user/alice/`, sessionClient(url, source).http));
  const states: TerminalLinkState[] = [];
  let reconnected!: (how: string) => void;
  const connectedAgain = new Promise<string>((resolve) => (reconnected = resolve));
  const link = new TerminalLink({
    terminals, name: '1', reconnectDelaysMs: [0, 0],
    events: {
      onOutput: () => undefined,
      onState: (s, reason) => {
        states.push(s);
        if (s === 'connected' && states.includes('reconnecting')) reconnected('connected');
        if (s === 'closed') reconnected(`closed: ${reason}`); // refused: the test fails at once instead of waiting
      },
    },
  });
  t.after(() => link.close({ shutDown: false }));
  await link.open();

  source.token = 'second-bbbb';
  state.valid = 'token second-bbbb'; // the old token is revoked
  for (const ws of state.sockets) ws.terminate();
  assert.equal(await connectedAgain, 'connected');
  assert.deepEqual(states, ['connected', 'reconnecting', 'connected']);
  assert.deepEqual(state.seen, [
    '/user/alice/terminals/websocket/1 token first-aaaa',
    '/user/alice/api/terminals/1 token second-bbbb',
    '/user/alice/terminals/websocket/1 token second-bbbb',
  ]);
});

test('the loopback hub refuses a token it no longer takes, as a connection keeping its first token would see', async (t) => {
  const { url, state } = await serveHub(t);
  const contents = new ContentsClient(new JupyterServerClient(`${url}user/alice/`, new HubClient(url, { token: 'first-aaaa', retries: 0 }).http));
  state.valid = 'token second-bbbb';
  await assert.rejects(contents.stat('notes.txt'), (e) => isPangeoError(e, 'Forbidden'));
});
