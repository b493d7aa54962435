// What the real dask-gateway-server answers, and what the user is told: a scale or adapt above the gateway's limit is
// said at once in the gateway's words, stop is asynchronous (STOPPING), a cluster still starting is waited for,
// adaptive bounds are what the scheduler says (whoever set them), and the raw answers (health, 404, non-JSON body) have
// the real shapes.
// Runs against the stand-in (test/support/gatewayServer) by default. To check the same against a real gateway:
//   PANGEO_TEST_GATEWAY_URL=http://127.0.0.1:8000/ PANGEO_TEST_GATEWAY_PASSWORD=… PANGEO_TEST_GATEWAY_MAX_WORKERS=3
// (SimpleAuthenticator: Basic auth as user "alice"; ClusterConfig.cluster_max_workers = the max given).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayProvider } from '../../../src/dask/gateway/gatewayProvider';
import { GatewayClient } from '../../../src/dask/gateway/gatewayClient';
import { isPangeoError } from '../../../src/core/http/errors';
import { daskAvailable } from '../../support/dask';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';

const EXTERNAL = process.env.PANGEO_TEST_GATEWAY_URL;
const skip = EXTERNAL || daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';
const PASSWORD = EXTERNAL ? (process.env.PANGEO_TEST_GATEWAY_PASSWORD ?? '') : 'gateway-responses-password';
const MAX = Number(process.env.PANGEO_TEST_GATEWAY_MAX_WORKERS ?? 3);

describe(`Dask Gateway answers as the real server does (${EXTERNAL ? `external ${EXTERNAL}` : 'stand-in'})`, { skip, timeout: 240_000 }, () => {
  let gw: TestGatewayServer | undefined;
  let url: string;
  const created: string[] = [];

  before(async () => {
    if (EXTERNAL) {
      url = EXTERNAL;
    } else {
      gw = await startGatewayServer({ basicPassword: PASSWORD, maxWorkers: MAX, prefix: '/services/dask-gateway/', adaptiveIntervalMs: 400 });
      url = gw.url;
    }
  });
  after(async () => {
    const p = provider();
    for (const id of created) await p.stop(id).catch(() => undefined);
    await gw?.close();
  });

  const provider = () => new GatewayProvider({ url, auth: { type: 'basic', username: 'alice', password: PASSWORD }, confirmTimeoutMs: 90_000 });
  const raw = () => new GatewayClient({ url, auth: { type: 'basic', username: 'alice', password: PASSWORD } });
  const basic = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;

  it('health is {"status":"pass"}; an unknown dashboard path is a text/plain 404; a body that is not JSON is a 500', async () => {
    const health = await fetch(new URL('api/health', url));
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'pass' });
    const missing = await fetch(new URL('clusters/no-such-cluster/json/identity.json', url), { headers: { Authorization: basic } });
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /^text\/plain/);
    const notJson = await fetch(new URL('api/v1/clusters/', url), { method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: 'not json' });
    assert.equal(notJson.status, 500);
    assert.match(notJson.headers.get('content-type') ?? '', /^text\/plain/);
  });

  it('a scale request while the cluster is still starting is sent again once it runs, and the user is told why it waits', async () => {
    const p = provider();
    const c = await p.create({});
    created.push(c.id);
    const notices: string[] = [];
    if (c.status === 'pending') {
      await p.scale(c.id, 1, undefined, (m) => notices.push(m));
      assert.ok(notices.some((m) => /still starting/.test(m)), JSON.stringify(notices));
    } else {
      await p.scale(c.id, 1);
    }
    assert.equal((await p.get(c.id)).workers, 1);
  });

  it('scaling above the limit says the gateway\'s words at once and settles at the limit without waiting for more', async () => {
    const p = provider();
    const id = created[0]!;
    const notices: { at: number; m: string }[] = [];
    const started = Date.now();
    await p.scale(id, MAX + 2, undefined, (m) => notices.push({ at: Date.now(), m }));
    const done = Date.now();
    assert.equal(notices.length, 1, JSON.stringify(notices));
    assert.match(notices[0]!.m, new RegExp(`Scale request of ${MAX + 2} workers would exceed resource limit of ${MAX} workers\\. Scaling to ${MAX} instead\\.`));
    assert.ok(notices[0]!.at - started < 5_000, `the notice came ${notices[0]!.at - started} ms after the request`);
    assert.equal((await p.get(id)).workers, MAX);
    // Straight from the client: the answer's body is read, ok false with the message; within the limit ok true, no message.
    assert.deepEqual(await raw().scale(id, MAX), { ok: true, message: undefined });
    assert.ok(done - started < 60_000);
  });

  it('adaptive bounds above the limit are lowered as the gateway says, and a new provider (a later CLI call) still shows them', async () => {
    const id = created[0]!;
    const notices: string[] = [];
    await provider().adapt(id, 1, MAX + 3, undefined, (m) => notices.push(m));
    assert.match(notices.join('\n'), new RegExp(`Using \`maximum=${MAX}, minimum=1\` instead`));
    const later = provider();
    assert.deepEqual((await later.get(id)).adaptive, { minimum: 1, maximum: MAX });
    assert.deepEqual((await later.list()).find((c) => c.id === id)?.adaptive, { minimum: 1, maximum: MAX });
    // A fixed size ends adaptive mode, for every later reader too.
    await later.scale(id, 1);
    assert.equal((await provider().get(id)).adaptive, undefined);
  });

  it('adapt and scale sent by another client (a notebook\'s GatewayCluster) are what the list shows, never bounds we once asked for', async () => {
    const id = created[0]!;
    const p = provider();
    await p.adapt(id, 1, 2);
    assert.deepEqual((await p.get(id)).adaptive, { minimum: 1, maximum: 2 });
    // What dask_gateway/client.py sends for cluster.adapt(minimum=0, maximum=1) and cluster.scale(1).
    await raw().adapt(id, 0, 1, true);
    assert.deepEqual((await p.list()).find((c) => c.id === id)?.adaptive, { minimum: 0, maximum: 1 });
    await raw().scale(id, 1);
    const listed = (await p.list()).find((c) => c.id === id);
    assert.equal(listed?.adaptive, undefined, 'a fixed size is not shown as adaptive');
    assert.equal(listed?.adaptiveUnknown, undefined, 'the scheduler said so: nothing unknown');
  });

  it('stop answers at once and the cluster is listed as stopping until the gateway has stopped it', async () => {
    const p = provider();
    const id = created.shift()!;
    await p.stop(id);
    const listed = (await p.list()).find((c) => c.id === id);
    assert.equal(listed?.status, 'stopping', 'seen as stopping right after the request');
    assert.equal(await p.waitUntilStopped(id, 60_000), 'stopped');
    assert.equal((await p.list()).find((c) => c.id === id), undefined);
  });

  it('a scale request on a stopped cluster says it is stopped, not "conflict"; the gateway still knows it by name', async () => {
    const p = provider();
    const c = await p.create({});
    await p.waitUntilRunning(c.id, 60_000);
    await p.stop(c.id);
    await p.waitUntilStopped(c.id, 60_000);
    await assert.rejects(p.scale(c.id, 1), (e: unknown) => isPangeoError(e, 'Conflict') && /is stopped: it cannot be scaled/.test((e as Error).message));
    assert.equal((await p.findEnded(c.id))?.status, 'stopped');
    assert.equal(await p.findEnded('no-such-cluster'), undefined);
  });
});
