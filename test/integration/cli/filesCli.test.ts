// `pangeo-compute files ls|get|put|mkdir|rm` (the built bundle) against a real JupyterHub under a prefix, for a user whose
// name needs escaping: output, --json, chunked uploads with progress on stderr, and exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const USER = 'zoë (ta)';

interface Run { code: number; stdout: string; stderr: string }

function cli(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('pangeo-compute files against a real JupyterHub', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let env: Record<string, string>;
  let work: string;
  let home: string;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ baseUrl: '/jhub/', users: [USER] });
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'files cli', expiresInSeconds: 3600 })).token;
    env = { JUPYTERHUB_API_TOKEN: token };
    work = mkdtempSync(join(tmpdir(), 'pangeo-files-cli-'));
    home = join(hub.dir, 'home', USER);
  });
  after(async () => {
    await hub?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('a stopped server says how to start it: exit 4 (nothing answers there), not a usage error', async () => {
    const r = await cli(['files', 'ls', '--url', hub.url], env, work);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /is stopped: start it with `pangeo-compute hub start --url http:\/\/127\.0\.0\.1:\d+\/jhub\/` first\./);
    assert.doesNotMatch(r.stderr, /Usage:/);
  });

  test('put (renamed, and a large file in chunks with progress), ls, get, rm', async () => {
    await new HubClient(hub.url, { token: env.JUPYTERHUB_API_TOKEN }).startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    writeFileSync(join(work, 'small.txt'), 'hello from the CLI\n');
    const put = await cli(['files', 'put', '--url', hub.url, 'small.txt', 'notes.txt'], env, work);
    assert.equal(put.code, 0, put.stderr);
    assert.equal(readFileSync(join(home, 'notes.txt'), 'utf8'), 'hello from the CLI\n');

    const big = randomBytes(6 * 1024 * 1024 + 5);
    writeFileSync(join(work, 'big.bin'), big);
    const putBig = await cli(['files', 'put', '--url', hub.url, 'big.bin', '--json'], env, work);
    assert.equal(putBig.code, 0, putBig.stderr);
    assert.match(putBig.stderr, /uploading big\.bin: 100%/);
    assert.equal((JSON.parse(putBig.stdout) as { size: number }).size, big.length);
    assert.ok(readFileSync(join(home, 'big.bin')).equals(big));

    const ls = await cli(['files', 'ls', '--url', hub.url, '--json'], env, work);
    assert.equal(ls.code, 0, ls.stderr);
    const names = (JSON.parse(ls.stdout) as Array<{ name: string; type: string }>).map((e) => e.name);
    assert.ok(names.includes('notes.txt') && names.includes('big.bin'), names.join(','));
    const human = await cli(['files', 'ls', '--url', hub.url], env, work);
    assert.match(human.stdout, /^- +19 .* notes\.txt$/m);

    const get = await cli(['files', 'get', '--url', hub.url, 'notes.txt', '--output', 'copy.txt'], env, work);
    assert.equal(get.code, 0, get.stderr);
    assert.equal(readFileSync(join(work, 'copy.txt'), 'utf8'), 'hello from the CLI\n');
    const toStdout = await cli(['files', 'get', '--url', hub.url, 'notes.txt', '-o', '-'], env, work);
    assert.equal(toStdout.stdout, 'hello from the CLI\n');

    const rm = await cli(['files', 'rm', '--url', hub.url, 'notes.txt'], env, work);
    assert.equal(rm.code, 0, rm.stderr);
    const missing = await cli(['files', 'get', '--url', hub.url, 'notes.txt'], env, work);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Not found/);
  });

  test('put into folders that do not exist creates them ("DIR/" means into DIR); mkdir makes parents and is fine when they exist', async () => {
    writeFileSync(join(work, 'data.csv'), 'a,b\n1,2\n');
    const into = await cli(['files', 'put', '--url', hub.url, 'data.csv', 'course/'], env, work);
    assert.equal(into.code, 0, into.stderr);
    assert.match(into.stderr, /created folder course\//);
    assert.equal(readFileSync(join(home, 'course', 'data.csv'), 'utf8'), 'a,b\n1,2\n');
    const deep = await cli(['files', 'put', '--url', hub.url, 'data.csv', 'course/week 2/raw/renamed.csv', '--json'], env, work);
    assert.equal(deep.code, 0, deep.stderr);
    assert.equal((JSON.parse(deep.stdout) as { path: string }).path, 'course/week 2/raw/renamed.csv');
    assert.equal(readFileSync(join(home, 'course', 'week 2', 'raw', 'renamed.csv'), 'utf8'), 'a,b\n1,2\n');

    const mkdir = await cli(['files', 'mkdir', '--url', hub.url, 'course/week 3/plots', '--json'], env, work);
    assert.equal(mkdir.code, 0, mkdir.stderr);
    assert.deepEqual(JSON.parse(mkdir.stdout), { path: 'course/week 3/plots', created: ['course/week 3', 'course/week 3/plots'] });
    assert.ok(statSync(join(home, 'course', 'week 3', 'plots')).isDirectory());
    const again = await cli(['files', 'mkdir', '--url', hub.url, 'course/week 3/plots'], env, work);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already exists/);
    const onFile = await cli(['files', 'mkdir', '--url', hub.url, 'course/data.csv/sub'], env, work);
    assert.notEqual(onFile.code, 0);
    assert.match(onFile.stderr, /course\/data\.csv is a file, not a folder/);
  });

  test('usage errors exit 2; a bad token exits 3 without printing it', async () => {
    assert.equal((await cli(['files', 'get', '--url', hub.url], env, work)).code, 2);
    assert.equal((await cli(['files', 'put', '--url', hub.url, 'no-such-file'], env, work)).code, 2);
    const bad = await cli(['files', 'ls', '--url', hub.url], { JUPYTERHUB_API_TOKEN: 'not-a-real-token-000' }, work);
    assert.equal(bad.code, 3);
    assert.ok(!bad.stderr.includes('not-a-real-token-000'));
  });
});
