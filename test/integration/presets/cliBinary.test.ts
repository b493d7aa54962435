// The bundled `pangeo-compute` binary, as users run it: preset and aws commands, their output and exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeStsServer, type StsTestServer } from '../aws/stsServers';

const ROOT = join(__dirname, '../../..');
const FIX = join(ROOT, 'test/fixtures/presets');
let dir: string;
let cli: string;
let sts: StsTestServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pangeo-cli-'));
  // The real build (the CLI loads its AWS SDK and ajv chunks from dist/chunks beside it).
  execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
  cli = join(ROOT, 'dist/cli.js');
  sts = await startFakeStsServer();
});
after(async () => {
  await sts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Asynchronous, for commands that talk to the STS server living in this very process. */
function runAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out: stdout, err: stderr });
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, env: { PATH: process.env.PATH, HOME: dir, ...env }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('preset validate: exit 0 valid, 1 invalid, 2 usage; problems as "file:line:column: where: message"', () => {
  assert.equal(run(['preset', 'validate', join(FIX, 'good/full-course.pangeo.json')]).code, 0);
  const bad = run(['preset', 'validate', join(FIX, 'bad/adapt-min-gt-max.json')]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /adapt-min-gt-max\.json:7:18: dask › adapt › minimum: minimum \(8\) must not exceed maximum \(2\)$/m);
  assert.equal(run(['preset', 'validate', join(FIX, 'missing.json')]).code, 2);
  assert.equal(run(['preset', 'validate', '--no-such-flag', 'x']).code, 2);
  const json = run(['preset', 'validate', '--json', '-'], {}, '{"version": 1, "name": "x", "extra": 1}');
  assert.equal(json.code, 1);
  assert.deepEqual((JSON.parse(json.out) as { problems: unknown }).problems, [{ path: '$.extra', line: 1, column: 29, message: 'unknown key "extra"', code: 'unknown-key' }]);
});

test('preset link and show', () => {
  const link = run(['preset', 'link', join(FIX, 'good/minimal.pangeo.json')]);
  assert.equal(link.code, 0);
  assert.match(link.out.trim(), /^vscode:\/\/pangeo-compute\.pangeo-compute\/preset\?data=[A-Za-z0-9_-]+$/);
  const show = run(['preset', 'show', join(FIX, 'good/coiled-aws.pangeo.json')]);
  assert.equal(show.code, 0);
  assert.match(show.out, /1\. Get short-lived AWS credentials for the role arn:aws-us-gov:iam::123456789012:role\/path\/to\/course-role/);
  assert.match(show.out, /2\. Create a Dask cluster \(coiled, 4 workers\)/);
});

test('aws whoami / assume-role against an STS server; no SDK warning noise; exit 3 and 4 on auth and network failures', async () => {
  const env = { AWS_ACCESS_KEY_ID: sts.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sts.credentials.secretAccessKey };
  const who = await runAsync(['aws', 'whoami', '--endpoint', sts.endpoint], env);
  assert.equal(who.code, 0, who.err);
  assert.match(who.out, /^Account: 111122223333$/m);
  assert.equal(who.err, '');
  const role = await runAsync(['aws', 'assume-role', '--role-arn', 'arn:aws:iam::123456789012:role/course', '--endpoint', sts.endpoint, '--duration', '900'], env);
  assert.equal(role.code, 0, role.err);
  assert.match(role.out, /^export AWS_SESSION_TOKEN=/m);
  assert.equal((await runAsync(['aws', 'whoami', '--endpoint', sts.endpoint], { ...env, AWS_SECRET_ACCESS_KEY: 'wrong-secret-value' })).code, 3);
  assert.equal((await runAsync(['aws', 'whoami', '--endpoint', 'http://127.0.0.1:9'], env)).code, 4);
});
