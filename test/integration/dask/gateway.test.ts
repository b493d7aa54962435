// The Dask Gateway provider against the contract test server (test/support/gatewayServer), which runs REAL dask
// schedulers and workers: options of every type, 422s, create/scale/adapt/stop confirmed by the scheduler, 401/403,
// an unreachable gateway, a cluster that dies during scale, a scheduler that stops answering, and hub-token auth
// checked by a real JupyterHub.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayProvider } from '../../../src/dask/gateway/gatewayProvider';
import { GatewayClient } from '../../../src/dask/gateway/gatewayClient';
import { isPangeoError } from '../../../src/core/http/errors';
import type { Logger } from '../../../src/core/log';
import { daskAvailable, daskProcessesMentioning, waitForWorkerCount } from '../../support/dask';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';
import { startTestHub, type TestHub } from '../../support/jupyterhub';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';
const PASSWORD = 'gateway-test-password';

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, logger: { trace: push, info: push, warn: push, error: push } };
}

describe('Dask Gateway provider (contract server, real dask processes)', { skip, timeout: 170_000 }, () => {
  let gw: TestGatewayServer;

  before(async () => {
    gw = await startGatewayServer({ basicPassword: PASSWORD, maxWorkers: 3, prefix: '/services/dask-gateway/', adaptiveIntervalMs: 400 });
  });
  after(async () => {
    await gw?.close();
  });

  const alice = (extra: Partial<ConstructorParameters<typeof GatewayProvider>[0]> = {}) =>
    new GatewayProvider({ url: gw.url, auth: { type: 'basic', username: 'alice', password: PASSWORD }, ...extra });

  it('reads every option type and validates before sending; the server\'s 422 message reaches the user', async () => {
    const fields = await alice().optionsSchema();
    assert.deepEqual(fields.map((f) => f.spec.type), ['int', 'float', 'select', 'string', 'bool', 'mapping']);
    assert.deepEqual(fields[0], { field: 'worker_cores', label: 'Worker Cores', default: 1, spec: { type: 'int', min: 1, max: 4 } });
    const before = gw.log.length;
    await assert.rejects(alice().create({ worker_cores: 9 }), (e: unknown) => isPangeoError(e, 'InvalidInput') && /≤ 4/.test((e as Error).message));
    assert.ok(!gw.log.slice(before).some((l) => l.startsWith('POST')), 'invalid options never reach the gateway');
    // Straight to the server (as an older client would): its own words come back.
    const client = new GatewayClient({ url: gw.url, auth: { type: 'basic', username: 'alice', password: PASSWORD } });
    await assert.rejects(client.create({ worker_cores: 9 }), (e: unknown) =>
      isPangeoError(e, 'InvalidInput') && /worker_cores must be <= 4\.000000, got 9/.test((e as Error).message));
    await assert.rejects(client.create({ profile: 'huge' }), /'huge' is not a valid option for profile/);
    await assert.rejects(client.create({ nope: true }), /Unknown fields \['nope'\]/);
  });

  it('creates, scales 0 → 2 → 1 as the scheduler confirms, adapts, stops, and never logs tls_key', async () => {
    const { logger, lines } = capture();
    const provider = alice({ logger });
    const created = await provider.create({ worker_cores: 1, worker_memory: 0.5, profile: 'small', environment: { A: '1' } });
    assert.ok(['pending', 'running'].includes(created.status));
    const running = await provider.waitUntilRunning(created.id, 60_000);
    assert.equal(running.status, 'running');
    assert.equal(running.dashboardUrl, `${gw.url.replace(/\/$/, '')}/clusters/${created.id}/status`);
    const dashboardRoot = `http://127.0.0.1:${gw.clusters.get(created.id)!.dashboardPort}/clusters/${created.id}/`;

    await provider.scale(created.id, 2);
    await waitForWorkerCount(dashboardRoot, 2, 5_000);
    assert.equal((await provider.get(created.id)).workers, 2, 'the provider reads the count through the gateway proxy');
    assert.equal((await provider.workers(created.id)).length, 2);
    await provider.scale(created.id, 1);
    await waitForWorkerCount(dashboardRoot, 1, 5_000);

    await provider.adapt(created.id, 0, 2);
    assert.deepEqual((await provider.get(created.id)).adaptive, { minimum: 0, maximum: 2 });
    await waitForWorkerCount(dashboardRoot, 0, 20_000);

    const info = await provider.connectionInfo(created.id);
    assert.equal(info.schedulerAddress, `gateway://127.0.0.1:${new URL(gw.url).port}/${created.id}`);
    assert.match(info.clientCode, /Gateway\(".*services\/dask-gateway", auth="basic"\)/);
    assert.ok(!info.clientCode.includes(PASSWORD), 'client code never carries the secret');

    const listed = await provider.list();
    assert.deepEqual(listed.map((c) => c.id), [created.id]);
    await provider.stop(created.id);
    assert.deepEqual((await provider.list()).map((c) => c.status), ['stopping'], 'the gateway stops clusters in the background');
    assert.equal(await provider.waitUntilStopped(created.id, 30_000), 'stopped');
    assert.deepEqual(await provider.list(), []);
    assert.deepEqual(daskProcessesMentioning(String(gw.clusters.get(created.id)!.schedulerPort)), [], 'no dask process left');

    const tlsKey = gw.clusters.get(created.id)!.tlsKey.split('\n')[1]!;
    assert.ok(!lines.join('\n').includes(tlsKey), 'tls_key never reaches the log');
    assert.ok(!lines.join('\n').includes(PASSWORD));
  });

  it('401 for a wrong password, 403 for another user\'s cluster, Unreachable for a gateway that is not there', async () => {
    const wrong = new GatewayProvider({ url: gw.url, auth: { type: 'basic', username: 'alice', password: 'nope' } });
    await assert.rejects(wrong.list(), (e: unknown) => isPangeoError(e, 'Unauthorized') && /did not accept the username "alice" or its password/.test((e as Error).message));

    const c = await alice().create({});
    try {
      const bob = new GatewayProvider({ url: gw.url, auth: { type: 'basic', username: 'bob', password: PASSWORD } });
      assert.deepEqual(await bob.list(), [], 'bob does not see alice\'s clusters');
      await assert.rejects(bob.get(c.id), (e: unknown) => isPangeoError(e, 'Forbidden') && /User bob lacks permissions to view cluster/.test((e as Error).message));
      await assert.rejects(bob.scale(c.id, 1), (e: unknown) => isPangeoError(e, 'Forbidden'));
    } finally {
      await alice().stop(c.id);
    }
    const nowhere = new GatewayProvider({ url: 'http://127.0.0.1:1/services/dask-gateway/', auth: { type: 'none' } });
    await assert.rejects(nowhere.list(), (e: unknown) => isPangeoError(e, 'Unreachable') && /Cannot reach/.test((e as Error).message));
  });

  it('a cluster that dies during scale, and a scheduler that stops answering, give clear errors; the list still works', async () => {
    const provider = alice({ confirmTimeoutMs: 30_000 });
    const a = await provider.create({});
    await provider.waitUntilRunning(a.id, 60_000);
    const raw = new GatewayClient({ url: gw.url, auth: { type: 'basic', username: 'alice', password: PASSWORD } });
    await assert.rejects(raw.scale(a.id, -1), (e: unknown) => isPangeoError(e, 'InvalidInput') && /Scale expects a non-negative integer, got -1/.test((e as Error).message));
    await assert.rejects(raw.get('no-such-cluster'), (e: unknown) => isPangeoError(e, 'NotFound') && /Cluster no-such-cluster not found/.test((e as Error).message));
    const scaling = provider.scale(a.id, 3);
    // Killed once the gateway has accepted the request and started workers: the cluster dies mid-scale.
    void (async () => {
      while (!gw.clusters.get(a.id)!.workers.length) await new Promise((r) => setTimeout(r, 20));
      process.kill(gw.clusters.get(a.id)!.scheduler!.pid, 'SIGKILL');
    })();
    await assert.rejects(scaling, (e: unknown) => isPangeoError(e, 'Conflict') && /became failed while scaling/.test((e as Error).message));
    assert.deepEqual((await provider.list()).map((c) => c.id), [], 'the failed cluster leaves the list');

    const b = await provider.create({});
    await provider.waitUntilRunning(b.id, 60_000);
    const pid = gw.clusters.get(b.id)!.scheduler!.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      const [hung] = await provider.list();
      assert.equal(hung!.status, 'unreachable');
      assert.match(hung!.message ?? '', /scheduler does not answer/);
      await assert.rejects(provider.scale(b.id, 1), (e: unknown) => isPangeoError(e, 'Conflict') && /is failed: it cannot be scaled/.test((e as Error).message));
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // the gateway already killed the hung scheduler when it failed the cluster
      }
    }
    assert.deepEqual(await provider.list(), [], 'the gateway failed the hung cluster');
  });
});

describe('Dask Gateway with JupyterHub tokens (real hub)', { skip, timeout: 60_000 }, () => {
  let hub: TestHub;
  let gw: TestGatewayServer;
  let token: string;

  before(async () => {
    hub = await startTestHub({ users: ['alice'] });
    const res = await fetch(`${hub.url}hub/api/users/alice/tokens`, {
      method: 'POST', headers: { Authorization: `token ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'gateway test', expires_in: 600 }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    token = ((await res.json()) as { token: string }).token;
    gw = await startGatewayServer({ hubUrl: hub.url });
  });
  after(async () => {
    await gw?.close();
    await hub?.stop();
  });

  it('accepts the hub user\'s token and refuses a revoked/bad one with an auth error', async () => {
    const ok = new GatewayProvider({ url: gw.url, auth: { type: 'jupyterhub', token: () => token } });
    assert.deepEqual(await ok.list(), []);
    assert.equal((await ok.optionsSchema()).length, 6);
    // JupyterHub answers 403 to an unknown token, which the gateway reports as a 500 "Permission failure": asking the hub
    // ourselves tells a bad token (sign in again) from a broken gateway.
    const bad = new GatewayProvider({ url: gw.url, hubUrl: hub.url, auth: { type: 'jupyterhub', token: () => 'not-a-real-token-123456' } });
    await assert.rejects(bad.list(), (e: unknown) => isPangeoError(e, 'Unauthorized') && /JupyterHub API token/.test((e as Error).message));
    // Without knowing the hub, both causes are named.
    const unsure = new GatewayProvider({ url: gw.url, auth: { type: 'jupyterhub', token: () => 'not-a-real-token-123456' } });
    await assert.rejects(unsure.list(), (e: unknown) => isPangeoError(e) && /administrator/.test(e.userMessage) && /sign in again/.test(e.userMessage));
    const none = new GatewayProvider({ url: gw.url, auth: { type: 'none' } });
    await assert.rejects(none.list(), (e: unknown) => isPangeoError(e, 'Unauthorized'));
  });

  it('a gateway that cannot verify tokens with its hub is the admin\'s problem, not "sign in again", when the hub accepts the token', async () => {
    const broken = await startGatewayServer({ hubUrl: hub.url, hubRefusesGateway: true });
    try {
      const good = new GatewayProvider({ url: broken.url, hubUrl: hub.url, auth: { type: 'jupyterhub', token: () => token } });
      await assert.rejects(good.list(), (e: unknown) => {
        assert.ok(isPangeoError(e), String(e));
        assert.notEqual(e.kind, 'Unauthorized');
        assert.match(e.userMessage, /cannot verify tokens with its JupyterHub/);
        assert.match(e.userMessage, /administrator/);
        assert.doesNotMatch(e.userMessage, /sign in again/i);
        return true;
      });
      // The same answer for a token the hub itself refuses is a sign-in problem.
      const bad = new GatewayProvider({ url: broken.url, hubUrl: hub.url, auth: { type: 'jupyterhub', token: () => 'not-a-real-token-123456' } });
      await assert.rejects(bad.list(), (e: unknown) => isPangeoError(e, 'Unauthorized'));
    } finally {
      await broken.close();
    }
  });
});
