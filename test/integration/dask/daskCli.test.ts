// `pangeo-compute dask ...` as a user runs it: separate CLI processes share local clusters through the state file,
// adapt runs in a detached follower, stop leaves nothing; exit codes 1/2/3/4 for failures, usage, auth, unreachable.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CLUSTER_MARKER_ENV } from '../../../src/dask/local/localProcesses';
import { daskAvailable, pidsWithEnv, schedulerWorkerCount, waitForWorkerCount } from '../../support/dask';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('pangeo-compute dask (CLI processes, real dask)', { skip, timeout: 150_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-dask-cli-'));
  const cli = join(dir, 'cli.js');
  // A HOME and Dask config folders of its own: the CLI reads Dask's YAML as the Python client does, never the machine's.
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: join(dir, 'state'), HOME: dir, DASK_ROOT_CONFIG: join(dir, 'etc-dask'), DASK_CONFIG: join(dir, 'dask-config') };
  delete env.JUPYTERHUB_API_TOKEN;
  let gw: TestGatewayServer | undefined;

  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => new Promise((resolve) => {
    execFile(process.execPath, [cli, 'dask', ...args], { env: { ...env, ...extraEnv }, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });

  before(async () => {
    // Bundled on its own so this test does not depend on the rest of the tree building.
    // mainFields as in esbuild.mjs: jsonc-parser's UMD build cannot be bundled.
    await build({ entryPoints: ['src/cli.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cli, logLevel: 'error', mainFields: ['module', 'main'] });
  });
  after(async () => {
    await run(['stop', 'cli-demo']).catch(() => undefined);
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create → scale → adapt (detached follower) → workers → stop across separate CLI calls, leaving no process', async () => {
    const created = await run(['create', '--option', 'workers=1', '--option', 'name=cli-demo', '--option', 'memory_limit=512MB']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'cli-demo', 'create prints the name');
    const state = JSON.parse(readFileSync(join(dir, 'state', 'pangeo-compute', 'local-clusters.json'), 'utf8')) as Record<string, Array<{ dashboardPort: number }>>;
    const record = state['pangeo.dask.localClusters']![0]!;
    const root = `http://127.0.0.1:${record.dashboardPort}/`;
    assert.equal(await schedulerWorkerCount(root), 1, 'the processes outlived the CLI call that started them');

    const listed = await run(['clusters', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as Array<{ name: string; workers: number }>).map((c: { name: string; workers: number }) => [c.name, c.workers]), [['cli-demo', 1]]);

    const scaled = await run(['scale', 'cli-demo', '2']);
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.match(scaled.stdout, /cli-demo: 2 workers/);
    assert.equal(await schedulerWorkerCount(root), 2);

    const adapted = await run(['adapt', 'cli-demo', '--min', '0', '--max', '1', '--json']);
    assert.equal(adapted.code, 0, adapted.stderr);
    assert.deepEqual((JSON.parse(adapted.stdout) as { adaptive: unknown }).adaptive, { minimum: 0, maximum: 1 });
    await waitForWorkerCount(root, 0, 30_000);

    const workers = await run(['workers', 'cli-demo', '--json']);
    assert.deepEqual(JSON.parse(workers.stdout), []);

    const stopped = await run(['stop', 'cli-demo']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(pidsWithEnv(CLUSTER_MARKER_ENV, 'cli-demo'), [], 'scheduler, workers and the adaptive follower are gone');
    assert.match((await run(['clusters'])).stdout, /No clusters/);
  });

  it('exit codes: 1 not found, 2 usage, 3 auth, 4 unreachable; --json errors are JSON', async () => {
    const missing = await run(['scale', 'nope', '2', '--json']);
    assert.equal(missing.code, 1);
    assert.equal((JSON.parse(missing.stdout) as { kind: string }).kind, 'NotFound');
    assert.equal((await run(['scale', 'x'])).code, 2);
    assert.equal((await run(['clusters', '--provider', 'mars'])).code, 2);
    assert.equal((await run(['create', '--option', 'workers=-3'])).code, 2, 'invalid options are usage errors');

    gw = await startGatewayServer({ basicPassword: 'right-password' });
    const auth = { DASK_GATEWAY__AUTH__TYPE: 'basic', DASK_GATEWAY__AUTH__KWARGS__USERNAME: 'ann', DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'wrong' };
    const denied = await run(['clusters', '--provider', 'gateway', '--url', gw.url], auth);
    assert.equal(denied.code, 3, denied.stderr);
    assert.ok(!denied.stderr.includes('wrong'), 'the password is not echoed');
    const options = await run(['options', '--provider', 'gateway', '--url', gw.url], { ...auth, DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'right-password' });
    assert.equal(options.code, 0, options.stderr);
    assert.match(options.stdout, /worker_cores\s+integer 1…4/);
    const bad = await run(['create', '--provider', 'gateway', '--url', gw.url, '-o', 'profile=huge'], { ...auth, DASK_GATEWAY__AUTH__KWARGS__PASSWORD: 'right-password' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /one of "small", "large"/);
    const down = await run(['clusters', '--provider', 'gateway', '--url', 'http://127.0.0.1:1/']);
    assert.equal(down.code, 4);
    assert.match(down.stderr, /Cannot reach/);
  });
});
