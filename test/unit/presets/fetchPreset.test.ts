// Downloading a preset by URL from a real loopback server: validated, size-capped, redirects checked hop by hop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchPresetFromUrl } from '../../../src/presets/fetchPreset';
import { BodyTimeoutError, isPangeoError } from '../../../src/core/http/errors';
import { mockClock } from '../../support/mockClock';

const GOOD = readFileSync(join(__dirname, '../../fixtures/presets/good/local-dask.pangeo.json'));
let server: Server;
let base: string;
let hugeBytesSent = 0;
/** The open response of '/trickle': the test writes its bytes as the mocked clock moves. */
let trickle: { res: ServerResponse; closed: boolean } | undefined;

before(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/good.json': res.setHeader('content-type', 'application/json'); res.end(GOOD); return;
      case '/bad.json': res.end('{"version": 1, "name": "x", "hub": {"url": "http://evil.example.com/"}}'); return;
      case '/hop': res.writeHead(302, { location: '/good.json' }); res.end(); return;
      case '/to-http': res.writeHead(302, { location: 'http://presets.example.com/p.json' }); res.end(); return;
      case '/loop': res.writeHead(302, { location: '/loop' }); res.end(); return;
      case '/missing': res.writeHead(404); res.end('{"message": "no such preset"}'); return;
      case '/huge': {
        // Streams far more than the limit; the client must stop reading early.
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        let sent = 0;
        const push = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += chunk.length;
            hugeBytesSent = sent;
            if (!res.write(chunk)) return res.once('drain', push);
          }
          res.end();
        };
        res.on('error', () => {});
        push();
        return;
      }
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const held = { res, closed: false };
        res.on('close', () => (held.closed = true));
        trickle = held;
        return;
      }
      default: res.writeHead(404); res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a hosted preset is fetched and validated', async () => {
  const v = await fetchPresetFromUrl(`${base}/good.json`);
  assert.ok(v.ok);
  assert.equal(v.preset.name, 'Local workshop');
});

test('a hosted preset that breaks the rules comes back invalid with located problems', async () => {
  const v = await fetchPresetFromUrl(`${base}/bad.json`);
  assert.equal(v.ok, false);
  assert.deepEqual(v.problems.map((p) => [p.path, p.code, p.line, p.column]), [['$.hub.url', 'insecure-url', 1, 44]]);
});

test('same-origin redirects are followed; a hop to plain http elsewhere is refused before connecting', async () => {
  assert.ok((await fetchPresetFromUrl(`${base}/hop`)).ok);
  await assert.rejects(fetchPresetFromUrl(`${base}/to-http`), (e: unknown) => isPangeoError(e, 'InvalidInput') && /presets\.example\.com.*https/.test(e.message));
  await assert.rejects(fetchPresetFromUrl(`${base}/loop`), /too often/);
});

test('a body over the limit is cut off and reported as too large', async () => {
  const v = await fetchPresetFromUrl(`${base}/huge`);
  assert.equal(v.ok, false);
  assert.equal(v.problems[0]!.code, 'too-large');
  assert.ok(hugeBytesSent < 4 * 1024 * 1024, `the server should not have had to send everything (sent ${hugeBytesSent})`);
});

test('HTTP errors and non-https URLs become typed errors', async () => {
  await assert.rejects(fetchPresetFromUrl(`${base}/missing`), (e: unknown) => isPangeoError(e, 'NotFound') && /no such preset/.test(e.message));
  await assert.rejects(fetchPresetFromUrl('http://presets.example.com/p.json'), (e: unknown) => isPangeoError(e, 'InvalidInput'));
});

test('a host that sends one byte every 2 s is stopped at the body timeout and its connection closed', async (t) => {
  const clock = mockClock(t);
  let outcome: unknown;
  void fetchPresetFromUrl(`${base}/trickle`, { bodyTimeoutMs: 20_000 }).then((v) => (outcome = v), (e: unknown) => (outcome = e));
  // The request and its headers travel over a real socket: let them, then feed a byte every 2 s of mocked time.
  for (let i = 0; i < 1000 && !trickle; i++) await new Promise((r) => setImmediate(r));
  assert.ok(trickle, 'the request reached the server');
  let seconds = 0;
  while (!outcome && seconds < 120) {
    await clock.advance(2000);
    seconds += 2;
    if (!trickle.closed) trickle.res.write(' ');
    for (let i = 0; i < 20 && !outcome; i++) await new Promise((r) => setImmediate(r));
  }
  assert.ok(outcome instanceof BodyTimeoutError, `still downloading after ${seconds} s of a byte every 2 s: ${String(outcome)}`);
  assert.match(outcome.userMessage, /did not send its whole answer within 20 s .*retry later/);
  assert.ok(seconds <= 24, `stopped after ${seconds} s, not at the 20 s body timeout`);
  for (let i = 0; i < 1000 && !trickle.closed; i++) await new Promise((r) => setImmediate(r));
  assert.ok(trickle.closed, 'the connection to the slow host is closed');
});
