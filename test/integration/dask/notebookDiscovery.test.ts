// The discovery snippet run by a real Python (/usr/bin/python3) that made a real LocalCluster and Client, as a notebook
// would; then the discovered dashboard address is attached to check it points at that live scheduler.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverySnippet, parseDiscoveryOutput } from '../../../src/dask/notebook/kernelClusterDiscovery';
import { SchedulerAddressProvider } from '../../../src/dask/scheduler/schedulerAddressProvider';
import { daskAvailable, SYSTEM_PYTHON } from '../../support/dask';

const skip = daskAvailable() ? false : 'needs /usr/bin/python3 with distributed';

describe('notebook-made cluster discovery (real Python, real LocalCluster)', { skip, timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-discover-'));
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the LocalCluster and its Client as one cluster with a live scheduler address', async () => {
    const script = join(dir, 'notebook.py');
    // Globals like a notebook's: a cluster, a client on it, and an unrelated variable.
    writeFileSync(script, `
import sys
from dask.distributed import LocalCluster, Client
if __name__ == "__main__":
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address="127.0.0.1:0", memory_limit="512MB")
    client = Client(cluster)
    answer = 42
    exec(compile(open(sys.argv[1]).read(), "discovery", "exec"), globals())
    assert "__pangeo_dask_discover" not in globals()
    sys.stdin.readline()
    client.close()
    cluster.close()
`);
    const snippetFile = join(dir, 'snippet.py');
    writeFileSync(snippetFile, discoverySnippet());
    child = spawn(SYSTEM_PYTHON, [script, snippetFile], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no discovery output; stderr:\n${stderr}`)), 45_000);
      child!.stdout!.on('data', (d) => {
        stdout += d;
        if (stdout.includes('__PANGEO_DASK_CLUSTERS__') && stdout.endsWith('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`python exited ${code}:\n${stderr}`)));
    });
    const found = parseDiscoveryOutput(stdout);
    assert.equal(found.length, 1, stdout);
    const c = found[0]!;
    assert.equal(c.kind, 'local');
    assert.equal(c.type, 'LocalCluster');
    assert.deepEqual([...c.variables].sort(), ['client', 'cluster']);
    assert.match(c.schedulerAddress ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
    assert.match(c.dashboardLink ?? '', /^http:\/\/127\.0\.0\.1:\d+\/status$/);
    assert.equal(c.status, 'running');

    // The discovered dashboard is that cluster's live scheduler.
    const attached = await new SchedulerAddressProvider({ addresses: () => [c.dashboardLink!] }).list();
    assert.equal(attached[0]!.status, 'running');
    assert.equal(attached[0]!.schedulerAddress, c.schedulerAddress);
    assert.equal(attached[0]!.workers, 1);

    child.stdin!.end('\n');
    await new Promise((resolve) => child!.once('exit', resolve));
  });
});
