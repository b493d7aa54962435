// Discovery of a notebook-made LocalCluster through a REAL kernel on the real test JupyterHub: one execution makes the
// cluster and a client (as a user's cell would), a second runs our snippet (as the extension does), and the parsed
// result points at the live scheduler.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { discoverySnippet, parseDiscoveryOutput } from '../../../src/dask/notebook/kernelClusterDiscovery';
import { SchedulerAddressProvider } from '../../../src/dask/scheduler/schedulerAddressProvider';
import { daskAvailable } from '../../support/dask';
import { startTestHub, type TestHub } from '../../support/jupyterhub';

const skip = daskAvailable() ? false : 'needs python3-distributed for the kernel';

describe('notebook-made cluster discovery through a real kernel on the test hub', { skip, timeout: 120_000 }, () => {
  let hub: TestHub;

  before(async () => {
    hub = await startTestHub({ users: ['alice'] });
  });
  after(async () => {
    await hub?.stop();
  });

  it('finds the LocalCluster and Client a cell created, as one live cluster', async () => {
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const server = await admin.startAndWait('alice', '', {}, { timeoutMs: 60_000 });
    const jupyter = new JupyterServerClient(server.url!, admin.http);
    const kernel = await jupyter.startKernel((await jupyter.getKernelSpecs()).default);
    const session = await jupyter.connect(kernel);
    const run = async (code: string) => {
      let out = '';
      const result = await session.execute(code, {
        timeoutMs: 60_000,
        onOutput: (o) => {
          if (o.type === 'stream' && o.name === 'stdout') out += o.text;
        },
      });
      assert.equal(result.status, 'ok', `${result.error?.ename}: ${result.error?.evalue}`);
      return out;
    };
    try {
      await run([
        'from dask.distributed import LocalCluster, Client',
        'cluster = LocalCluster(n_workers=1, threads_per_worker=1, memory_limit="512MB", dashboard_address="127.0.0.1:0")',
        'client = Client(cluster)',
        'answer = 42',
      ].join('\n'));
      const found = parseDiscoveryOutput(await run(discoverySnippet()));
      assert.equal(found.length, 1, JSON.stringify(found));
      const c = found[0]!;
      assert.equal(c.kind, 'local');
      assert.equal(c.type, 'LocalCluster');
      assert.deepEqual([...c.variables].sort(), ['client', 'cluster']);
      assert.match(c.schedulerAddress ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
      const [attached] = await new SchedulerAddressProvider({ addresses: () => [c.dashboardLink!] }).list();
      assert.equal(attached!.status, 'running');
      assert.equal(attached!.schedulerAddress, c.schedulerAddress);
      assert.equal(attached!.workers, 1);
      // The snippet left nothing behind in the user's namespace.
      assert.equal((await run('print("__pangeo_dask_discover" in globals())')).trim(), 'False');
      await run('client.close(); cluster.close()');
    } finally {
      session.dispose();
      await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
    }
  });
});
