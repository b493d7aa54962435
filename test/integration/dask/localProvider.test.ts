// The local provider against real `dask scheduler` / `dask worker` processes: create, scale 1 → 3 → 1 confirmed by
// the scheduler, adapt (down to the minimum, then up under real load), a cluster that dies while scaling, and stop with
// no process left behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalClusterProvider } from '../../../src/dask/local/localProvider';
import { LocalClusterRegistry } from '../../../src/dask/local/localClusterRegistry';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { CLUSTER_MARKER_ENV } from '../../../src/dask/local/localProcesses';
import { isPangeoError } from '../../../src/core/http/errors';
import { daskAvailable, daskProcessesMentioning, pidsWithEnv, schedulerWorkerCount, SYSTEM_PYTHON, waitForWorkerCount } from '../../support/dask';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';

describe('local Dask clusters (real processes)', { skip, timeout: 150_000 }, () => {
  let dir: string;
  let provider: LocalClusterProvider;
  let registry: LocalClusterRegistry;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pangeo-local-dask-'));
    registry = new LocalClusterRegistry(new MemoryStore());
    provider = new LocalClusterProvider({ registry, clustersDir: dir, adaptiveIntervalMs: 300 });
  });

  after(async () => {
    provider.dispose();
    for (const r of registry.list()) await provider.stop(r.id).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, scales 1 → 3 → 1 as the scheduler confirms, adapts, and stops leaving no process', async () => {
    const created = await provider.create({ workers: 1, memory_limit: '512MB' });
    assert.equal(created.status, 'running');
    assert.equal(created.workers, 1);
    const info = await provider.connectionInfo(created.id);
    assert.match(info.schedulerAddress, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const root = info.dashboardUrl!.replace(/status$/, '');
    assert.equal(await schedulerWorkerCount(root), 1, 'scheduler sees one worker');
    assert.match(info.clientCode, /Client\("tcp:\/\/127\.0\.0\.1:\d+"\)/);

    await provider.scale(created.id, 3);
    assert.equal(await schedulerWorkerCount(root), 3, 'scheduler sees three workers after scale(3)');
    assert.equal((await provider.workers(created.id)).length, 3);
    assert.equal(registry.get(created.id)!.workers.length, 3);

    await provider.scale(created.id, 1);
    assert.equal(await schedulerWorkerCount(root), 1, 'scheduler sees one worker after scale(1)');
    assert.equal((await provider.get(created.id)).workers, 1);

    // Adaptive: idle, the scheduler wants 0 → it shrinks to the minimum after three consecutive low targets.
    await provider.adapt(created.id, 0, 2);
    assert.deepEqual((await provider.get(created.id)).adaptive, { minimum: 0, maximum: 2 });
    await waitForWorkerCount(root, 0, 20_000);
    // Real work arrives: tasks with no worker make the target ≥ 1 and the follower scales up to run them.
    const result = await runPython(`
from dask.distributed import Client
import time
c = Client(${JSON.stringify(info.schedulerAddress)}, timeout=30)
futs = c.map(lambda x: (time.sleep(0.5), x * 2)[1], range(6))
print(sum(c.gather(futs)))
c.close()
`);
    assert.equal(result.trim(), '30', 'the tasks ran on workers the follower started');

    await provider.stop(created.id);
    assert.equal(registry.get(created.id), undefined);
    assert.deepEqual(pidsWithEnv(CLUSTER_MARKER_ENV, created.id), [], 'no process of the cluster is left');
    assert.deepEqual(daskProcessesMentioning(info.schedulerAddress.replace('tcp://', '')), []);
  });

  it('a cluster whose scheduler dies while scaling gives a clear error, is shown once as stopped, and leaks nothing', async () => {
    const c = await provider.create({ workers: 0, name: 'doomed' });
    const schedulerPid = registry.get(c.id)!.schedulerPid;
    const scaling = provider.scale(c.id, 2);
    setTimeout(() => process.kill(schedulerPid, 'SIGKILL'), 300);
    await assert.rejects(scaling, (e: unknown) => isPangeoError(e, 'Conflict') && /doomed stopped/.test((e as Error).message));
    const listed = await provider.list();
    assert.equal(listed.find((x) => x.id === c.id)?.status, 'stopped');
    assert.equal((await provider.list()).find((x) => x.id === c.id), undefined, 'a dead cluster is shown once');
    assert.deepEqual(pidsWithEnv(CLUSTER_MARKER_ENV, c.id), [], 'its orphaned workers were stopped');
  });

  it('a cluster that is still being created is listed as starting (pending), never as unreachable', async () => {
    const seen = new Set<string>();
    let done = false;
    const creating = provider.create({ workers: 1, memory_limit: '512MB', name: 'starting-check' }).finally(() => (done = true));
    while (!done) {
      for (const c of await provider.list()) if (c.id === 'starting-check') seen.add(c.status);
      await new Promise((r) => setTimeout(r, 100));
    }
    const created = await creating;
    assert.ok(seen.has('pending'), `seen while starting: ${[...seen].join(',')}`);
    assert.ok(!seen.has('unreachable'), `seen while starting: ${[...seen].join(',')}`);
    assert.equal((await provider.get(created.id)).status, 'running');
    await provider.stop(created.id);
  });

  it('refuses bad input before starting anything', async () => {
    await assert.rejects(provider.create({ workers: -1 }), (e: unknown) => isPangeoError(e, 'InvalidInput'));
    await assert.rejects(provider.create({ memory_limit: 'lots' }), /not a size/);
    await assert.rejects(provider.create({ bogus: 1 }), /Unknown cluster option: bogus/);
    await assert.rejects(provider.scale('nope', 2), (e: unknown) => isPangeoError(e, 'NotFound'));
    const missing = new LocalClusterProvider({ registry, clustersDir: dir, daskCommand: '/nonexistent/bin/dask' });
    await assert.rejects(missing.create({ workers: 0 }), (e: unknown) => isPangeoError(e, 'InvalidInput') && /Cannot run "\/nonexistent\/bin\/dask"/.test((e as Error).message));
    assert.deepEqual(registry.list().filter((r) => r.daskCommand === '/nonexistent/bin/dask'), [], 'nothing is recorded for a cluster that never started');
  });
});

function runPython(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(SYSTEM_PYTHON, ['-c', code], { timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
}
