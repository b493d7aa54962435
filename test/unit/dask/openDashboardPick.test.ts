// "Open Cluster Dashboard" from the command palette offers the clusters the Dask view lists, plus "Enter a URL…",
// instead of asking for a URL straight away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { registerDashboards } from '../../../src/dashboard/editor/module';
import { daskDashboardSources } from '../../../src/dashboard/editor/daskDashboardSources';
import type { ClusterService } from '../../../src/dask/editor/clusterService';
import type { ProviderStore } from '../../../src/dask/editor/providerStore';
import { silentLogger } from '../../../src/core/log';
import { createFakeVscode } from '../../support/fakeVscode';

const provider = { id: 'local', label: 'This machine', kind: 'local', capabilities: {}, connectionInfo: async () => ({ dashboardUrl: 'http://127.0.0.1:8787/' }) };
const cluster = (id: string, status: string, workers: number) => ({ id, name: id, status, workers, threads: workers, memory: 0, provider: 'local' });
const service = {
  snapshots: () => [{ provider, loading: false, clusters: [cluster('busy', 'running', 2), cluster('old', 'stopped', 0), cluster('$(alert)x', 'pending', 1)] }],
  cluster: (_p: string, id: string) => cluster(id, 'running', 2),
} as unknown as ClusterService;
const store = { providers: () => [provider], provider: (id: string) => (id === 'local' ? provider : undefined) } as unknown as ProviderStore;

function setup() {
  const f = createFakeVscode();
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const picks: Array<{ labels: string[] }> = [];
  const showQuickPick = f.vs.window.showQuickPick;
  (f.vs.window as { showQuickPick: unknown }).showQuickPick = async (items: Array<{ label: string }>, o: unknown) => {
    picks.push({ labels: items.map((i) => i.label) });
    return (showQuickPick as (i: unknown, o: unknown) => Promise<unknown>)(items, o);
  };
  const disposable = registerDashboards(deps, daskDashboardSources(service, store));
  return { f, picks, disposable };
}

test('Open Cluster Dashboard without a cluster: a quick pick of the Dask view\'s running clusters opens the picked one', async (t) => {
  const { f, picks, disposable } = setup();
  t.after(() => { disposable.dispose(); });
  f.answers.quickPick.push('$(pulse) busy');
  await f.vs.commands.executeCommand('pangeo.dashboard.open');
  assert.deepEqual(picks[0]!.labels, ['$(pulse) busy', '$(pulse) $\u200b(alert)x', '$(link) Enter a URL…'], 'stopped clusters are left out; names cannot render icons');
  assert.equal(f.panels.length, 1);
  assert.equal(f.panels[0]!.title, 'Dask: busy');
});

test('Open Cluster Dashboard: "Enter a URL…" asks for the address; dismissing the pick opens nothing', async (t) => {
  const { f, disposable } = setup();
  t.after(() => { disposable.dispose(); });
  f.answers.quickPick.push('$(link) Enter a URL');
  f.answers.input.push('http://127.0.0.1:9999/');
  await f.vs.commands.executeCommand('pangeo.dashboard.open');
  assert.equal(f.panels[0]!.title, 'Dask: 127.0.0.1:9999');

  await f.vs.commands.executeCommand('pangeo.dashboard.open'); // no answer: dismissed
  assert.equal(f.panels.length, 1);
  assert.equal(f.answers.input.length, 0);
});
