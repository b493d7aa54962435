// Scenario (issue 5): in a real editor, "Open Dashboard" on a local cluster's tree node opens the dashboard panel,
// whose Workers card (read in the browser, inside the webview's iframes) shows the scheduler's worker count and whose
// table shows the worker's row (its numbers cross as typed arrays: the editor's own postMessage path), follows
// a scale from the tree, and the panel's own Scale control scales the cluster. Saves .artifacts/e2e/dashboard.png.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { suite, test } from '../runner/registry';
import { ui, uiAvailable } from '../runner/ui';
import { until } from './support/hubScenario';
import { createLocalCluster, daskApi } from './support/dask';



/** The scheduler's own count, to compare the panel with. */
async function schedulerWorkers(dashboardUrl: string): Promise<number> {
  const res = await fetch(new URL('json/identity.json', dashboardUrl.replace(/status$/, '')));
  return Object.keys(((await res.json()) as { workers: object }).workers).length;
}

/** Each worker's address and thread count, as the scheduler reports them. */
async function schedulerWorkerThreads(dashboardUrl: string): Promise<{ address: string; nthreads: number }[]> {
  const res = await fetch(new URL('json/identity.json', dashboardUrl.replace(/status$/, '')));
  return Object.entries(((await res.json()) as { workers: Record<string, { nthreads: number }> }).workers).map(([address, w]) => ({ address, nthreads: w.nthreads }));
}

/** The dashboard tab of this cluster (the panel's viewType is prefixed by the editor, hence `includes`). */
function dashboardTab(title: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('pangeo.dashboard') && t.label === title);
}

/** The Workers card once it reads exactly `n` (the panel polls the scheduler every 2 s). */
const workersCard = (n: number) => ui({ kind: 'webviewText', selector: '[data-testid="card-workers"]', match: `^${n}$` }, 45_000);

suite('dashboard', () => {
  test('Open Dashboard from the tree shows the worker count; it follows a scale from the tree, and scales from the panel', async () => {
    if (!existsSync('/usr/bin/dask')) throw new Error('this scenario needs /usr/bin/dask (python3-distributed)');
    assert.ok(uiAvailable(), 'this scenario reads the webview in the browser: run it with the code-server harness');
    const dask = await daskApi();
    await vscode.commands.executeCommand('workbench.view.extension.pangeo');
    const name = `e2e-dash-${Date.now().toString(36)}`;
    const title = `Dask: ${name}`;
    try {
      const cluster = await createLocalCluster(dask, name, 1);
      assert.equal(await schedulerWorkers(cluster.dashboardUrl!), 1, 'the scheduler reports one worker');

      // The tree's inline "Open Dashboard" action on the cluster row: it hands over to pangeo.dashboard.open.
      await vscode.commands.executeCommand('pangeo.dask.openDashboard', { kind: 'cluster', providerId: 'local', cluster });
      const tab = await until(`a "${title}" dashboard tab`, () => dashboardTab(title), 10_000);
      assert.ok(tab.isActive, 'the dashboard tab is the active one');

      assert.equal((await ui({ kind: 'webviewText', selector: '[data-testid="cluster-name"]', match: `^${name}$` }))?.trim(), name);
      assert.equal((await workersCard(1))?.trim(), '1');
      // The table's row for that worker: its address sent once for its slot, its numbers (and slot) from the sample's
      // typed columns (webview.postMessage sends a Float64Array's bytes and the page gets a Float64Array back; anything
      // else the page's check would refuse).
      const [worker] = await schedulerWorkerThreads(cluster.dashboardUrl!);
      const threads = await ui({ kind: 'webviewText', selector: `tbody tr[data-address="${worker!.address}"] td[data-col="threads"]`, match: `^${worker!.nthreads}$` }, 45_000);
      assert.equal(threads?.trim(), String(worker!.nthreads), 'the table shows the worker\'s threads');

      await vscode.commands.executeCommand('pangeo.dask.scaleCluster', { kind: 'cluster', providerId: 'local', cluster }, { mode: 'fixed', workers: 2 });
      assert.equal(await schedulerWorkers(cluster.dashboardUrl!), 2, 'the scheduler reports two workers');
      assert.equal((await workersCard(2))?.trim(), '2', 'the panel follows the scale');
      const state = await ui({ kind: 'webviewText', selector: '[data-testid="state"]' });
      assert.doesNotMatch(state ?? '', /stopped|unreachable/, `the panel's connection state reads "${state}"`);

      // And back to 1 with the panel's own Scale control: typed and clicked in the webview, carried out by the host.
      await ui({ kind: 'webviewInput', selector: '[data-testid="scale-count"]', fill: '1' });
      await ui({ kind: 'webviewInput', selector: '[data-testid="scale"]' });
      await ui({ kind: 'webviewText', selector: '[data-testid="request-status"]', match: '^Asked for 1 worker\\.$' }, 45_000);
      assert.equal(await schedulerWorkers(cluster.dashboardUrl!), 1, 'the scheduler reports one worker after the panel\'s Scale');
      assert.equal((await workersCard(1))?.trim(), '1', 'the panel shows the scale it asked for');
      await until('the tree to show 1 worker', () => dask.service.cluster('local', name)?.workers === 1, 15_000);

      // Toasts (e.g. "Cluster … is running") would cover the panel in the picture.
      await vscode.commands.executeCommand('notifications.clearAll');
      await ui({ kind: 'screenshot', name: 'dashboard' });
    } finally {
      const tab = dashboardTab(title);
      if (tab) await vscode.window.tabGroups.close(tab).then(undefined, () => undefined);
      await dask.local.stop(name).catch(() => undefined);
    }
  }, 120_000);
});
