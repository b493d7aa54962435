import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeResourceId } from '../../../src/shared/resourceIds';
import type * as vscode from 'vscode';
import { registerDashboards } from '../../../src/dashboard/editor/module';
import { registerCost } from '../../../src/cost/editor/module';
import { silentLogger } from '../../../src/core/log';
import { isHostMessage } from '../../../src/shared/protocol/panels';
import { createFakeVscode, FakePanel } from '../../support/fakeVscode';
import { fakeSchedulerFetch, syntheticPayloads } from '../metrics/syntheticScheduler';
import { mockClock } from '../../support/mockClock';

test('dashboard module: opens a CSP-locked panel limited to dist/webviews, sends init after ready, polls only while visible', async (t) => {
  // Mocked timers: `settle` runs what is due now (a first poll) and the work it starts, however busy the machine is.
  const clock = mockClock(t);
  const settle = () => clock.settle();
  const f = createFakeVscode({ settings: { 'pangeo.dashboard.pollIntervalSeconds': 3600 } });
  const realFetch = globalThis.fetch;
  globalThis.fetch = fakeSchedulerFetch({ requests: [], payloads: () => syntheticPayloads({ workers: 2 }) });
  t.after(() => { globalThis.fetch = realFetch; });
  const scaled: number[] = [];
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const disposable = registerDashboards(deps, {
    resolve: async (arg) => (arg === 'local:one' ? {
      id: 'local:one', name: 'one', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/', headers: {} }),
      scale: async (n: number) => void scaled.push(n),
    } : undefined),
  });
  t.after(() => { disposable.dispose(); });
  await f.vs.commands.executeCommand('pangeo.dashboard.open', 'local:one');
  const panel = f.panels[0]!;
  assert.equal(panel.viewType, 'pangeo.dashboard');
  assert.deepEqual(panel.webview.options.localResourceRoots!.map((u) => u.path), ['/ext/dist/webviews']);
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
  const postedBeforeClose = panel.posted.length;
  panel.received.fire({ type: 'ready', view: 'dashboard' });
  await settle();
  assert.equal(panel.posted.length, postedBeforeClose, 'a closed panel\'s listeners and session are gone');
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
  assert.deepEqual(f.openedExternally, ['http://sched.test:8787/']);
  // Deactivation ends the open panels' sessions: nothing answers their pages any more.
  disposable.dispose();
  const postedBeforeDeactivate = restored.posted.length;
  restored.received.fire({ type: 'ready', view: 'dashboard' });
  await settle();
  assert.equal(restored.posted.length, postedBeforeDeactivate);
});

test('dashboard module: restores panels saved by this version and by earlier ones ("url:<address>", "dask:…")', async (t) => {
  const f = createFakeVscode({ settings: { 'pangeo.dashboard.pollIntervalSeconds': 3600 } });
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const asked: unknown[] = [];
  const disposable = registerDashboards(deps, { resolve: async (arg) => void asked.push(arg) });
  t.after(() => { disposable.dispose(); });
  const restore = async (clusterId: string) => {
    const panel = new FakePanel('pangeo.dashboard');
    await f.serializers.get('pangeo.dashboard')!.deserializeWebviewPanel(panel, { clusterId });
    return panel;
  };
  const legacy = await restore('url:http://sched.test:8787/status');
  assert.equal(legacy.disposed, false, 'a bare address saved by an earlier version opens again');
  assert.match(legacy.webview.html, /dashboard\.js/);
  const current = await restore(encodeResourceId({ kind: 'dashboard', url: 'http://sched.test:8787/status' }));
  assert.equal(current.disposed, true, 'the same address in today\'s id: already open, so the duplicate closes');
  assert.deepEqual(asked, [], 'a bare address needs no provider');
  assert.equal((await restore('url:not an address')).disposed, true);
  assert.equal((await restore('dask:local:one')).disposed, true, 'the Dask area did not know it');
  assert.deepEqual(asked, ['url:not an address', 'dask:local:one'], 'cluster ids, old or new, go to the Dask area');
});

test('cost module: the status bar shows $/h and today after a tick; the panel gets snapshots; budget can be set', async (t) => {
  const clock = mockClock(t);
  const settle = () => clock.settle();
  const f = createFakeVscode({ settings: { 'pangeo.cost.pollIntervalSeconds': 3600 } });
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const disposable = registerCost(deps, { billables: [{ list: async () => [
    { resource: { kind: 'server', id: 'hub:me', label: 'my server', cloud: 'aws', region: 'us-east-1', instanceType: 'm5.2xlarge' } },
  ] }] });
  t.after(() => { disposable.dispose(); });
  await settle();
  const item = f.statusItems[0]!;
  assert.equal(item.visible, true);
  assert.equal(item.text, '$(pulse) $0.384/h · $0.000 today');
  assert.equal(item.command, 'pangeo.cost.showPanel');
  assert.match((item.tooltip as { value: string }).value.replace(/\\(.)/g, '$1'), /my server \| \$0\.384/);
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
  assert.deepEqual(panel.posted.find((m) => (m as { type: string }).type === 'result'), { type: 'result', requestId: 9, ok: true, message: 'Budget set to $25 per day.' });
  // The panel shows the new budget right away (a tick follows the change), not after the next poll.
  const last = panel.posted.filter((m) => (m as { type: string }).type === 'cost/snapshot').at(-1) as { snapshot: { budget?: { limitUsd: number } } };
  assert.equal(last.snapshot.budget?.limitUsd, 25);
  panel.received.fire({ type: 'cost/setBudget', requestId: 10, limitUsd: -1, period: 'day' });
  await settle();
  assert.equal(f.settings['pangeo.cost.budget.limitUsd'], 25, 'a malformed request changes nothing');
});

test('cost module: the cost panel writes the budget to user settings, or to the workspace when a preset set it there', async (t) => {
  const clock = mockClock(t);
  const f = createFakeVscode({ folders: true, settings: { 'pangeo.cost.pollIntervalSeconds': 3600 } });
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const disposable = registerCost(deps, { billables: [] });
  t.after(() => { disposable.dispose(); });
  await f.vs.commands.executeCommand('pangeo.cost.showPanel');
  const panel = f.panels[0]!;
  panel.received.fire({ type: 'ready', view: 'cost' });
  await clock.settle();
  panel.received.fire({ type: 'cost/setBudget', requestId: 1, limitUsd: 30, period: 'month' });
  await clock.settle();
  const Global = f.vs.ConfigurationTarget.Global;
  assert.deepEqual(f.updates.map((u) => [u.key, u.target]), [['pangeo.cost.budget.limitUsd', Global], ['pangeo.cost.budget.period', Global]], 'a folder is open, yet the budget is the user\'s');
  assert.equal(f.settings['pangeo.cost.budget.limitUsd'], 30);

  f.updates.length = 0;
  f.settings['workspace:pangeo.cost.budget.limitUsd'] = 10; // what a preset's budget step wrote
  panel.received.fire({ type: 'cost/setBudget', requestId: 2, limitUsd: 40, period: 'month' });
  await clock.settle();
  assert.deepEqual(f.updates.map((u) => [u.key, u.target]), [['pangeo.cost.budget.limitUsd', f.vs.ConfigurationTarget.Workspace], ['pangeo.cost.budget.period', Global]]);
  assert.equal(f.settings['workspace:pangeo.cost.budget.limitUsd'], 40, 'the preset\'s value is replaced, not hidden behind it');
});

test('cost module: a new poll interval and budget take effect at once, not after the old interval', async (t) => {
  // Every timer mocked from the start, so none outlives the test (a real 1-hour timer would keep Node running).
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const flush = async () => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };
  const f = createFakeVscode({ settings: { 'pangeo.cost.pollIntervalSeconds': 3600 } });
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  let lists = 0;
  const disposable = registerCost(deps, { billables: [{ list: async () => {
    lists++;
    return [{ resource: { kind: 'server', id: 'hub:me', label: 'my server', cloud: 'aws', region: 'us-east-1', instanceType: 'm5.2xlarge' } }];
  } }] });
  t.after(() => { disposable.dispose(); });
  t.mock.timers.tick(0);
  await flush();
  assert.equal(lists, 1);
  const item = f.statusItems[0]!;
  assert.doesNotMatch((item.tooltip as { value: string }).value.replace(/\\(.)/g, '$1'), /Budget/);
  t.mock.timers.tick(60_000);
  await flush();
  assert.equal(lists, 1, 'nothing before the hour is up');

  f.settings['pangeo.cost.pollIntervalSeconds'] = 10;
  f.settings['pangeo.cost.budget.limitUsd'] = 5;
  f.fireConfigChange('pangeo.cost.pollIntervalSeconds', 'pangeo.cost.budget.limitUsd');
  await flush();
  t.mock.timers.tick(0);
  await flush();
  assert.equal(lists, 2, 'a tick right after the change');
  assert.match((item.tooltip as { value: string }).value.replace(/\\(.)/g, '$1'), /Budget: \$0\.000 of \$5\.00 this month/, 'the budget shows at once');
  t.mock.timers.tick(10_000);
  await flush();
  assert.equal(lists, 3, 'then every 10 s');
  t.mock.timers.tick(10_000);
  await flush();
  assert.equal(lists, 4);
});

test('cost module: at 100 % "scale to zero" reports per cluster; one that cannot be scaled gets a warning with Detach', async (t) => {
  const clock = mockClock(t, { date: true }); // the second tick accrues the minute the clock is moved on, not real time
  const settle = () => clock.settle();
  const f = createFakeVscode({ settings: { 'pangeo.cost.pollIntervalSeconds': 3600, 'pangeo.cost.budget.limitUsd': 1e-12, 'pangeo.cost.budget.actionAt100': 'scaleClustersToZero', 'pangeo.cost.budget.askBeforeAction': false } });
  const deps = { vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger };
  const scaled: string[] = [];
  const ref = (clusterId: string) => ({ kind: 'cluster' as const, providerId: 'scheduler', clusterId });
  const disposable = registerCost(deps, {
    billables: [{ list: async () => [
      { resource: { kind: 'cluster', id: 'a', ref: ref('http://10.0.0.1:8787/'), label: 'read-only', cloud: 'aws', workers: 2, threads: 2, memoryLimitBytes: 2 ** 31 } },
      { resource: { kind: 'cluster', id: 'b', ref: ref('http://10.0.0.2:8787/'), label: 'scalable', cloud: 'aws', workers: 2, threads: 2, memoryLimitBytes: 2 ** 31 } },
    ] }],
    scaleClusterToZero: async (r) => {
      scaled.push(r.clusterId);
      return r.clusterId.includes('10.0.0.1')
        ? { status: 'cannot', message: 'is a read-only scheduler, so it cannot be scaled from here', remedies: ['detach'] }
        : { status: 'done', message: 'scaled to 0 workers' };
    },
    remedy: async () => undefined,
  });
  t.after(() => { disposable.dispose(); });
  // Two ticks: the second accrues past the tiny budget (80 % and 100 % at once: only 100 % is acted on).
  await settle();
  await clock.advance(60_000);
  f.fireConfigChange('pangeo.cost.budget.limitUsd');
  for (let i = 0; i < 50 && !f.messages.some((m) => /budget action/.test(m)); i++) await settle();
  assert.deepEqual(scaled.sort(), ['http://10.0.0.1:8787/', 'http://10.0.0.2:8787/']);
  assert.ok(f.messages.includes('Pangeo budget action: scalable: scaled to 0 workers.'), f.messages.join('\n'));
  assert.ok(f.messages.some((m) => /^Pangeo budget action: read-only is a read-only scheduler, so it cannot be scaled from here\. It may still cost money\. Detaching only stops watching it/.test(m)), f.messages.join('\n'));
  assert.ok(!f.messages.some((m) => /80 % reached/.test(m)), 'no 80 % toast next to the 100 % action');
});
