// The Dask feature in the editor: providers (globalState + SecretStorage), the Dask Clusters tree polled only while
// visible, and its commands. Local clusters are recorded in globalState so they survive a reload and can be stopped.
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { DisposableStore, type ModuleDeps } from '../../editor/module';
import { affectsSettings, readSetting } from '../../editor/settings';
import { ClusterService } from './clusterService';
import { registerDaskCommands } from './daskEditorCommands';
import { DaskTreeProvider } from './daskTree';
import { jupyterExtensionRunner, type RunInKernel } from './notebookClusters';
import { ProviderStore } from './providerStore';
import { GatewayOffers, type SignedInHubs } from './gatewayOffers';
import { registerGatewayOfferCommands } from './gatewayOfferCommands';
import { existsSync } from 'node:fs';
import { daskBesidePython } from '../local/daskExecutable';

export interface DaskModuleDeps extends ModuleDeps {
  /** The hub sign-in's token for a Gateway served by that hub (optional until the hubs module passes it). */
  hubTokenFor?: (gatewayUrl: string, hubUrl?: string) => Promise<string | undefined>;
  /** Runs code in a notebook's kernel and returns its stdout; default: the Jupyter extension's kernels API. */
  runInKernel?: RunInKernel;
  /** Extra environment for local clusters (e.g. short-lived AWS credentials from a preset's role). */
  localClusterEnv?: () => Record<string, string> | undefined;
  /** The signed-in hubs, whose Dask Gateway service (if any) the view offers. */
  signedInHubs?: SignedInHubs;
  /** Environment for new Gateway clusters' workers (the AWS credentials the user agreed to share with that hub). */
  gatewayWorkerEnv?: (gatewayUrl: string, hubUrl?: string) => Promise<Record<string, string> | undefined>;
}

export interface DaskModule extends vscode.Disposable {
  service: ClusterService;
  store: ProviderStore;
  /** Shows each cluster's estimated $/h in the tree (from the cost meter). */
  showCosts(resources: Array<{ id: string; kind: string; usdPerHour: number }>): void;
}

const CREATED_KEY = 'pangeo.dask.createdClusters';

export function registerDask(deps: DaskModuleDeps): DaskModule {
  const { vs, context, logger } = deps;
  const disposables = new DisposableStore();
  const store = new ProviderStore({
    state: context.globalState,
    secrets: context.secrets,
    logger,
    clustersDir: join(context.globalStorageUri.fsPath, 'local-clusters'),
    daskCommand: () => readSetting(vs, 'pangeo.dask.daskPath') || activePythonDask(vs),
    hubTokenFor: deps.hubTokenFor,
    extraEnv: deps.localClusterEnv,
    gatewayWorkerEnv: deps.gatewayWorkerEnv,
    settingsSchedulerAddresses: () => (readSetting(vs, 'pangeo.dask.schedulerAddresses') ?? []).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u)),
  });
  disposables.add(store);
  // Local clusters outlive a reload; their adaptive following is picked up again here.
  store.local.resumeAdaptive();
  const service = disposables.add(new ClusterService({
    providers: () => store.providers(),
    logger,
    pollMs: () => Math.max(1, readSetting(vs, 'pangeo.dask.pollSeconds')) * 1000,
    maxPollMs: 60_000,
  }));
  // Gateways offered without an address typed: Dask's configuration, and each signed-in hub's service.
  const offers = disposables.add(new GatewayOffers({
    env: () => process.env, hubs: deps.signedInHubs, logger,
    hubToken: deps.hubTokenFor ? (hubUrl) => deps.hubTokenFor!(hubUrl, hubUrl) : undefined,
    known: () => store.providers().map((p) => p.id),
  }));
  const tree = disposables.add(new DaskTreeProvider(vs, service, offers));
  disposables.add(service.onDidChange(() => tree.refresh()));
  disposables.add(offers.onDidChange(() => tree.refresh()));
  const view = disposables.add(vs.window.createTreeView('pangeo.dask', { treeDataProvider: tree, showCollapseAll: true }));
  // No polling while hidden: a closed sidebar costs the gateways nothing.
  disposables.add(view.onDidChangeVisibility((e) => {
    service.setVisible(e.visible);
    if (e.visible) void offers.update(true);
  }));
  service.setVisible(view.visible);
  if (view.visible) void offers.update(true);
  for (const d of registerGatewayOfferCommands({ vs, logger, store, service, offers })) disposables.add(d);
  for (const d of registerDaskCommands({
    vs, service, store, logger,
    runInKernel: deps.runInKernel ?? jupyterExtensionRunner(vs),
    hubSignInAvailable: !!deps.hubTokenFor,
    // Refresh also asks the hubs and Dask's configuration again.
    onRefreshAll: () => offers.update(true),
    rememberCreated: async (providerId, clusterId) => {
      const created = context.globalState.get<Record<string, string[]>>(CREATED_KEY) ?? {};
      created[providerId] = [...new Set([...(created[providerId] ?? []), clusterId])].slice(-50);
      await context.globalState.update(CREATED_KEY, created);
    },
  })) disposables.add(d);
  disposables.add(vs.workspace.onDidChangeConfiguration((e) => {
    if (affectsSettings(e, 'pangeo.dask')) void service.refresh();
  }));
  const showCosts = (resources: Array<{ id: string; kind: string; usdPerHour: number }>) =>
    tree.setRates(new Map(resources.filter((r) => r.kind === 'cluster').map((r) => [r.id, r.usdPerHour])));
  return Object.assign(disposables, { service, store, showCosts });
}

/** The `dask` of the Python environment selected in the Python extension, if that extension is already active. */
function activePythonDask(vs: typeof vscode): string | undefined {
  try {
    const ext = vs.extensions.getExtension<{ environments?: { getActiveEnvironmentPath(): { path: string } } }>('ms-python.python');
    // Never activate it just for this: only read what it already knows.
    const path = ext?.isActive ? ext.exports.environments?.getActiveEnvironmentPath().path : undefined;
    const dask = path ? daskBesidePython(path) : undefined;
    return dask && existsSync(dask) ? dask : undefined;
  } catch {
    return undefined;
  }
}
