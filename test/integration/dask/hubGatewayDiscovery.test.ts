// A signed-in hub's Dask Gateway found without an address typed, against the real test hub with the stand-in gateway
// (real Dask processes) as its service at /services/dask-gateway/: discovery (the service list needs list:services, which
// users lack, so the path is probed), a cluster listed and created through it with the hub token, the editor's offers,
// and the CLI: --hub (with JUPYTERHUB_API_TOKEN or the token `hub login` kept), DASK_GATEWAY__ADDRESS, ~/.config/dask
// YAML and DASK_CONFIG; bad input (an address that does not answer, malformed YAML, an unknown auth type) named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { silentLogger } from '../../../src/core/log';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { findHubGateway } from '../../../src/dask/gateway/hubGatewayDiscovery';
import { gatewayDescriptor } from '../../../src/dask/gateway/gatewayDescriptor';
import { GatewayOffers } from '../../../src/dask/editor/gatewayOffers';
import { daskAvailable } from '../../support/dask';
import { freePorts } from '../../support/freePort';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';
import { startTestHub, type TestHub } from '../../support/jupyterhub';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('a signed-in hub\'s Dask Gateway, found without an address (real JupyterHub, stand-in gateway as its service)', { skip, timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-hub-gateway-'));
  const cli = join(dir, 'cli.js');
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), HOME: join(dir, 'home'), DASK_ROOT_CONFIG: join(dir, 'no-etc-dask') };
  for (const k of Object.keys(baseEnv)) if (k.startsWith('DASK_') && k !== 'DASK_ROOT_CONFIG') delete baseEnv[k];
  delete baseEnv.JUPYTERHUB_API_TOKEN;
  delete baseEnv.JUPYTERHUB_API_URL;
  delete baseEnv.DASK_CONFIG;
  let hub: TestHub;
  let gw: TestGatewayServer | undefined;
  let gatewayPort: number;
  // Holds the gateway's port until the stand-in gateway takes it: the hub's own ports once landed on it (EADDRINUSE).
  let portHolder: Server | undefined;
  const releasePort = () => new Promise<void>((resolve) => (portHolder ? portHolder.close(() => resolve()) : resolve()));
  let alice: string;

  const run = (args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): Promise<Run> => new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...baseEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
  const tokenFor = async (user: string): Promise<string> => {
    const res = await fetch(`${hub.url}hub/api/users/${user}/tokens`, {
      method: 'POST', headers: { Authorization: `token ${hub.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: 'hub gateway discovery test', expires_in: 900 }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { token: string }).token;
  };
  const gatewayUrl = () => `${hub.url}services/dask-gateway/`;

  before(async () => {
    // As esbuild.mjs builds it: the YAML parser is a chunk beside the CLI, loaded when a Dask config file is read.
    const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', mainFields: ['module', 'main'], define: { PANGEO_CHUNKS: 'true' } };
    await build({ ...common, entryPoints: ['src/cli.ts'], outfile: cli });
    await build({ ...common, entryPoints: ['src/chunks/yaml.ts'], outfile: join(dir, 'chunks', 'yaml.js') });
    [gatewayPort] = (await freePorts(1)) as [number];
    portHolder = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => portHolder!.once('error', reject).listen(gatewayPort, '127.0.0.1', resolve));
    hub = await startTestHub({
      users: ['alice'],
      proxiedServices: [{ name: 'dask-gateway', url: `http://127.0.0.1:${gatewayPort}`, apiToken: 'gateway-service-token-discovery-0123', accessUsers: ['alice'] }],
    });
    alice = await tokenFor('alice');
  });
  after(async () => {
    await releasePort();
    await gw?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a hub whose gateway service does not answer as a gateway offers none', async () => {
    assert.equal(await findHubGateway({ hubUrl: hub.url, token: async () => alice }), undefined);
    await releasePort();
    gw = await startGatewayServer({ hubUrl: hub.url, serviceName: 'dask-gateway', prefix: '/services/dask-gateway/', port: gatewayPort });
  });

  it('discovery: the user\'s token may not list services (list:services), so /services/dask-gateway/ is probed; an admin\'s may', async () => {
    const listed = await fetch(`${hub.url}hub/api/services`, { headers: { Authorization: `token ${alice}` } });
    assert.equal(listed.status, 403, 'JupyterHub\'s default user role has no list:services');
    assert.deepEqual(await findHubGateway({ hubUrl: hub.url, token: async () => alice }), {
      url: gatewayUrl(), hubUrl: hub.url, serviceName: 'dask-gateway', via: 'path', health: 'pass',
    });
    assert.equal((await findHubGateway({ hubUrl: hub.url, token: async () => hub.adminToken }))?.via, 'services');
  });

  it('the editor offers it for the signed-in hub; the offer, added, lists and creates clusters with the hub sign-in\'s token', async () => {
    const offers = new GatewayOffers({
      env: () => baseEnv, logger: silentLogger, known: () => [],
      hubs: { list: () => [{ url: hub.url, label: 'test hub' }], onDidChange: () => ({ dispose() {} }) },
      hubToken: async () => alice,
    });
    await offers.update();
    const [offer] = offers.offers();
    assert.equal(offer?.config.url, gatewayUrl());
    assert.equal(offer?.label, 'Dask Gateway of test hub');
    offers.dispose();
    const asked: Array<string | undefined> = [];
    const provider = gatewayDescriptor.create(offer.config, {
      logger: silentLogger, state: new MemoryStore(), env: baseEnv, localClustersDir: dir, daskCommand: () => undefined,
      hubTokenFor: async (_url, hubUrl) => {
        asked.push(hubUrl);
        return alice;
      },
      secret: async () => undefined, sameKind: () => [offer.config],
    });
    assert.deepEqual(await provider.list(), []);
    const created = await provider.create({});
    const running = await provider.waitUntilRunning(created.id, 120_000);
    assert.equal(running.status, 'running');
    assert.deepEqual((await provider.list()).map((c) => c.name), [created.name]);
    assert.ok(running.dashboardUrl?.startsWith(gatewayUrl()), running.dashboardUrl);
    assert.deepEqual([...new Set(asked)], [hub.url], 'the hub sign-in of that hub lent its token');
    await provider.stop(created.id);
    await provider.waitUntilStopped(created.id, 60_000);
  });

  it('CLI: --provider gateway --hub URL, with JUPYTERHUB_API_TOKEN, or with the token `hub login` kept', async () => {
    const created = await run(['dask', 'create', '--provider', 'gateway', '--hub', hub.url, '--wait'], { JUPYTERHUB_API_TOKEN: alice });
    assert.equal(created.code, 0, created.stderr);
    const name = created.stdout.trim();
    const listed = await run(['dask', 'clusters', '--provider', 'gateway', '--hub', hub.url], { JUPYTERHUB_API_TOKEN: alice });
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${name}  running`, 'm'));
    const login = await run(['hub', 'login', '--url', hub.url, '--username', 'alice'], {}, `${hub.password}\n`);
    assert.equal(login.code, 0, login.stderr);
    const kept = await run(['dask', 'clusters', '--provider', 'gateway', '--hub', hub.url]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.match(kept.stdout, new RegExp(`^${name}  running`, 'm'));
    const stopped = await run(['dask', 'stop', name, '--provider', 'gateway', '--hub', hub.url], { JUPYTERHUB_API_TOKEN: alice });
    assert.equal(stopped.code, 0, stopped.stderr);
  });

  it('CLI without --url: DASK_GATEWAY__ADDRESS, a ~/.config/dask YAML, or a DASK_CONFIG folder names the gateway', async () => {
    const byEnv = await run(['dask', 'clusters', '--provider', 'gateway'], { DASK_GATEWAY__ADDRESS: gatewayUrl(), DASK_GATEWAY__AUTH__TYPE: 'jupyterhub', JUPYTERHUB_API_TOKEN: alice });
    assert.equal(byEnv.code, 0, byEnv.stderr);
    assert.match(byEnv.stdout, /No clusters|stopp/);
    const home = join(dir, 'yaml-home');
    mkdirSync(join(home, '.config', 'dask'), { recursive: true });
    writeFileSync(join(home, '.config', 'dask', 'gateway.yaml'), `gateway:\n  address: "${gatewayUrl()}"\n  auth:\n    type: jupyterhub\n`);
    const byYaml = await run(['dask', 'clusters', '--provider', 'gateway', '--json'], { HOME: home, JUPYTERHUB_API_TOKEN: alice });
    assert.equal(byYaml.code, 0, byYaml.stderr);
    assert.ok(Array.isArray(JSON.parse(byYaml.stdout)));
    const cfg = join(dir, 'dask-config');
    mkdirSync(cfg, { recursive: true });
    writeFileSync(join(cfg, 'gw.yml'), `gateway:\n  address: "${gatewayUrl()}"\n`);
    const byDaskConfig = await run(['dask', 'clusters', '--provider', 'gateway'], { DASK_CONFIG: cfg, JUPYTERHUB_API_TOKEN: alice });
    assert.equal(byDaskConfig.code, 0, byDaskConfig.stderr);
    const none = await run(['dask', 'clusters', '--provider', 'gateway'], { JUPYTERHUB_API_TOKEN: alice });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /needs --url URL, --hub HUB_URL, or a gateway in Dask's configuration/);
  });

  it('bad input: an address that does not answer names DASK_GATEWAY__ADDRESS; malformed YAML its file and line; an unknown auth type what is supported', async () => {
    const [closed] = (await freePorts(1)) as [number];
    const silent = await run(['dask', 'clusters', '--provider', 'gateway'], { DASK_GATEWAY__ADDRESS: `http://127.0.0.1:${closed}/services/dask-gateway`, JUPYTERHUB_API_TOKEN: alice });
    assert.equal(silent.code, 4, silent.stderr);
    assert.match(silent.stderr, new RegExp(`Cannot reach the Dask Gateway at http://127\\.0\\.0\\.1:${closed}/services/dask-gateway/ \\(set by DASK_GATEWAY__ADDRESS\\)`));
    assert.match(silent.stderr, /Check the address in DASK_GATEWAY__ADDRESS/);
    const home = join(dir, 'bad-home');
    mkdirSync(join(home, '.config', 'dask'), { recursive: true });
    const file = join(home, '.config', 'dask', 'gateway.yaml');
    writeFileSync(file, `gateway:\n  address: "${gatewayUrl()}"\n  auth:\n\ttype: jupyterhub\n`);
    const malformed = await run(['dask', 'clusters', '--provider', 'gateway'], { HOME: home, JUPYTERHUB_API_TOKEN: alice });
    assert.equal(malformed.code, 2, malformed.stderr);
    assert.ok(malformed.stderr.includes(`The Dask config file ${file}:4:1 is malformed`), malformed.stderr);
    const kerberos = await run(['dask', 'clusters', '--provider', 'gateway'], { DASK_GATEWAY__ADDRESS: gatewayUrl(), DASK_GATEWAY__AUTH__TYPE: 'kerberos' });
    assert.equal(kerberos.code, 2, kerberos.stderr);
    assert.match(kerberos.stderr, /Unsupported Dask Gateway auth type "kerberos" \(gateway\.auth\.type from DASK_GATEWAY__AUTH__TYPE\)/);
    assert.match(kerberos.stderr, /Supported: jupyterhub, basic/);
  });
});
