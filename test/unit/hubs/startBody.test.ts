// The start request's body by hub version: JupyterHub ≤ 5 reads the body as user_options, 6 wants {"user_options": …}.
// A small HTTP server answers like each version (no JupyterHub 6 package exists here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { HubClient } from '../../../src/hubs/hubClient';

async function hubAnswering(version: string) {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/hub/api') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ version }));
      if (req.method === 'POST' && req.url === '/hub/api/users/ana/servers/gpu') {
        bodies.push(JSON.parse(body));
        return void res.writeHead(202).end();
      }
      if (req.method === 'POST' && req.url === '/hub/api/users/ana/server') {
        return void res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"status": 400, "message": "ana is already running"}');
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

for (const [version, expected] of [
  ['3.1.1', { profile: 'large', image: 'pangeo' }],
  ['5.2.0', { profile: 'large', image: 'pangeo' }],
  ['6.0.0', { user_options: { profile: 'large', image: 'pangeo' } }],
] as const) {
  test(`JupyterHub ${version}: start body`, async (t) => {
    const { server, bodies, url } = await hubAnswering(version);
    t.after(() => server.close());
    const hub = new HubClient(url, { token: 'abcdefgh' });
    assert.equal(await hub.startServer('ana', 'gpu', { profile: 'large', image: 'pangeo' }), 'pending');
    assert.deepEqual(bodies, [expected]);
    // "already running" is not an error: the caller follows the progress of the running spawn.
    assert.equal(await hub.startServer('ana', '', {}), 'pending');
  });
}
