import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { registerDashboards } from '../../../src/dashboard/module';
import { registerCost } from '../../../src/cost/editor/module';
import { silentLogger } from '../../../src/core/log';
import type { ModuleDeps } from '../../../src/editor/module';
import { isHostMessage } from '../../../webviews/shared/protocol';
import { fakeVscode, FakePanel } from './fakeVscode';
import { fakeSchedulerFetch, syntheticPayloads } from '../metrics/syntheticScheduler';

const settle = () => new Promise((r) => setTimeout(r, 30));

test('dashboard module: opens a CSP-locked panel limited to dist/webviews, sends init after ready, polls only while visible', async (t) => {
  const f = fakeVscode({ 'pangeo.dashboard.pollIntervalSeconds': 3600 });
  const realFetch = globalThis.fetch;
  globalThis.fetch = fakeSchedulerFetch({ requests: [], payloads: () => syntheticPayloads({ workers: 2 }) });
  t.after(() => { globalThis.fetch = realFetch; });
  const scaled: number[] = [];
  const deps = { vs: f.vs as unknown as typeof vscode, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger } as ModuleDeps;
  const disposable = registerDashboards(deps, {
    resolve: async (arg) => (arg === 'local:one' ? {
      id: 'local:one', name: 'one', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/', headers: {} }),
      scale: async (n: number) => void scaled.push(n),
    } : undefined),
  });
  t.after(() => disposable.dispose());
  await f.vs.commands.executeCommand('pangeo.dashboard.open', 'local:one');
  const panel = f.panels[0]!;
  assert.equal(panel.viewType, 'pangeo.dashboard');
  assert.deepEqual(panel.webview.options.localResourceRoots!.map(String), ['/ext/dist/webviews']);
  assert.equal(panel.webview.options.enableScripts, true);
  assert.match(panel.webview.html, /default-src 'none'; script-src 'nonce-[^']+'; style-src https:\/\/webview\.test 'nonce-/);
  assert.match(panel.webview.html, /src="https:\/\/webview\.test\/ext\/dist\/webviews\/dashboard\.js"/);
  assert.equal(panel.posted.length, 0, 'nothing before ready');
  panel.received.fire({ type: 'ready', view: 'dashboard' });
  await settle();
  assert.equal((panel.posted[0] as { type: string }).type, 'dashboard/init');
  assert.ok(panel.posted.some((m) => (m as { type: string }).type === 'dashboard/sample'), 'first poll right after ready');
  assert.ok(panel.posted.every(isHostMessage));
  panel.received.fire({ type: 'dashboard/scale', requestId: 1, workers: 4 });
  await settle();
  assert.deepEqual(scaled, [4]);
  // Hidden: no more polling; shown again: polls at once.
  panel.setVisible(false);
  const n = panel.posted.length;
  panel.setVisible(true);
  await settle();
  assert.equal(panel.posted.length, n, 'the re-created page has not said ready yet');
  panel.received.fire({ type: 'ready', view: 'dashboard' });
  await settle();
  assert.ok(panel.posted.length > n);
  // The same cluster reuses its panel; a tree-style argument opens a header-carrying target.
  await f.vs.commands.executeCommand('pangeo.dashboard.open', 'local:one');
  assert.equal(f.panels.length, 1);
  await f.vs.commands.executeCommand('pangeo.dashboard.open', { dashboardUrl: 'http://other.test:8787/', headers: { Authorization: 'token xyzxyzxyz' }, title: 'other' });
  assert.equal(f.panels.length, 2);
  assert.equal(f.panels[1]!.title, 'Dask: other');
  // Restore after reload: the serializer re-resolves the saved id, or closes the panel when the cluster is gone.
  const duplicate = new FakePanel('pangeo.dashboard');
  await f.serializers.get('pangeo.dashboard')!.deserializeWebviewPanel(duplicate, { clusterId: 'local:one' });
  assert.equal(duplicate.disposed, true, 'already open: the restored duplicate closes');
  panel.dispose();
  const restored = new FakePanel('pangeo.dashboard');
  await f.serializers.get('pangeo.dashboard')!.deserializeWebviewPanel(restored, { clusterId: 'local:one' });
  assert.match(restored.webview.html, /dashboard\.js/);
  assert.equal(restored.disposed, false);
  const gone = new FakePanel('pangeo.dashboard');
  await f.serializers.get('pangeo.dashboard')!.deserializeWebviewPanel(gone, { clusterId: 'gateway:deleted' });
  assert.equal(gone.disposed, true);
  restored.received.fire({ type: 'ready', view: 'dashboard' });
  await settle();
  restored.received.fire({ type: 'dashboard/openBrowser' });
  await settle();
  assert.deepEqual(f.opened, ['http://sched.test:8787/']);
});

test('cost module: the status bar shows $/h and today after a tick; the panel gets snapshots; budget can be set', async (t) => {
  const f = fakeVscode({ 'pangeo.cost.pollIntervalSeconds': 3600 });
  const deps = { vs: f.vs as unknown as typeof vscode, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger } as ModuleDeps;
  const disposable = registerCost(deps, { billables: [{ list: async () => [
    { resource: { kind: 'server', id: 'hub:me', label: 'my server', cloud: 'aws', region: 'us-east-1', instanceType: 'm5.2xlarge' } },
  ] }] });
  t.after(() => disposable.dispose());
  await settle();
  const item = f.statusItems[0]!;
  assert.equal(item.visible, true);
  assert.equal(item.text, '$(pulse) $0.384/h · $0.000 today');
  assert.equal(item.command, 'pangeo.cost.showPanel');
  assert.match((item.tooltip as { value: string }).value, /my server \| \$0\.384/);
  await f.vs.commands.executeCommand('pangeo.cost.showPanel');
  const panel = f.panels[0]!;
  assert.equal(panel.viewType, 'pangeo.cost');
  panel.received.fire({ type: 'ready', view: 'cost' });
  await settle();
  assert.equal((panel.posted[0] as { type: string }).type, 'cost/snapshot');
  assert.ok(isHostMessage(panel.posted[0]));
  panel.received.fire({ type: 'cost/setBudget', requestId: 9, limitUsd: 25, period: 'day' });
  await settle();
  assert.equal(f.settings['pangeo.cost.budget.limitUsd'], 25);
  assert.equal(f.settings['pangeo.cost.budget.period'], 'day');
  assert.deepEqual(panel.posted.at(-1), { type: 'result', requestId: 9, ok: true, message: 'Budget set to $25 per day.' });
  panel.received.fire({ type: 'cost/setBudget', requestId: 10, limitUsd: -1, period: 'day' });
  await settle();
  assert.equal(f.settings['pangeo.cost.budget.limitUsd'], 25, 'a malformed request changes nothing');
});
