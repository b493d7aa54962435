import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { parseProgressData, readSpawnProgress, SpawnFailedError, SpawnProgressEvent } from '../../../src/hubs/spawnProgress';
import { HttpClient } from '../../../src/core/http/httpClient';
import { isPangeoError, TimeoutError } from '../../../src/core/http/errors';

test('progress data: fields, clamping, html fallback, malformed JSON', () => {
  assert.deepEqual(parseProgressData('{"progress": 50, "message": "Pulling image"}'),
    { progress: 50, message: 'Pulling image', ready: false, failed: false, url: undefined });
  assert.deepEqual(parseProgressData('{"progress": 100, "ready": true, "message": "ok", "url": "/user/a/"}'),
    { progress: 100, message: 'ok', ready: true, failed: false, url: '/user/a/' });
  assert.equal(parseProgressData('{"progress": 140}').progress, 100);
  assert.equal(parseProgressData('{"html_message": "<b>Pod</b> scheduled"}').message, 'Pod scheduled');
  assert.throws(() => parseProgressData('not json'), (e) => isPangeoError(e, 'UnexpectedResponse'));
});

/** In `serve`'s chunks: write nothing more until the client goes away (a stalled spawn, however long the test takes). */
const SILENT = Symbol('silent');

/** A real HTTP server writing an event stream in arbitrary chunks, as JupyterHub does (with keep-alive comments). */
async function serve(chunks: Array<string | number | typeof SILENT>): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => void (async () => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (const c of chunks) {
      if (c === SILENT) await new Promise((r) => res.once('close', r));
      else if (typeof c === 'number') await new Promise((r) => setTimeout(r, c));
      else res.write(c);
    }
    res.end();
  })());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function collect(url: string, opts = {}): Promise<SpawnProgressEvent[]> {
  const out: SpawnProgressEvent[] = [];
  for await (const e of readSpawnProgress(new HttpClient({ baseUrl: url }), 'progress', opts)) out.push(e);
  return out;
}

test('events split across chunks and keep-alive comments are read in order until ready', async (t) => {
  const { server, url } = await serve([
    ':keepalive\n\n', 'data: {"progress": 0, "mes', 'sage": "Server requested"}\n\n', 10,
    'data: {"progress": 50, "message": "Spawning server..."}\n\n', ':\n\n',
    'data: {"progress": 100, "ready": true, "message": "Server ready", "url": "/user/a/"}\n\n',
    'data: {"progress": 100, "message": "never read"}\n\n',
  ]);
  t.after(() => server.close());
  const events = await collect(url);
  assert.deepEqual(events.map((e) => e.progress), [0, 50, 100]);
  assert.equal(events[2]!.ready, true);
});

test('a failed event throws SpawnFailedError carrying the hub message', async (t) => {
  const { server, url } = await serve(['data: {"progress": 10, "message": "Pod pending"}\n\n',
    'data: {"progress": 100, "failed": true, "message": "Spawn failed: insufficient cpu"}\n\n']);
  t.after(() => server.close());
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const e of readSpawnProgress(new HttpClient({ baseUrl: url }), 'progress')) seen.push(e.progress);
  }, (e) => e instanceof SpawnFailedError && /insufficient cpu/.test(e.message));
  assert.deepEqual(seen, [10, 100]);
});

test('silence longer than idleMs is a Timeout, not a hang', async (t) => {
  const { server, url } = await serve(['data: {"progress": 10, "message": "x"}\n\n', SILENT]);
  t.after(() => { server.closeAllConnections(); server.close(); });
  await assert.rejects(collect(url, { idleMs: 200 }), (e) => isPangeoError(e, 'Timeout'));
});

test('the spawn\'s own deadline is named as such, with the limit given (the CLI names --spawn-timeout); silence is not', async (t) => {
  const { server, url } = await serve(['data: {"progress": 10, "message": "x"}\n\n', SILENT]);
  t.after(() => { server.closeAllConnections(); server.close(); });
  await assert.rejects(collect(url, { timeoutMs: 300, idleMs: 60_000 }),
    (e) => e instanceof TimeoutError && e.limit === 'spawn' && /within 300 ms/.test(e.message));
  await assert.rejects(collect(url, { timeoutMs: 60_000, idleMs: 200 }), (e) => e instanceof TimeoutError && e.limit === undefined);
});

test('cancelling stops the stream with a Cancelled error', async (t) => {
  const { server, url } = await serve(['data: {"progress": 10, "message": "x"}\n\n', SILENT]);
  t.after(() => { server.closeAllConnections(); server.close(); });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(collect(url, { signal: ac.signal }), (e) => isPangeoError(e, 'Cancelled'));
});
