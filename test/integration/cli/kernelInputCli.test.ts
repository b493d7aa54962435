// `pangeo-compute kernel run` (the built bundle) answering the code's input() and getpass() from its own stdin, against
// a real JupyterHub 3 + ipykernel: piped answers, a closed stdin (a clear error, no hang), and a terminal (getpass
// typed with echo off, through a real pseudo-terminal).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const USER = 'erin';
const ASKS = 'print("before", flush=True)\nn = input("name? ")\nimport getpass\np = getpass.getpass("pw: ")\nprint("hello", n, len(p))';

interface Run { code: number; stdout: string; stderr: string; ms: number }

/** `stdin`: text piped then closed, or null for none at all (/dev/null, as under cron or `< /dev/null`). */
function cli(args: string[], env: Record<string, string>, stdin: string | null): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: [stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    if (stdin !== null) child.stdin!.end(stdin);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

// Runs the CLI on a pseudo-terminal (Python's pty: Debian's /usr/bin/python3), typing each answer a moment after its
// prompt shows; prints everything the terminal showed (echo included) and exits with the CLI's code.
const ON_A_TERMINAL = `
import os, pty, select, sys, time, json
answers = json.loads(sys.argv[1]); argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b''; seen = 0; deadline = time.time() + 120
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if answers and answers[0][0].encode() in out[seen:]:
        prompt, answer = answers.pop(0)
        seen = out.index(prompt.encode(), seen) + len(prompt)
        time.sleep(0.3)
        os.write(fd, answer.encode() + b'\\r')
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;

function onTerminal(args: string[], env: Record<string, string>, answers: Array<[string, string]>): Promise<{ code: number; shown: string }> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/python3', ['-c', ON_A_TERMINAL, JSON.stringify(answers), process.execPath, CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let shown = '';
    child.stdout.on('data', (d) => (shown += d));
    child.on('close', (code) => resolve({ code: code ?? -1, shown }));
  });
}

describe('pangeo-compute kernel run answers input from stdin, against a real JupyterHub', { timeout: 300_000 }, () => {
  let hub: TestHub;
  let env: Record<string, string>;
  const run = (code: string, stdin: string | null) => cli(['kernel', 'run', '--url', hub.url, '--code', code], env, stdin);

  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ users: [USER] });
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'kernel input cli', expiresInSeconds: 3600 })).token;
    env = { JUPYTERHUB_API_TOKEN: token };
    await new HubClient(hub.url, { token }).startAndWait(USER, '', {}, { timeoutMs: 60_000 });
  });
  after(async () => hub?.stop());

  test('piped answers: input() gets the first line, getpass() the second; the password is never written', async () => {
    const r = await run(ASKS, 'ana\ns3cret\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /before\n/);
    assert.match(r.stdout, /name\? hello ana 6\n$/, 'the prompt as Python writes it, then what the code printed');
    assert.match(r.stderr, /pw: /);
    assert.doesNotMatch(r.stdout + r.stderr, /s3cret/);
  });

  test('stdin closed or absent: code that asks nothing runs; code that asks fails at once with a clear error', async () => {
    for (const stdin of ['', null]) {
      const quiet = await run('print("no questions")', stdin);
      assert.equal(quiet.code, 0, quiet.stderr);
      assert.equal(quiet.stdout, 'no questions\n');
      const asks = await run(ASKS, stdin);
      assert.equal(asks.code, 1, asks.stderr);
      assert.match(asks.stderr, /The code asked for input "name\? ", but standard input has ended: it gets end of input \(EOFError\)\. Pipe the answers on stdin, one line each\./);
      assert.match(asks.stderr, /EOFError/);
      assert.ok(asks.ms < 30_000, `took ${asks.ms} ms`);
    }
  });

  test('fewer lines than questions: the last question gets end of input', async () => {
    const r = await run(ASKS, 'ana\n');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /asked for input "pw: ", but standard input has ended/);
  });

  test('on a terminal: input() shows what is typed, getpass() does not', async () => {
    const r = await onTerminal(['kernel', 'run', '--url', hub.url, '--code', ASKS], env, [['name? ', 'ana'], ['pw: ', 's3cret']]);
    assert.equal(r.code, 0, r.shown);
    assert.match(r.shown, /name\? ana/);
    assert.match(r.shown, /hello ana 6/);
    assert.doesNotMatch(r.shown, /s3cret/);
  });
});
