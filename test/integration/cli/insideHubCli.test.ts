// The CLI run inside a real single-user server of the test hub: with that server's environment (dumped by the
// spawner's command) and no --url or token, `hub servers`, `kernel run`, `files` and `cost` work; a server token
// without read:servers / delete:servers says which scope is missing, and what still works keeps working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { serverEnv, serverEnvDumpConfig, spawnServer } from '../../support/insideHubServer';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const STATE = mkdtempSync(join(tmpdir(), 'pangeo-inside-cli-state-'));
after(() => rmSync(STATE, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, PATH: process.env.PATH ?? '', XDG_STATE_HOME: STATE }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end('');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the CLI inside a hub server (its environment, no --url, no token)', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let wide: TestHub;
  let env: Record<string, string>;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    // The default server token (no read:servers, no delete:servers), and the spawner's limits as KubeSpawner sets them.
    hub = await startTestHub({ baseUrl: '/jhub/', users: ['alice'], extraConfig: serverEnvDumpConfig({ memLimit: '8G', cpuLimit: 2, memGuarantee: '4G', cpuGuarantee: 0.5 }) });
    await spawnServer(hub, 'alice');
    env = serverEnv(hub, 'alice');
  });
  after(async () => {
    await hub?.stop();
    await wide?.stop();
  });

  test('kernel run and files use this server at its local address', async () => {
    const run = await cli(['kernel', 'run', '--code', 'print(6*7)'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /42/);
    const put = await cli(['files', 'ls', '--json'], env);
    assert.equal(put.code, 0, put.stderr);
    assert.ok(Array.isArray(JSON.parse(put.stdout)) || typeof JSON.parse(put.stdout) === 'object');
  });

  test('hub servers lists this server and names the missing read:servers scope', async () => {
    // The environment is a real server's: the API on the hub's own port (not the proxy), its own token, limits in bytes.
    assert.match(env.JUPYTERHUB_API_URL!, /^http:\/\/127\.0\.0\.1:\d+\/jhub\/hub\/api$/);
    assert.ok(!hub.url.startsWith(new URL(env.JUPYTERHUB_API_URL!).origin));
    assert.equal(env.MEM_LIMIT, String(8 * 1024 ** 3));
    const r = await cli(['hub', 'servers', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { user: string; servers: { name: string; state: string; url: string | null; this_server?: boolean }[] };
    assert.equal(out.user, 'alice');
    assert.deepEqual(out.servers.map((s) => [s.name, s.state]), [['', 'ready']]);
    // Marked; its local address is not shown (no public one on this hub: JupyterHub.public_url is not set).
    assert.equal(out.servers[0]!.this_server, true);
    assert.equal(out.servers[0]!.url, null);
    assert.match(r.stderr, /lacks the scope read:servers!user=alice, which listing your servers/);
  });

  test('hub stop with a token without delete:servers names that scope (exit 3), and the server keeps running', async () => {
    const r = await cli(['hub', 'stop'], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /lacks the scope delete:servers!user=alice, which stopping a server needs/);
    assert.ok(!r.stderr.includes(env.JUPYTERHUB_API_TOKEN!), 'the token is never printed');
    assert.equal((await cli(['kernel', 'run', '--code', '1+1'], env)).code, 0);
  });

  test('cost shows this server\'s size from CPU_LIMIT/MEM_LIMIT and its estimated $/h', async () => {
    const r = await cli(['cost'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^2 CPU · 8 GiB · ~\$\d+(\.\d+)?\/h \(estimate\)/);
    assert.match(r.stdout, /guaranteed 0\.5 CPU · 4 GiB/);
    const json = JSON.parse((await cli(['cost', '--json'], env)).stdout) as { cores: number; memoryGiB: number; usdPerHour: number };
    assert.equal(json.cores, 2);
    assert.equal(json.memoryGiB, 8);
    assert.ok(json.usdPerHour > 0);
  });

  test('outside a hub server, cost says so (exit 2) and --url still wins over the environment', async () => {
    const r = await cli(['cost'], {});
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Not inside a hub server/);
    const other = await cli(['hub', 'check', '--url', 'http://127.0.0.1:9/'], env);
    assert.equal(other.code, 4, other.stderr);
  });

  test('with read:servers granted (the server role widened), hub servers lists every server and notes no scope', async () => {
    wide = await startTestHub({
      users: ['bob'], extraConfig: serverEnvDumpConfig({}, ['users:activity!user', 'access:servers!user', 'read:servers!user', 'delete:servers!user']),
    });
    await spawnServer(wide, 'bob', 'second');
    await spawnServer(wide, 'bob');
    const bobEnv = serverEnv(wide, 'bob');
    const r = await cli(['hub', 'servers', '--json'], bobEnv);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { servers: { name: string; state: string }[] };
    assert.deepEqual(out.servers.map((s) => [s.name, s.state]), [['', 'ready'], ['second', 'ready']]);
    assert.doesNotMatch(r.stderr, /lacks the scope/);
  });
});
