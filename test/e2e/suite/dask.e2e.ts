// Scenario: in a real editor, the Dask Clusters tree shows a local cluster (real dask processes) and scaling it
// through the tree's Scale action changes the worker count its scheduler reports.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { createLocalCluster, daskApi } from './support/dask';



async function schedulerWorkers(dashboardUrl: string): Promise<number> {
  const res = await fetch(new URL('json/identity.json', dashboardUrl.replace(/status$/, '')));
  return Object.keys(((await res.json()) as { workers: object }).workers).length;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

suite('dask', () => {
  test('the tree shows a local cluster, and Scale from the tree changes the worker count', async () => {
    if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
    const dask = await daskApi();
    await vscode.commands.executeCommand('workbench.view.extension.pangeo');
    await vscode.commands.executeCommand('pangeo.dask.focus');
    const name = `e2e-${Date.now().toString(36)}`;
    try {
      const cluster = await createLocalCluster(dask, name, 1);
      assert.equal(cluster.status, 'running');
      assert.equal(cluster.workers, 1);
      assert.equal(await schedulerWorkers(cluster.dashboardUrl!), 1);

      await vscode.commands.executeCommand('pangeo.dask.scaleCluster', { kind: 'cluster', providerId: 'local', cluster }, { mode: 'fixed', workers: 2 });
      assert.equal(await schedulerWorkers(cluster.dashboardUrl!), 2, 'the scheduler reports two workers');
      await until('the tree to show 2 workers', async () => (dask.service.cluster('local', name)?.workers === 2 ? true : undefined), 15_000);
    } finally {
      await dask.local.stop(name).catch(() => undefined);
    }
  }, 120_000);
});
