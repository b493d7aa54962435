// The walkthrough's steps complete on the real action (a context key its feature sets), never on a link click or a
// view that happens to be open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { openWalkthroughOnFirstStart, WALKTHROUGH_KEYS, WALKTHROUGH_SETTLE_MS } from '../../../src/editor/walkthrough';
import { presetLinkUnderReview, registerPresetFileLinks } from '../../../src/presets/editor/presetFileLinks';
import { registerCost } from '../../../src/cost/editor/module';
import { HubService } from '../../../src/hubs/editor/hubService';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { trackHubWalkthroughSteps } from '../../../src/hubs/editor/walkthroughSteps';
import { insideHubFromEnv } from '../../../src/hubs/insideHub';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { createFakeVscode } from '../../support/fakeVscode';
import { SecretMap } from '../../support/memoryStores';
import { mockClock } from '../../support/mockClock';
import { registerDaskCommands } from '../../../src/dask/editor/daskEditorCommands';
import type { ClusterService } from '../../../src/dask/editor/clusterService';
import type { ProviderStore } from '../../../src/dask/editor/providerStore';

const contextSet = (f: ReturnType<typeof createFakeVscode>) => f.executed.filter((e) => e.id === 'setContext').map((e) => e.args[0]);

test('package.json: every walkthrough step completes on its own onContext key, nothing else', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { walkthroughs: Array<{ steps: Array<{ id: string; completionEvents?: string[] }> }> };
  };
  const steps = pkg.contributes.walkthroughs[0]!.steps;
  assert.deepEqual(steps.map((s) => s.id).sort(), Object.keys(WALKTHROUGH_KEYS).sort());
  for (const s of steps) {
    assert.deepEqual(s.completionEvents, [`onContext:${WALKTHROUGH_KEYS[s.id as keyof typeof WALKTHROUGH_KEYS]}`], `step ${s.id}`);
  }
});

test('cost step: opening the cost panel is not done; setting a budget is', async (t) => {
  const clock = mockClock(t);
  const f = createFakeVscode({ settings: { 'pangeo.cost.pollIntervalSeconds': 3600 } });
  const disposable = registerCost({ vs: f.vs, context: f.context as unknown as vscode.ExtensionContext, logger: silentLogger }, { billables: [] });
  t.after(() => { disposable.dispose(); });
  await f.vs.commands.executeCommand('pangeo.cost.showPanel');
  const panel = f.panels[0]!;
  panel.received.fire({ type: 'ready', view: 'cost' });
  await clock.settle();
  assert.deepEqual(contextSet(f), []);
  panel.received.fire({ type: 'cost/setBudget', requestId: 1, limitUsd: 5, period: 'day' });
  await clock.settle();
  assert.deepEqual(contextSet(f), ['pangeo.walkthrough.budgetSet']);
  assert.deepEqual(f.executed.find((e) => e.id === 'setContext')!.args, ['pangeo.walkthrough.budgetSet', true]);
});

test('hub steps: a hub added but not signed in completes nothing; signing in completes "connect", a ready server "kernel"', async (t) => {
  const f = createFakeVscode();
  const state = new MemoryStore();
  const secrets = new SecretMap();
  state.data.set('pangeo.hubs', [{ base: 'https://a.example.org/', label: 'a.example.org' }]);
  const sessions = new HubSessions(state, secrets);
  const service = new HubService(f.vs, sessions, silentLogger, () => undefined);
  const tracking = trackHubWalkthroughSteps(f.vs, service);
  t.after(() => { tracking.dispose(); service.dispose(); sessions.dispose(); });
  assert.deepEqual(contextSet(f), []);

  // What a sign-in leaves behind: the record names the user and the token is stored.
  secrets.map.set('pangeo.hub.token:https://a.example.org/', 'tok-aaaaaaaa');
  await state.update('pangeo.hubs', [{ base: 'https://a.example.org/', label: 'a.example.org', user: 'ana', method: 'token' }]);
  service.markServerState('https://a.example.org/', '', 'starting');
  assert.ok(service.isSignedIn('https://a.example.org/'));
  assert.deepEqual(contextSet(f), ['pangeo.walkthrough.placeKnown', 'pangeo.walkthrough.signedIn']);

  const snap = service.snapshot('https://a.example.org/')!;
  snap.record = sessions.hub('https://a.example.org/')!; // as the service's sync after a sign-in leaves it
  snap.servers = [{ name: '', state: 'ready', url: 'https://a.example.org/user/ana/', userOptions: {} } as never];
  service.markServerState('https://a.example.org/', '', 'ready');
  assert.deepEqual(contextSet(f), ['pangeo.walkthrough.placeKnown', 'pangeo.walkthrough.signedIn', 'pangeo.walkthrough.serverReady']);
});

test('inside a hub server: "Laptop, hub or remote", "Connect" and "Pick a remote kernel" are done at start, nothing typed', (t) => {
  const f = createFakeVscode();
  const inside = insideHubFromEnv({
    JUPYTERHUB_API_TOKEN: 'server-token-aaaa', JUPYTERHUB_USER: 'ana', JUPYTERHUB_API_URL: 'http://hub:8081/hub/api',
    JUPYTERHUB_SERVICE_URL: 'http://0.0.0.0:8888/user/ana/',
  });
  const sessions = new HubSessions(new MemoryStore(), new SecretMap(), { inside });
  const service = new HubService(f.vs, sessions, silentLogger, () => undefined);
  const tracking = trackHubWalkthroughSteps(f.vs, service);
  t.after(() => { tracking.dispose(); service.dispose(); sessions.dispose(); });
  assert.deepEqual(contextSet(f), ['pangeo.walkthrough.placeKnown', 'pangeo.walkthrough.signedIn', 'pangeo.walkthrough.serverReady']);
});

test('the walkthrough opens on the first start only, unless the editor\'s openOnInstall switch is off', async () => {
  const f = createFakeVscode();
  const context = { ...f.context, extension: { id: 'pangeo-compute.pangeo-compute' } } as unknown as vscode.ExtensionContext;
  await openWalkthroughOnFirstStart(f.vs, context, undefined, 0);
  await openWalkthroughOnFirstStart(f.vs, context, undefined, 0);
  assert.deepEqual(f.executed.filter((e) => e.id === 'workbench.action.openWalkthrough').map((e) => e.args), [['pangeo-compute.pangeo-compute#pangeo.gettingStarted', { toSide: false, inactive: false }]]);
  const walkthroughs = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { walkthroughs: Array<{ id: string }> } }).contributes.walkthroughs;
  assert.equal(walkthroughs[0]!.id, 'pangeo.gettingStarted');

  const off = createFakeVscode({ settings: { 'workbench.welcomePage.walkthroughs.openOnInstall': false } });
  await openWalkthroughOnFirstStart(off.vs, { ...off.context, extension: { id: 'x.y' } } as unknown as vscode.ExtensionContext, undefined, 0);
  assert.equal(off.executed.length, 0);
});

test('a first start from a preset link shows the review, not the walkthrough; the walkthrough opens at the next start', async () => {
  const f = createFakeVscode();
  const context = { ...f.context, extension: { id: 'pangeo-compute.pangeo-compute' } } as unknown as vscode.ExtensionContext;
  const opened = () => f.executed.filter((e) => e.id === 'workbench.action.openWalkthrough').length;
  // The link's placeholder tab is open as the extension starts.
  const placeholder = { input: new f.vs.TabInputText(f.vs.Uri.parse('pangeo-preset:/preset?data=x')) };
  (f.vs.window as { tabGroups?: unknown }).tabGroups = { all: [{ tabs: [placeholder] }] };
  await openWalkthroughOnFirstStart(f.vs, context, () => presetLinkUnderReview(f.vs), 0);
  assert.equal(opened(), 0, 'the review is not covered');
  (f.vs.window as { tabGroups?: unknown }).tabGroups = { all: [{ tabs: [] }] };
  await openWalkthroughOnFirstStart(f.vs, context, () => presetLinkUnderReview(f.vs), 0);
  assert.equal(opened(), 1, 'the next start shows it');
});

test('a preset link that arrives just after the start, its placeholder tab closed at once and its review page not yet a tab: the walkthrough stays shut', async (t) => {
  const clock = mockClock(t);
  const f = createFakeVscode();
  const context = { ...f.context, extension: { id: 'pangeo-compute.pangeo-compute' } } as unknown as vscode.ExtensionContext;
  const opened = () => f.executed.filter((e) => e.id === 'workbench.action.openWalkthrough').length;
  (f.vs.window as { tabGroups?: unknown }).tabGroups = { all: [{ tabs: [] }], close: async () => true, onDidChangeTabs: () => ({ dispose: () => undefined }) };
  const links = registerPresetFileLinks(f.vs, async () => undefined);
  t.after(() => { links.dispose(); });
  // The extension started (nothing open yet); code-server opens the link's file a moment later.
  const starting = openWalkthroughOnFirstStart(f.vs, context, () => presetLinkUnderReview(f.vs));
  await clock.advance(500);
  const provider = f.fileSystems.get('pangeo-preset')!;
  await provider.stat(f.vs.Uri.parse('pangeo-preset:/preset?data=x'));
  await clock.advance(WALKTHROUGH_SETTLE_MS);
  await starting;
  assert.equal(opened(), 0, 'the walkthrough would cover the review page');
  assert.equal(context.globalState.get('pangeo.walkthrough.shown'), undefined, 'the next start shows it');
});

test('the walkthrough opens behind what the window shows (the notebook that started the extension), in front in an empty window', async () => {
  for (const [activeTab, inactive] of [[{ label: 'analysis.ipynb' }, true], [undefined, false]] as const) {
    const f = createFakeVscode();
    const context = { ...f.context, extension: { id: 'pangeo-compute.pangeo-compute' } } as unknown as vscode.ExtensionContext;
    (f.vs.window as { tabGroups?: unknown }).tabGroups = { all: [{ tabs: activeTab ? [activeTab] : [] }], activeTabGroup: { activeTab } };
    await openWalkthroughOnFirstStart(f.vs, context, undefined, 0);
    assert.deepEqual(f.executed.filter((e) => e.id === 'workbench.action.openWalkthrough').map((e) => e.args[1]), [{ toSide: false, inactive }]);
  }
});

test('without a link the walkthrough opens once the start has settled', async (t) => {
  const clock = mockClock(t);
  const f = createFakeVscode();
  const context = { ...f.context, extension: { id: 'pangeo-compute.pangeo-compute' } } as unknown as vscode.ExtensionContext;
  const opened = () => f.executed.filter((e) => e.id === 'workbench.action.openWalkthrough').length;
  (f.vs.window as { tabGroups?: unknown }).tabGroups = { all: [{ tabs: [] }] };
  const starting = openWalkthroughOnFirstStart(f.vs, context, () => presetLinkUnderReview(f.vs));
  await clock.advance(WALKTHROUGH_SETTLE_MS - 100);
  assert.equal(opened(), 0, 'opened before the start settled');
  await clock.advance(100);
  await starting;
  assert.equal(opened(), 1);
});

test('Dask step: a scale that worked completes it; a failed one does not', async () => {
  const f = createFakeVscode();
  let fail = true;
  const provider = {
    kind: 'local', id: 'local', label: 'This machine', capabilities: { scaleUp: true, scaleDown: true },
    scale: async () => { if (fail) throw new Error('the scheduler is gone'); },
  };
  const cluster = { id: 'c1', name: 'c1', status: 'running', workers: 2, threads: 2, memory: 0, provider: 'local' };
  const commands = registerDaskCommands({
    vs: f.vs, logger: silentLogger, hubSignInAvailable: false, runInKernel: undefined as never, rememberCreated: async () => undefined,
    service: { refresh: async () => undefined, snapshots: () => [] } as unknown as ClusterService,
    store: { provider: () => provider, providers: () => [provider] } as unknown as ProviderStore,
  });
  try {
    const node = { kind: 'cluster', providerId: 'local', cluster };
    await f.vs.commands.executeCommand('pangeo.dask.scaleCluster', node, { mode: 'fixed', workers: 1 });
    assert.deepEqual(contextSet(f), [], 'a failed scale is not done');
    fail = false;
    await f.vs.commands.executeCommand('pangeo.dask.scaleCluster', node, { mode: 'fixed', workers: 1 });
    assert.deepEqual(contextSet(f), ['pangeo.walkthrough.clusterScaled']);
  } finally {
    for (const c of commands) c.dispose();
  }
});
