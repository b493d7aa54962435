// The `pangeo-compute` CLI (built bundle) against a real JupyterHub: output, progress and exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startTestHub, TestHub, TEST_OPTIONS_FORM } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
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
    const good = await cli(['hub', 'login', '--url', `${hub.url}hub/home`, '--username', 'carol', '--expires-in', '600', '--json'], { stdin: `${hub.password}\n` });
    assert.equal(good.code, 0, good.stderr);
    const out = JSON.parse(good.stdout) as { token: string; expires_at: string; user: string };
    assert.equal(out.user, 'carol');
    assert.ok(out.expires_at);
    token = out.token;
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
    const notRunning = await cli(['kernel', 'run', '--url', hub.url, '--code', '1'], { env });
    assert.equal(notRunning.code, 2);
    assert.match(notRunning.stderr, /is stopped/);
  });

  test('a spawn the hub fails exits 1 with the hub\'s message', async () => {
    const env = { JUPYTERHUB_API_TOKEN: token };
    const r = await cli(['hub', 'start', '--url', hub.url, '--server', 'broken', '--option', 'image=fail:now', '--option', 'cores=1', '--username', 'carol', '--password-stdin'], { env, stdin: hub.password });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /insufficient quota/);
  });
});
