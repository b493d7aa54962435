// The `pangeo-compute` CLI (built bundle) against a real JupyterHub: output, progress and exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, TestHub, TEST_OPTIONS_FORM } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');

interface Run { code: number; stdout: string; stderr: string }

// The CLI's state (its secret store: tokens `hub login` keeps) goes to a folder of this test run, never the real home.
const STATE = mkdtempSync(join(tmpdir(), 'pangeo-hub-cli-state-'));
after(() => rmSync(STATE, { recursive: true, force: true }));

function cli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', XDG_STATE_HOME: STATE, ...opts.env };
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(opts.stdin ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('pangeo-compute hub/kernel CLI against a real JupyterHub', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let token: string;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ baseUrl: '/jhub/', optionsForm: TEST_OPTIONS_FORM, users: ['carol'] });
  });
  after(async () => hub?.stop());

  test('usage errors exit 2 and print help', async () => {
    const r = await cli(['hub', 'check']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--url is required/);
    assert.equal((await cli(['hub', 'frobnicate'])).code, 2);
    assert.equal((await cli(['hub', 'check', '--bogus'])).code, 2);
    assert.equal((await cli(['nosuchgroup'])).code, 2);
  });

  test('login with a wrong password exits 3; the right one prints a token', async () => {
    const bad = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol'], { stdin: 'nope-nope\n' });
    assert.equal(bad.code, 3, bad.stderr);
    assert.ok(!bad.stderr.includes('nope-nope'));
    // The hub answers 403 to a refused password: that is the password, not a token short of scopes.
    assert.match(bad.stderr, /did not accept this username and password/);
    assert.doesNotMatch(bad.stderr, /refused \(403\)|scopes/);
    const good = await cli(['hub', 'login', '--url', `${hub.url}hub/home`, '--username', 'carol', '--expires-in', '600', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(good.code, 0, good.stderr);
    const out = JSON.parse(good.stdout) as { token: string; expires_at: string; user: string };
    assert.equal(out.user, 'carol');
    assert.ok(out.expires_at);
    token = out.token;
  });

  test('login again reuses the kept token (one token on the hub, not one per login); --expires-in makes another; logout revokes them', async () => {
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const before = (await admin.listTokens('carol')).length;
    // The kept 10-minute token of the first test has too little time left: a new one (24 h).
    const first = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(first.code, 0, first.stderr);
    const firstOut = JSON.parse(first.stdout) as { token: string; reused: boolean; expires_at: string };
    assert.equal(firstOut.reused, false);
    assert.notEqual(firstOut.token, token);
    assert.ok(Math.abs(Date.parse(firstOut.expires_at) - Date.now() - 86_400_000) < 300_000, firstOut.expires_at);
    assert.match(first.stderr, /new token for carol .*the next `hub login` reuses it, `pangeo-compute hub logout --url .*` revokes it/);
    const again = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout) as { token: string; reused: boolean };
    assert.equal(out.token, firstOut.token, 'the token of the earlier login');
    assert.equal(out.reused, true);
    assert.match(again.stderr, /reusing the token .* hub logout --url .* revokes it/);
    const third = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol'], { stdin: `${hub.password}\n` });
    assert.equal(third.stdout.trim(), firstOut.token);
    assert.equal((await admin.listTokens('carol')).length, before + 1, 'one token on the hub for three logins');
    // The kept token is no reason to skip the password check.
    const wrong = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol'], { stdin: 'nope-nope\n' });
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.equal(wrong.stdout, '');
    const store = join(STATE, 'pangeo-compute', 'secrets.json');
    assert.equal(statSync(store).mode & 0o777, 0o600, 'the secret store is for its owner only');
    assert.ok(readFileSync(store, 'utf8').includes(firstOut.token));

    const short = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol', '--expires-in', '2h', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(short.code, 0, short.stderr);
    const shortOut = JSON.parse(short.stdout) as { token: string; expires_at: string; reused: boolean };
    assert.notEqual(shortOut.token, firstOut.token);
    assert.equal(shortOut.reused, false);
    const left = Date.parse(shortOut.expires_at) - Date.now();
    assert.ok(left > 7000_000 && left < 7300_000, `expires in 2 h, got ${left} ms`);
    assert.equal((await admin.listTokens('carol')).length, before + 2);

    // Logout revokes every token `hub login` made here: the 10-minute one, the 24-hour one and the 2-hour one.
    const logout = await cli(['hub', 'logout', '--url', hub.url, '--json'], {});
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal((JSON.parse(logout.stdout) as { revoked: unknown[] }).revoked.length, 3);
    assert.equal((await admin.listTokens('carol')).length, before - 1, 'all three gone from the hub');
    for (const t of [token, firstOut.token, shortOut.token]) await assert.rejects(new HubClient(hub.url, { token: t }).getCurrentUser());
    assert.match((await cli(['hub', 'logout', '--url', hub.url], {})).stdout, /nothing to revoke/);

    const fresh = await cli(['hub', 'login', '--url', hub.url, '--username', 'carol', '--expires-in', '3600', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(fresh.code, 0, fresh.stderr);
    token = (JSON.parse(fresh.stdout) as { token: string }).token;
  });

  test('a prefix typo, or no prefix, is "no JupyterHub here" pointing to the real one, exit 4', async () => {
    const origin = new URL(hub.url).origin;
    for (const wrong of [`${origin}/jhbu/`, `${origin}/`]) {
      for (const args of [['hub', 'check', '--url', wrong], ['hub', 'servers', '--url', wrong]]) {
        const r = await cli(args, { env: { JUPYTERHUB_API_TOKEN: token } });
        assert.equal(r.code, 4, r.stderr);
        assert.ok(r.stderr.includes(`No JupyterHub at ${wrong}; did you mean ${hub.url}?`), r.stderr);
        assert.doesNotMatch(r.stderr, /may have been removed/);
      }
    }
    const login = await cli(['hub', 'login', '--url', `${origin}/jhbu/`, '--username', 'carol'], { stdin: `${hub.password}\n` });
    assert.equal(login.code, 4, login.stderr);
    assert.match(login.stderr, /did you mean/);
  });

  test('check prints version and user; unreachable exits 4; a bad token exits 3', async () => {
    const ok = await cli(['hub', 'check', '--url', hub.url, '--json'], { env: { JUPYTERHUB_API_TOKEN: token } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { url: hub.url, version: hub.version, user: 'carol', admin: false });
    const down = await cli(['hub', 'check', '--url', 'http://127.0.0.1:9/']);
    assert.equal(down.code, 4);
    assert.match(down.stderr, /Cannot reach/);
    const bad = await cli(['hub', 'servers', '--url', hub.url], { env: { JUPYTERHUB_API_TOKEN: 'not-a-real-token-000' } });
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /sign in again/i);
    assert.ok(!bad.stderr.includes('not-a-real-token-000'));
    const noToken = await cli(['hub', 'servers', '--url', hub.url]);
    assert.equal(noToken.code, 2);
  });

  test('options needs the page login and then lists the form fields', async () => {
    const env = { JUPYTERHUB_API_TOKEN: token };
    assert.equal((await cli(['hub', 'options', '--url', hub.url], { env })).code, 2);
    const r = await cli(['hub', 'options', '--url', hub.url, '--username', 'carol', '--password-stdin', '--json'], { env, stdin: hub.password });
    assert.equal(r.code, 0, r.stderr);
    const form = (JSON.parse(r.stdout) as { form: { fields: Array<{ name: string }> } }).form;
    assert.deepEqual(form.fields.map((f) => f.name).sort(), ['cores', 'gpu', 'image']);
  });

  test('options with a password and no token: a short-lived token is minted and revoked afterwards', async () => {
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const before = (await admin.listTokens('carol')).map((t) => t.id);
    const r = await cli(['hub', 'options', '--url', hub.url, '--username', 'carol', '--password-stdin', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /No token/);
    const form = (JSON.parse(r.stdout) as { form: { fields: Array<{ name: string }> } }).form;
    assert.deepEqual(form.fields.map((f) => f.name).sort(), ['cores', 'gpu', 'image']);
    assert.deepEqual((await admin.listTokens('carol')).map((t) => t.id), before, 'the temporary token is revoked');
    const wrong = await cli(['hub', 'options', '--url', hub.url, '--username', 'carol', '--password-stdin'], { stdin: 'not-the-password\n' });
    assert.equal(wrong.code, 3, wrong.stderr);
    assert.match(wrong.stderr, /did not accept this username and password/);
    assert.doesNotMatch(wrong.stderr, /token is missing|expired/);
  });

  test('start prints progress and exits 0 when ready; kernel run prints 2; errors exit 1; stop', async () => {
    const env = { JUPYTERHUB_API_TOKEN: token };
    const bad = await cli(['hub', 'start', '--url', hub.url, '--option', 'cores=3', '--username', 'carol', '--password-stdin'], { env, stdin: hub.password });
    assert.equal(bad.code, 2, 'an option the form does not offer is a usage error');
    assert.match(bad.stderr, /"3" is not a choice of "cores"/);
    const start = await cli(['hub', 'start', '--url', hub.url, '--option', 'cores=4', '--username', 'carol', '--password-stdin'], { env, stdin: hub.password });
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stderr, /\[\s*\d+%\]/);
    assert.match(start.stdout, /^ready: http:\/\/127\.0\.0\.1:\d+\/jhub\/user\/carol\//);
    const servers = JSON.parse((await cli(['hub', 'servers', '--url', hub.url, '--json'], { env })).stdout) as { servers: Array<{ name: string; state: string; user_options: Record<string, unknown> }> };
    assert.equal(servers.servers.find((s) => s.name === '')?.state, 'ready');
    assert.equal(servers.servers.find((s) => s.name === '')?.user_options.cores, '4');

    const run = await cli(['kernel', 'run', '--url', hub.url, '--code', '1+1'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), '2');
    const raised = await cli(['kernel', 'run', '--url', hub.url, '--code', 'print("before")\n1/0'], { env });
    assert.equal(raised.code, 1);
    assert.match(raised.stdout, /before/);
    assert.match(raised.stderr, /ZeroDivisionError/);
    const nokernel = await cli(['kernel', 'run', '--url', hub.url, '--kernel', 'cobol', '--code', '1'], { env });
    assert.equal(nokernel.code, 2);

    const stop = await cli(['hub', 'stop', '--url', hub.url], { env });
    assert.equal(stop.code, 0, stop.stderr);
    // A stopped server is no usage error: nothing answers there (exit 4), and no usage text.
    const notRunning = await cli(['kernel', 'run', '--url', hub.url, '--code', '1'], { env });
    assert.equal(notRunning.code, 4, notRunning.stderr);
    assert.match(notRunning.stderr, /is stopped: start it with `pangeo-compute hub start --url http:\/\/127\.0\.0\.1:\d+\/jhub\/` first\./);
    assert.doesNotMatch(notRunning.stderr, /Usage:/);
  });

  test('start --server X without --option starts X with the options it last ran with; --default-options does not', async () => {
    const env = { JUPYTERHUB_API_TOKEN: token };
    const userOptions = async () => (JSON.parse((await cli(['hub', 'servers', '--url', hub.url, '--json'], { env })).stdout) as {
      servers: Array<{ name: string; user_options: Record<string, unknown> }> }).servers.find((s) => s.name === 'again')?.user_options;
    const first = await cli(['hub', 'start', '--url', hub.url, '--server', 'again', '--option', 'cores=4', '--option', 'image=pangeo/base'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal((await cli(['hub', 'stop', '--url', hub.url, '--server', 'again'], { env })).code, 0);
    const again = await cli(['hub', 'start', '--url', hub.url, '--server', 'again'], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /with its last options: cores=4 image=pangeo\/base/);
    assert.deepEqual(await userOptions(), { cores: '4', image: 'pangeo/base' });
    assert.equal((await cli(['hub', 'stop', '--url', hub.url, '--server', 'again'], { env })).code, 0);
    const defaults = await cli(['hub', 'start', '--url', hub.url, '--server', 'again', '--default-options'], { env });
    assert.equal(defaults.code, 0, defaults.stderr);
    assert.deepEqual(await userOptions(), {});
    assert.equal((await cli(['hub', 'stop', '--url', hub.url, '--server', 'again'], { env })).code, 0);
  });

  test('a spawn the hub fails exits 1 with the hub\'s message', async () => {
    const env = { JUPYTERHUB_API_TOKEN: token };
    const r = await cli(['hub', 'start', '--url', hub.url, '--server', 'broken', '--option', 'image=fail:now', '--option', 'cores=1', '--username', 'carol', '--password-stdin'], { env, stdin: hub.password });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /insufficient quota/);
  });
});

describe('pangeo-compute hub start when the hub dies mid-spawn', { timeout: 180_000 }, () => {
  let hub: TestHub;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ baseUrl: '/jhub/', users: ['dave'] });
  });
  after(async () => hub?.kill());

  test('a hub killed while the server starts is noticed within seconds (its proxy keeps the progress stream open): exit 4, no advice about settings', async () => {
    const token = (await new HubClient(hub.url).createTokenWithPassword('dave', hub.password, { note: 'kill test', expiresInSeconds: 600 })).token;
    const child = spawn(process.execPath, [CLI, 'hub', 'start', '--url', hub.url, '--server', 'slow', '--option', 'image=slow:120'],
      { env: { PATH: process.env.PATH ?? '', XDG_STATE_HOME: STATE, JUPYTERHUB_API_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // The spawn is under way (the fixture's hook sleeps 120 s in it) when the stream has said something.
    for (let i = 0; i < 300 && !/\[\s*\d+%\]/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(stderr, /\[\s*\d+%\]/, 'progress was shown');
    // SIGKILL the hub process alone: its proxy lives on, as it does when a hub pod is killed.
    const hubPid = hub.pids().find((pid) => {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return cmd.some((a) => /(^|\/)jupyterhub$/.test(a)) && cmd.includes('-f');
    });
    assert.ok(hubPid, 'found the hub process');
    const killedAt = Date.now();
    process.kill(hubPid, 'SIGKILL');
    const code = await exited;
    const took = Date.now() - killedAt;
    assert.equal(code, 4, stderr);
    assert.ok(took < 20_000, `noticed after ${took} ms`);
    assert.match(stderr, /stopped answering \(its proxy answers 503\) while the server was starting/);
    assert.doesNotMatch(stderr, /settings/);
  });
});
