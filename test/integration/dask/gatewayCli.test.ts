// `pangeo-compute dask … --provider gateway` as a user runs it, against the stand-in gateway (real dask processes) and
// a real JupyterHub in front of it: the list shows what the scheduler says of adaptive scaling (whoever changed it),
// a stopped cluster is "already stopped", auth failures name their cause, a hung gateway ends when --timeout says,
// a gateway that is down is exit 4 with or without the hub, and `dask metrics` takes a cluster's name.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { GatewayClient } from '../../../src/dask/gateway/gatewayClient';
import { daskAvailable } from '../../support/dask';
import { freePorts } from '../../support/freePort';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';
import { startTestHub, type TestHub } from '../../support/jupyterhub';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';
const PASSWORD = 'gateway-cli-password';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

describe('pangeo-compute dask --provider gateway (CLI processes, stand-in gateway, real dask and JupyterHub)', { skip, timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-gateway-cli-'));
  const cli = join(dir, 'cli.js');
  // A HOME and Dask config folders of its own: the CLI reads Dask's YAML as the Python client does, never the machine's.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), HOME: dir, DASK_ROOT_CONFIG: join(dir, 'etc-dask'), DASK_CONFIG: join(dir, 'dask-config') };
  delete env.JUPYTERHUB_API_TOKEN;
  delete env.JUPYTERHUB_API_URL;
  const basic = { DASK_GATEWAY__AUTH__TYPE: 'basic', DASK_GATEWAY__AUTH__KWARGS__USERNAME: 'ann', DASK_GATEWAY__AUTH__KWARGS__PASSWORD: PASSWORD };
  let gw: TestGatewayServer;
  let cluster: string;

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = basic): Promise<Run> => new Promise((resolve) => {
    const started = Date.now();
    execFile(process.execPath, [cli, 'dask', ...args], { env: { ...env, ...extraEnv }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
  const on = () => ['--provider', 'gateway', '--url', gw.url];

  before(async () => {
    await build({ entryPoints: ['src/cli.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'error', mainFields: ['module', 'main'] });
    gw = await startGatewayServer({ basicPassword: PASSWORD, maxWorkers: 3, prefix: '/services/dask-gateway/', adaptiveIntervalMs: 400 });
    const created = await run(['create', ...on(), '--wait']);
    assert.equal(created.code, 0, created.stderr);
    cluster = created.stdout.trim();
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the list shows the adaptive state the scheduler reports, also when a notebook\'s client changed it', async () => {
    const adapted = await run(['adapt', cluster, '--min', '1', '--max', '3', ...on()]);
    assert.equal(adapted.code, 0, adapted.stderr);
    assert.match(adapted.stdout, /adaptive 1…3 workers/);
    // What a notebook's GatewayCluster sends for cluster.scale(2), then cluster.adapt(minimum=0, maximum=2).
    const notebook = new GatewayClient({ url: gw.url, auth: { type: 'basic', username: 'ann', password: PASSWORD } });
    await notebook.scale(cluster, 2);
    const afterScale = await run(['clusters', ...on()]);
    assert.equal(afterScale.code, 0, afterScale.stderr);
    assert.match(afterScale.stdout, new RegExp(`^${cluster}  running`, 'm'));
    assert.doesNotMatch(afterScale.stdout, /adaptive/, 'a fixed size set elsewhere is not shown as our old bounds');
    await notebook.adapt(cluster, 0, 2);
    const afterAdapt = await run(['clusters', ...on(), '--json']);
    assert.deepEqual((JSON.parse(afterAdapt.stdout) as Array<{ adaptive?: unknown }>)[0]?.adaptive, { minimum: 0, maximum: 2 });
  });

  it('dask metrics takes a cluster name and provider; a malformed --url says what a valid one looks like', async () => {
    const sample = await run(['metrics', cluster, ...on(), '--json']);
    assert.equal(sample.code, 0, sample.stderr);
    const body = JSON.parse(sample.stdout) as { workers: number; threads: number };
    assert.equal(typeof body.workers, 'number');
    assert.ok(body.threads >= 0);
    const bad = await run(['metrics', '--url', 'http://not a url']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /e\.g\. http:\/\/127\.0\.0\.1:8787\//);
    assert.match(bad.stderr, /dask metrics NAME --provider gateway/);
  });

  it('a stopped cluster: a second stop says "already stopped" (exit 0); scale says it is stopped (exit 1, no usage text)', async () => {
    const first = await run(['stop', cluster, ...on()]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Stopped/);
    const second = await run(['stop', cluster, ...on()]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /already stopped/);
    const scale = await run(['scale', cluster, '2', ...on()]);
    assert.equal(scale.code, 1, scale.stderr);
    assert.match(scale.stderr, /is stopped: it cannot be scaled\. Start a new one/);
    assert.doesNotMatch(scale.stderr, /Usage:|Not found/);
  });

  it('a wrong password is named as such, not as an expired token', async () => {
    const denied = await run(['clusters', ...on()], { ...basic, DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'wrong-password' });
    assert.equal(denied.code, 3, denied.stderr);
    assert.match(denied.stderr, /did not accept the username "ann" or its password/);
    assert.doesNotMatch(denied.stderr, /expired|revoked|sign in again/i);
  });

  it('a hung gateway ends when --timeout says and the message says that time (exit 4); without it, within the default budget', async () => {
    const hung: Server = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as { port: number }).port;
    try {
      const r = await run(['clusters', '--provider', 'gateway', '--url', `http://127.0.0.1:${port}/`, '--timeout', '2']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /did not answer within 2 s/);
      assert.match(r.stderr, /--timeout/);
      assert.ok(r.ms < 6_000, `ended after ${r.ms} ms`);
      // The client's budget covers its retries: 1 s means 1 s, not three tries of 1 s.
      const client = new GatewayClient({ url: `http://127.0.0.1:${port}/`, auth: { type: 'none' }, timeoutMs: 1000 });
      const started = Date.now();
      await assert.rejects(client.list(), /did not answer within 1 s/);
      assert.ok(Date.now() - started < 1_800, `ended after ${Date.now() - started} ms`);
    } finally {
      hung.closeAllConnections();
      hung.close();
    }
  });
});

describe('pangeo-compute dask --provider gateway behind a real JupyterHub', { skip, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-gateway-hub-cli-'));
  const cli = join(dir, 'cli.js');
  // A HOME and Dask config folders of its own: the CLI reads Dask's YAML as the Python client does, never the machine's.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), HOME: dir, DASK_ROOT_CONFIG: join(dir, 'etc-dask'), DASK_CONFIG: join(dir, 'dask-config') };
  delete env.JUPYTERHUB_API_URL;
  let hub: TestHub;
  let gw: TestGatewayServer | undefined;
  let gatewayPort: number;

  const run = (args: string[], token: string): Promise<Run> => new Promise((resolve) => {
    const started = Date.now();
    execFile(process.execPath, [cli, 'dask', ...args], { env: { ...env, JUPYTERHUB_API_TOKEN: token }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
  /** A token with the user's own scopes, or only `scopes` (JupyterHub ≥ 5 gives every user access:services by default). */
  const tokenFor = async (user: string, scopes?: string[]): Promise<string> => {
    const res = await fetch(`${hub.url}hub/api/users/${user}/tokens`, {
      method: 'POST', headers: { Authorization: `token ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'gateway cli test', expires_in: 600, ...(scopes ? { scopes } : {}) }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { token: string }).token;
  };

  before(async () => {
    await build({ entryPoints: ['src/cli.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'error', mainFields: ['module', 'main'] });
    [gatewayPort] = (await freePorts(1)) as [number];
    // As z2jh's dask-gateway chart runs it: a hub service whose users hold access:services!service=dask-gateway — here alice only.
    hub = await startTestHub({
      users: ['alice', 'bob'],
      proxiedServices: [{ name: 'dask-gateway', url: `http://127.0.0.1:${gatewayPort}`, apiToken: 'gateway-service-token-0123456789', accessUsers: ['alice'] }],
    });
  });
  after(async () => {
    await gw?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the gateway service down behind the hub, or unreachable without it: "the Dask Gateway service is down", exit 4 both ways', async () => {
    const token = await tokenFor('alice');
    const behindHub = await run(['clusters', '--provider', 'gateway', '--url', `${hub.url}services/dask-gateway/`], token);
    assert.equal(behindHub.code, 4, behindHub.stderr);
    assert.match(behindHub.stderr, /Dask Gateway service is down: the hub answered 50\d for its dask-gateway service/);
    assert.doesNotMatch(behindHub.stderr, /tell its admin\.$/m);
    const direct = await run(['clusters', '--provider', 'gateway', '--url', `http://127.0.0.1:${gatewayPort}/services/dask-gateway/`], token);
    assert.equal(direct.code, 4, direct.stderr);
    assert.match(direct.stderr, /Cannot reach the Dask Gateway .*: the gateway service is down or the address is wrong/);
  });

  it('a valid hub token without the access:services scope is named as such (signing in again will not help)', async () => {
    gw = await startGatewayServer({ hubUrl: hub.url, serviceName: 'dask-gateway', prefix: '/services/dask-gateway/', port: gatewayPort });
    const url = `${hub.url}services/dask-gateway/`;
    const allowed = await run(['clusters', '--provider', 'gateway', '--url', url], await tokenFor('alice'));
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /No clusters/);
    // bob holds no access role; his token is also limited to his name, as a token made for another purpose would be.
    const lacking = await run(['clusters', '--provider', 'gateway', '--url', url], await tokenFor('bob', ['read:users:name!user']));
    assert.equal(lacking.code, 3, lacking.stderr);
    assert.match(lacking.stderr, /token is valid, but it lacks the scope the Dask Gateway requires \(access:services or access:services!service=dask-gateway\)/);
    assert.match(lacking.stderr, /Signing in again will not help/);
    const revoked = await run(['clusters', '--provider', 'gateway', '--url', url], 'not-a-real-token-0123456789');
    assert.equal(revoked.code, 3, revoked.stderr);
    assert.match(revoked.stderr, /expired or was revoked: sign in again/);
  });
});
