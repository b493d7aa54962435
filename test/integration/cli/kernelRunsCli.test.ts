// `pangeo-compute kernel run --detach`, `kernel attach` and `kernel runs` (the built bundle) against a real JupyterHub
// with Debian's jupyter_server + ipykernel: the run goes on after the CLI exits, and a new process replays all of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const USER = 'dana';
const RUN_ID = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

interface Run { code: number; stdout: string; stderr: string; ms: number }

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The run id: the last line of `run --detach`'s stdout. */
function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? '';
}

const COUNTER = 'import time\nfor i in range(1, 21):\n    print(i, flush=True)\n    time.sleep(0.25)\n"done"';
const COUNTED = `${Array.from({ length: 20 }, (_, i) => `${i + 1}\n`).join('')}'done'\n`;

describe('pangeo-compute kernel run --detach / attach / runs against a real JupyterHub', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let env: Record<string, string>;
  let url: string;
  const statusOf = (id: string) => JSON.parse(readFileSync(join(hub.dir, 'home', USER, 'pangeo-compute-runs', id, 'status.json'), 'utf8')) as { state: string; kernel_id: string; pid: number };
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ baseUrl: '/jhub/', users: [USER] });
    url = hub.url;
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'runs cli', expiresInSeconds: 3600 })).token;
    env = { JUPYTERHUB_API_TOKEN: token };
    await new HubClient(hub.url, { token }).startAndWait(USER, '', {}, { timeoutMs: 90_000 });
  });
  after(async () => hub?.stop());

  test('run --detach returns while the code runs; attach from a new process prints every line once, in order, and exits 0; so does a later attach', async () => {
    const started = await cli(['kernel', 'run', '--detach', '--url', url, '--code', COUNTER], env);
    assert.equal(started.code, 0, started.stderr);
    const id = lastLine(started.stdout);
    assert.match(id, RUN_ID);
    assert.match(started.stderr, new RegExp(`kernel attach --url ${url.replace(/[/.]/g, '\\$&')} ${id}`));
    // The CLI has exited and the run goes on: its status on the server still says running (5 s of counting).
    assert.equal(statusOf(id).state, 'running', 'the detached command returned only after the run ended');

    const listedWhileRunning = await cli(['kernel', 'runs', '--url', url, '--json'], env);
    assert.equal(listedWhileRunning.code, 0, listedWhileRunning.stderr);
    assert.equal((JSON.parse(listedWhileRunning.stdout) as Array<{ id: string; state: string }>).find((r) => r.id === id)?.state, 'running');

    const attached = await cli(['kernel', 'attach', '--url', url, id], env);
    assert.equal(attached.code, 0, attached.stderr);
    assert.equal(attached.stdout, COUNTED);
    // Its output is all in the log: the ended run's kernel was shut down.
    const kernels = await new HubClient(hub.url, { token: env.JUPYTERHUB_API_TOKEN }).http.request({ path: `user/${USER}/api/kernels` });
    assert.ok(!(await kernels.text()).includes(statusOf(id).kernel_id), 'the finished run\'s kernel still runs');

    const later = await cli(['kernel', 'attach', '--url', url, id], env);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(later.stdout, COUNTED);

    const listed = await cli(['kernel', 'runs', '--url', url], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ID\s+STATE\s+STARTED \(UTC\)\s+LAST OUTPUT$/m);
    assert.match(listed.stdout, new RegExp(`^${id}\\s+ok\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+'done'$`, 'm'));
  });

  test('a run that raises: attach shows the traceback with the user\'s own lines and exits 1 (colours kept, other escapes gone); runs says error', async () => {
    // The program's colours stay, as in `kernel run`; other sequences (here OSC 52, a clipboard write) go.
    const code = 'print("before \\x1b[31mred\\x1b[0m\\x1b]52;c;aGk=\\x07.")\ndef f():\n    return 1/0\nf()';
    const started = await cli(['kernel', 'run', '--detach', '--url', url, '--code', code], env);
    assert.equal(started.code, 0, started.stderr);
    const id = lastLine(started.stdout);
    const attached = await cli(['kernel', 'attach', '--url', url, id], env);
    assert.equal(attached.code, 1, attached.stderr);
    assert.equal(attached.stdout, 'before \u001b[31mred\u001b[0m.\n');
    assert.match(attached.stderr, /Traceback \(most recent call last\):/);
    assert.match(attached.stderr, /line 3, in f\n\s+return 1\/0/);
    assert.match(attached.stderr, /line 4, in <module>\n\s+f\(\)/);
    assert.match(attached.stderr, /ZeroDivisionError: division by zero/);
    assert.doesNotMatch(attached.stderr, /_pangeo_detached_run/, 'the wrapper\'s own frame shows in the traceback');
    const listed = JSON.parse((await cli(['kernel', 'runs', '--url', url, '--json'], env)).stdout) as Array<{ id: string; state: string; error: { ename: string } | null }>;
    const row = listed.find((r) => r.id === id);
    assert.equal(row?.state, 'error');
    assert.equal(row?.error?.ename, 'ZeroDivisionError');
  });

  test('an unknown run id is an error that says what to do (exit 1, no usage text); a missing one is a usage error', async () => {
    for (const id of ['20990101-000000-abcdef', '../../etc']) {
      const r = await cli(['kernel', 'attach', '--url', url, id], env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`error: No run "${id.replace(/[.]/g, '\\.')}" on the server .*kernel runs --url`));
      assert.doesNotMatch(r.stderr, /Usage:/);
    }
    const json = await cli(['kernel', 'attach', '--url', url, '20990101-000000-abcdef', '--json'], env);
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { kind: string }).kind, 'NotFound');
    assert.equal((await cli(['kernel', 'attach', '--url', url], env)).code, 2);
  });

  test('two detached runs at once run side by side (a kernel each); a killed kernel makes its run lost, a shut-down one interrupted (exit 1 both)', async () => {
    const slow = 'import time\nprint("slow start", flush=True)\ntime.sleep(60)';
    const first = lastLine((await cli(['kernel', 'run', '--detach', '--url', url, '--code', slow], env)).stdout);
    const second = lastLine((await cli(['kernel', 'run', '--detach', '--url', url, '--code', slow], env)).stdout);
    assert.match(first, RUN_ID);
    assert.match(second, RUN_ID);
    assert.equal(statusOf(first).state, 'running');
    assert.equal(statusOf(second).state, 'running');
    assert.notEqual(statusOf(first).kernel_id, statusOf(second).kernel_id);

    // SIGKILL: no final status; the server restarts the kernel (idle, same id): the run is lost, and says so.
    process.kill(statusOf(first).pid, 'SIGKILL');
    const lost = await cli(['kernel', 'attach', '--url', url, first], env);
    assert.equal(lost.code, 1, lost.stderr);
    assert.equal(lost.stdout, 'slow start\n');
    assert.match(lost.stderr, /The run's kernel is gone or no longer runs it .*: its output ends here\. The run last wrote its status at 20\d\d-/);
    const listed = JSON.parse((await cli(['kernel', 'runs', '--url', url, '--json'], env)).stdout) as Array<{ id: string; state: string }>;
    assert.equal(listed.find((r) => r.id === first)?.state, 'lost');
    // The kernel the server restarted in its place runs nothing of the run: attach shut it down.
    const kernels = await (await new HubClient(hub.url, { token: env.JUPYTERHUB_API_TOKEN }).http.request({ path: `user/${USER}/api/kernels` })).text();
    assert.ok(!kernels.includes(statusOf(first).kernel_id), 'the lost run\'s restarted kernel still idles');
    assert.ok(kernels.includes(statusOf(second).kernel_id), 'the kernel of the run still running was shut down');
    assert.equal(listed.find((r) => r.id === second)?.state, 'running', 'the other run was disturbed');

    // A shutdown through the server interrupts the code first: the run ends as interrupted, with its traceback.
    await new HubClient(hub.url, { token: env.JUPYTERHUB_API_TOKEN }).http.request({ method: 'DELETE', path: `user/${USER}/api/kernels/${statusOf(second).kernel_id}` });
    const interrupted = await cli(['kernel', 'attach', '--url', url, second], env);
    assert.equal(interrupted.code, 1, interrupted.stderr);
    assert.equal(interrupted.stdout, 'slow start\n');
    assert.match(interrupted.stderr, /KeyboardInterrupt\nThe run was interrupted: its kernel was interrupted or shut down\.\n$/);
  });

  test('attach rides out a server that stops answering for seconds: it says so, then goes on from where it was, every line once', async () => {
    // A forwarder in front of the hub that can refuse every connection for a while (the proxy down, the network gone).
    let refusing = false;
    const open = new Set<Socket>();
    const forwarder = createServer((client) => {
      if (refusing) return void client.destroy();
      const upstream = connect(Number(new URL(url).port), '127.0.0.1');
      for (const sock of [client, upstream]) {
        open.add(sock);
        sock.on('close', () => open.delete(sock));
        sock.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
    const viaForwarder = url.replace(/:\d+\//, `:${(forwarder.address() as { port: number }).port}/`);
    try {
      const code = 'import time\nfor i in range(1, 41):\n    print(i, flush=True)\n    time.sleep(0.2)';
      const id = lastLine((await cli(['kernel', 'run', '--detach', '--url', viaForwarder, '--code', code], env)).stdout);
      assert.match(id, RUN_ID);
      const child = spawn(process.execPath, [CLI, 'kernel', 'attach', '--url', viaForwarder, id], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
      await new Promise<void>((resolve) => child.stdout.on('data', (d) => {
        stdout += d;
        if (/^3$/m.test(stdout)) resolve();
      }));
      refusing = true;
      for (const sock of open) sock.destroy();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      refusing = false;
      assert.equal(await exited, 0, stderr);
      assert.equal(stdout, Array.from({ length: 40 }, (_, i) => `${i + 1}\n`).join(''));
      assert.match(stderr, /warning: the server does not answer .*; trying again for up to 10 min\. The run goes on there\.\nThe server answers again: following on from where it stopped\./);
    } finally {
      for (const sock of open) sock.destroy();
      await new Promise((resolve) => forwarder.close(resolve));
    }
  });
});
