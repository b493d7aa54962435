// The Dask view's commands: add/remove providers, create, scale (fixed or adaptive), stop, dashboard, client code,
// notebook discovery and adoption. Each command takes the tree node it was invoked on, or asks.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { registerCommand } from '../../editor/command';
import { completeWalkthroughStep } from '../../editor/walkthrough';
import { readSetting } from '../../editor/settings';
import { capabilitiesOf, type ClusterProvider, type ClusterSummary } from '../clusterProvider';
import { askNewProvider, editorPrompts } from './addProviderFlow';
import { askScale, confirmLargeCluster, confirmStop, pickClusterOptions, type ScaleChoice } from './clusterFlows';
import { validateOptions, type ClusterOptionValues } from '../clusterOptions';
import type { ClusterService } from './clusterService';
import type { DaskTreeNode } from './daskTree';
import { discoverInNotebook, type RunInKernel } from './notebookClusters';
import type { ProviderStore } from './providerStore';
import { adoptionOf, descriptorFor, isRemovable, providerIdOf } from '../providerTable';
import type { DashboardOpenArg } from './dashboardOpenArg';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';

export interface DaskCommandDeps {
  vs: typeof vscode;
  service: ClusterService;
  store: ProviderStore;
  logger: Logger;
  runInKernel: RunInKernel;
  hubSignInAvailable: boolean;
  /** Also run by Refresh of the whole view (looks for offered gateways again). */
  onRefreshAll?(): Promise<void>;
  /** Clusters created from the editor, remembered across reloads. */
  rememberCreated(providerId: string, clusterId: string): Promise<void>;
}

type ClusterNode = Extract<DaskTreeNode, { kind: 'cluster' }>;
type ProviderNode = Extract<DaskTreeNode, { kind: 'provider' }>;
type DiscoveredNode = Extract<DaskTreeNode, { kind: 'discovered' }>;

export function registerDaskCommands(d: DaskCommandDeps): vscode.Disposable[] {
  const { vs, service, store } = d;
  const threshold = () => readSetting(vs, 'pangeo.dask.confirmWorkersAbove');

  async function pickProvider(filter: (p: ClusterProvider) => boolean, title: string): Promise<ClusterProvider | undefined> {
    const candidates = store.providers().filter(filter);
    if (candidates.length <= 1) return candidates[0];
    const pick = await vs.window.showQuickPick(candidates.map((p) => ({ label: iconLabel(p.label), description: p.kind, p })), { title });
    return pick?.p;
  }

  async function pickCluster(node: ClusterNode | undefined, title: string, filter: (c: ClusterSummary) => boolean = () => true): Promise<{ provider: ClusterProvider; cluster: ClusterSummary } | undefined> {
    if (node?.kind === 'cluster') {
      const provider = store.provider(node.providerId);
      return provider ? { provider, cluster: node.cluster } : undefined;
    }
    const all = service.snapshots().flatMap((s) => (s.clusters ?? []).filter(filter).map((cluster) => ({ provider: s.provider, cluster })));
    if (!all.length) {
      void vs.window.showInformationMessage('No Dask clusters to choose from.');
      return undefined;
    }
    const pick = await vs.window.showQuickPick(all.map((x) => ({ label: iconLabel(x.cluster.name), description: iconLabel(`${x.provider.label} · ${x.cluster.status}`), x })), { title });
    return pick?.x;
  }

  const withProgress = <T>(title: string, task: () => Promise<T>) =>
    vs.window.withProgress({ location: { viewId: 'pangeo.dask' }, title: notificationText(title).text }, () =>
      vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(title).text }, task));

  return [
    registerCommand(d, 'pangeo.dask.refresh', 'Refresh Dask clusters', async (node?: ProviderNode) => {
      await Promise.all([service.refresh(node?.kind === 'provider' ? node.providerId : undefined), node?.kind === 'provider' ? undefined : d.onRefreshAll?.()]);
    }),

    registerCommand(d, 'pangeo.dask.addProvider', 'Add Dask provider', async () => {
      const added = await askNewProvider(editorPrompts(vs), { hubSignInAvailable: d.hubSignInAvailable });
      if (!added) return;
      if (added.config.kind === 'scheduler' && store.hasSchedulerAddress(added.config.url)) {
        void vs.window.showInformationMessage(notificationText(`The scheduler at ${added.config.url} is already in the list.`).text);
        return;
      }
      await store.add(added.config, added.secret);
      await service.refresh(providerIdOf(added.config));
    }),

    registerCommand(d, 'pangeo.dask.removeProvider', 'Remove Dask provider', async (node?: ProviderNode) => {
      const provider = node?.kind === 'provider' ? store.provider(node.providerId) : await pickProvider(isRemovable, 'Remove which provider?');
      if (!provider || !isRemovable(provider)) return;
      const remove = 'Remove';
      const pick = await vs.window.showWarningMessage(notificationText(`Remove ${provider.label} from the list? Its clusters keep running.`).text, { modal: true }, remove);
      if (pick !== remove) return;
      await store.remove(provider.id);
      await service.refresh();
    }),

    // `preset` (options given by a caller: a preset, a test, a keybinding) skips the options dialog.
    registerCommand(d, 'pangeo.dask.detachScheduler', 'Detach scheduler', async (node?: ClusterNode) => {
      if (node?.kind !== 'cluster' || descriptorFor(node.cluster.provider).instances !== 'shared') return;
      await store.detach(node.cluster.provider, node.cluster.id);
      service.forget(node.providerId, node.cluster.id);
      await service.refresh();
    }),

    registerCommand(d, 'pangeo.dask.createCluster', 'Create Dask cluster', async (node?: ProviderNode, preset?: ClusterOptionValues) => {
      const provider = node?.kind === 'provider' ? store.provider(node.providerId) : await pickProvider((p) => p.capabilities.create, 'Create a cluster with');
      if (!provider) return;
      const fields = await provider.optionsSchema();
      const options = preset ? validateOptions(fields, preset) : await pickClusterOptions(vs, `New cluster — ${provider.label}`, fields);
      if (!options) return;
      const workers = Number(options.workers ?? fields.find((f) => f.field === 'workers')?.default ?? 0);
      if (!(await confirmLargeCluster(vs, provider.label, workers, threshold()))) return;
      const created = await withProgress(`Creating a Dask cluster (${provider.label})…`, () => provider.create(options));
      await d.rememberCreated(provider.id, created.id);
      await service.refresh(provider.id);
      void vs.window.showInformationMessage(notificationText(`Cluster ${created.name} is ${created.status}.`).text, 'Copy Client Code').then((a) => {
        if (a) void vs.commands.executeCommand('pangeo.dask.copyClientCode', { kind: 'cluster', providerId: provider.id, cluster: created });
      });
    }),

    // `given` (a caller's fixed size or bounds) skips the scale dialog.
    registerCommand(d, 'pangeo.dask.scaleCluster', 'Scale Dask cluster', async (node?: ClusterNode, given?: ScaleChoice) => {
      const target = await pickCluster(node, 'Scale which cluster?', (c) => c.status === 'running');
      if (!target) return;
      const caps = capabilitiesOf(target.provider, target.cluster);
      const choice = given ?? await askScale(vs, target.cluster, caps);
      if (!choice) return;
      const most = choice.mode === 'fixed' ? choice.workers : choice.maximum;
      if (most > target.cluster.workers && !(await confirmLargeCluster(vs, target.cluster.name, most, threshold()))) return;
      // The provider's warnings (a gateway's limit, a cluster still starting) show at once, while the progress runs on.
      const notify = (m: string) => void vs.window.showWarningMessage(notificationText(`${target.cluster.name}: ${m}`).text);
      if (choice.mode === 'fixed') {
        await withProgress(`Scaling ${target.cluster.name} to ${choice.workers} workers…`, () => target.provider.scale(target.cluster.id, choice.workers, undefined, notify));
      } else {
        await withProgress(`Making ${target.cluster.name} adaptive (${choice.minimum}–${choice.maximum})…`, () => target.provider.adapt(target.cluster.id, choice.minimum, choice.maximum, undefined, notify));
      }
      completeWalkthroughStep(vs, 'dask');
      await service.refresh(target.provider.id);
    }),

    registerCommand(d, 'pangeo.dask.stopCluster', 'Stop Dask cluster', async (node?: ClusterNode) => {
      const target = await pickCluster(node, 'Stop which cluster?', (c) => c.status !== 'stopped');
      if (!target) return;
      if (!(await confirmStop(vs, target.cluster, target.provider.label))) return;
      await withProgress(`Stopping ${target.cluster.name}…`, () => target.provider.stop(target.cluster.id));
      await service.refresh(target.provider.id);
    }),

    registerCommand(d, 'pangeo.dask.openDashboard', 'Open Dask dashboard', async (node?: ClusterNode | DiscoveredNode) => {
      if (node?.kind === 'discovered') {
        if (node.cluster.dashboardLink) await openDashboard(node.cluster.dashboardLink, {}, node.cluster.name ?? 'Dask');
        return;
      }
      const target = await pickCluster(node, 'Open the dashboard of which cluster?', (c) => !!c.dashboardUrl);
      if (!target) return;
      const info = await target.provider.connectionInfo(target.cluster.id);
      if (!info.dashboardUrl) throw new Error(`${target.cluster.name} has no dashboard address yet.`);
      await openDashboard(info.dashboardUrl, info.dashboardAuth, target.cluster.name, { providerId: target.provider.id, clusterId: target.cluster.id });
    }),

    registerCommand(d, 'pangeo.dask.copyClientCode', 'Copy Dask client code', async (node?: ClusterNode) => {
      const target = await pickCluster(node, 'Client code for which cluster?', (c) => c.status === 'running');
      if (!target) return;
      const { clientCode } = await target.provider.connectionInfo(target.cluster.id);
      await vs.env.clipboard.writeText(clientCode);
      void vs.window.showInformationMessage(notificationText(`Client code for ${target.cluster.name} copied.`).text);
    }),

    registerCommand(d, 'pangeo.dask.insertClientCode', 'Insert Dask client code', async (node?: ClusterNode) => {
      const target = await pickCluster(node, 'Client code for which cluster?', (c) => c.status === 'running');
      if (!target) return;
      const { clientCode } = await target.provider.connectionInfo(target.cluster.id);
      const editor = vs.window.activeNotebookEditor;
      if (!editor) {
        await vs.env.clipboard.writeText(clientCode);
        void vs.window.showInformationMessage('No notebook is active: the client code was copied instead.');
        return;
      }
      const index = editor.selections[0]?.end ?? editor.notebook.cellCount;
      const edit = new vs.WorkspaceEdit();
      edit.set(editor.notebook.uri, [vs.NotebookEdit.insertCells(index, [new vs.NotebookCellData(vs.NotebookCellKind.Code, clientCode, 'python')])]);
      await vs.workspace.applyEdit(edit);
    }),

    registerCommand(d, 'pangeo.dask.discoverNotebookClusters', 'Find clusters in notebook', async (uri?: vscode.Uri) => {
      const notebook = uri ?? vs.window.activeNotebookEditor?.notebook.uri;
      if (!notebook) {
        void vs.window.showInformationMessage('Open a notebook with a running kernel first.');
        return;
      }
      const clusters = await withProgress('Looking for Dask clusters in the notebook\'s kernel…', () => discoverInNotebook(d.runInKernel, notebook));
      service.setNotebookClusters({ uri: notebook.toString(), label: notebook.path.split('/').pop() ?? notebook.toString(), clusters });
      if (!clusters.length) void vs.window.showInformationMessage('No Dask client or cluster in this notebook\'s variables.');
    }),

    registerCommand(d, 'pangeo.dask.adoptCluster', 'Adopt notebook cluster', async (node?: DiscoveredNode) => {
      if (node?.kind !== 'discovered') return;
      const adoption = adoptionOf(node.cluster);
      if (!adoption) return;
      if ('hint' in adoption) {
        void vs.window.showInformationMessage(notificationText(adoption.hint).text);
        return;
      }
      await store.add(adoption.config);
      await service.refresh();
    }),
  ];

  async function openDashboard(url: string, headers: Record<string, string>, title: string, cluster?: { providerId: string; clusterId: string }): Promise<void> {
    // The dashboard panel (another module) renders with auth headers; without it, the browser opens the page.
    const commands = await vs.commands.getCommands(true);
    if (commands.includes('pangeo.dashboard.open')) {
      // Resolvable by daskDashboardSources (scale/adapt from the panel), and still a plain URL target otherwise.
      const arg: Partial<DashboardOpenArg> = { ...(cluster ? { kind: 'cluster' as const, ...cluster } : {}), dashboardUrl: url, headers, title };
      await vs.commands.executeCommand('pangeo.dashboard.open', arg);
    } else {
      await vs.env.openExternal(vs.Uri.parse(url));
    }
  }
}
