// The Dask Clusters tree: provider → clusters (status, size, age) → workers, plus clusters found in notebooks.
// contextValue carries what each cluster allows (".scale.adapt.stop.dashboard.client") so menus show only what works.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { isAuthError, isPangeoError } from '../../core/http/errors';
import { capabilitiesOf, describeAdaptive, describeSize, describeStatus, formatAge, formatBytes, type ClusterSummary, type WorkerSummary } from '../clusterProvider';
import type { DiscoveredCluster } from '../notebook/kernelClusterDiscovery';
import type { ClusterService } from './clusterService';
import { adoptionOf, descriptorFor, isRemovable } from '../providerTable';
import { encodeResourceId } from '../../shared/resourceIds';
import { code, joinMarkdown, markdown, plainLabel, plainText } from '../../shared/text/untrustedText';
import { toMarkdownString } from '../../editor/untrustedMarkdown';
import type { GatewayOffers, OfferedGateway } from './gatewayOffers';

export type DaskTreeNode =
  | { kind: 'provider'; providerId: string }
  | { kind: 'cluster'; providerId: string; cluster: ClusterSummary }
  | { kind: 'worker'; providerId: string; clusterId: string; worker: WorkerSummary }
  | { kind: 'notebooks' }
  | { kind: 'notebook'; uri: string }
  | { kind: 'discovered'; uri: string; cluster: DiscoveredCluster }
  | { kind: 'message'; text: string; icon: string; command?: vscode.Command; tooltip?: string }
  | { kind: 'offer'; offer: OfferedGateway };

const STATUS_ICON: Record<ClusterSummary['status'], [string, string?]> = {
  running: ['server-process', 'testing.iconPassed'],
  pending: ['loading~spin'],
  stopping: ['loading~spin'],
  stopped: ['circle-slash', 'disabledForeground'],
  failed: ['error', 'testing.iconFailed'],
  unreachable: ['warning', 'problemsWarningIcon.foreground'],
};

export class DaskTreeProvider extends Disposable implements vscode.TreeDataProvider<DaskTreeNode>, vscode.Disposable {
  private readonly emitter: vscode.EventEmitter<DaskTreeNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<DaskTreeNode | undefined>;

  /** $/h per cluster by its resource id (the cost meter's), from the meter's last tick. */
  private rates = new Map<string, number>();

  setRates(rates: Map<string, number>): void {
    this.rates = rates;
    this.refresh();
  }

  constructor(private readonly vs: typeof vscode, private readonly service: ClusterService, private readonly offers?: GatewayOffers) {
    super();
    this.emitter = this._register(new vs.EventEmitter<DaskTreeNode | undefined>());
    this.onDidChangeTreeData = this.emitter.event;
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: DaskTreeNode): Promise<DaskTreeNode[]> {
    if (!node) {
      const roots: DaskTreeNode[] = this.service.snapshots().map((s) => ({ kind: 'provider', providerId: s.provider.id }));
      if (this.service.notebookClusters().length) roots.push({ kind: 'notebooks' });
      // Gateways found without typing an address (Dask's configuration, a signed-in hub's service): one click adds one.
      for (const offer of this.offers?.offers() ?? []) roots.push({ kind: 'offer', offer });
      const problem = this.offers?.problem();
      if (problem) roots.push({ kind: 'message', text: problem.message, icon: 'warning', tooltip: problem.hint });
      return roots;
    }
    switch (node.kind) {
      case 'provider':
        return this.clusterChildren(node.providerId);
      case 'cluster':
        return this.workerChildren(node);
      case 'notebooks':
        return this.service.notebookClusters().map((n) => ({ kind: 'notebook', uri: n.uri }));
      case 'notebook':
        return (this.service.notebookClusters().find((n) => n.uri === node.uri)?.clusters ?? []).map((cluster) => ({ kind: 'discovered', uri: node.uri, cluster }));
      default:
        return [];
    }
  }

  private async clusterChildren(providerId: string): Promise<DaskTreeNode[]> {
    let snap = this.service.snapshot(providerId);
    if (!snap) return [];
    if (!snap.clusters && !snap.error) {
      await this.service.refresh(providerId);
      snap = this.service.snapshot(providerId)!;
    }
    const retry = { command: 'pangeo.dask.refresh', title: 'Retry', arguments: [{ kind: 'provider', providerId }] };
    if (snap.error) {
      const e = snap.error;
      // Refused for want of a scope is not fixed by signing in again: it is not shown as "not signed in".
      const refused = isPangeoError(e, 'Forbidden');
      const text = refused ? `Access refused: ${e.message}` : isAuthError(e) ? `Not signed in: ${(e as Error).message}` : `Cannot list clusters: ${isPangeoError(e) ? e.message : (e as Error).message}`;
      return [{ kind: 'message', text, icon: isAuthError(e) && !refused ? 'sign-in' : 'error', command: retry, tooltip: isPangeoError(e) ? e.userMessage : undefined }];
    }
    const clusters = snap.clusters ?? [];
    if (!clusters.length) {
      const create = snap.provider.capabilities.create;
      return [{ kind: 'message', text: create ? 'No clusters — create one' : 'No clusters', icon: 'info',
        command: create ? { command: 'pangeo.dask.createCluster', title: 'Create', arguments: [{ kind: 'provider', providerId }] } : undefined }];
    }
    return clusters.map((cluster) => ({ kind: 'cluster', providerId, cluster }));
  }

  private async workerChildren(node: Extract<DaskTreeNode, { kind: 'cluster' }>): Promise<DaskTreeNode[]> {
    const provider = this.service.snapshot(node.providerId)?.provider;
    if (!provider || node.cluster.status !== 'running') return [];
    try {
      const workers = await provider.workers(node.cluster.id);
      if (!workers.length) return [{ kind: 'message', text: 'No workers', icon: 'info' }];
      return workers.map((worker) => ({ kind: 'worker', providerId: node.providerId, clusterId: node.cluster.id, worker }));
    } catch (e) {
      return [{ kind: 'message', text: `Workers unavailable: ${(e as Error).message}`, icon: 'warning' }];
    }
  }

  getTreeItem(node: DaskTreeNode): vscode.TreeItem {
    const vs = this.vs;
    const C = vs.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'provider': {
        const snap = this.service.snapshot(node.providerId);
        const p = snap?.provider;
        const item = new vs.TreeItem(plainLabel(p?.label ?? node.providerId), C.Expanded);
        item.id = encodeResourceId({ kind: 'provider', providerId: node.providerId });
        const icon = p ? descriptorFor(p.kind).icon : 'cloud';
        item.iconPath = new vs.ThemeIcon(snap?.loading ? 'loading~spin' : icon);
        const n = snap?.clusters?.filter((c) => c.status === 'running' || c.status === 'pending').length;
        item.description = snap?.error ? 'error' : n !== undefined ? `${n} cluster${n === 1 ? '' : 's'}` : '';
        item.contextValue = `daskProvider${p?.capabilities.create ? '.create' : ''}${p && isRemovable(p) ? '.removable' : ''}`;
        return item;
      }
      case 'cluster': {
        const c = node.cluster;
        const item = new vs.TreeItem(plainLabel(c.name), c.status === 'running' ? C.Collapsed : C.None);
        item.id = encodeResourceId({ kind: 'cluster', providerId: node.providerId, clusterId: c.id });
        const [icon, color] = STATUS_ICON[c.status];
        item.iconPath = new vs.ThemeIcon(icon, color ? new vs.ThemeColor(color) : undefined);
        const adaptive = describeAdaptive(c);
        const rate = this.rates.get(item.id);
        const cost = rate !== undefined && c.status === 'running' ? `$${rate < 10 ? rate.toFixed(2) : rate.toFixed(0)}/h` : undefined;
        // The default sidebar fits ~30 characters after the name: the worker count (or the status), adaptive bounds and
        // cost; threads, memory and age are in the tooltip.
        const size = `${c.workers} worker${c.workers === 1 ? '' : 's'}`;
        item.description = plainLabel([c.status === 'running' ? size : describeStatus(c.status), adaptive, cost].filter(Boolean).join(' · '));
        item.tooltip = toMarkdownString(vs, joinMarkdown([
          markdown`**${c.name}** — ${describeStatus(c.status)}`,
          markdown`${describeSize(c)}${adaptive ? ` · ${adaptive}` : ''}${cost ? ` · ${cost}` : ''}`,
          c.startedAt ? markdown`Started ${new Date(c.startedAt).toLocaleString()} (${formatAge(c.startedAt)} ago)` : '',
          c.schedulerAddress ? markdown`Scheduler: ${code(c.schedulerAddress)}` : '',
          c.dashboardUrl ? markdown`Dashboard: ${c.dashboardUrl.replace(/\?.*$/, '')}` : '',
          c.message ? markdown`_${c.message}_` : '',
        ], '\n\n'));
        const caps = capabilitiesOf(this.service.snapshot(node.providerId)!.provider, c);
        const live = c.status === 'running';
        item.contextValue = 'daskCluster' +
          (live && (caps.scaleUp || caps.scaleDown) ? '.scale' : '') +
          (live && caps.adapt ? '.adapt' : '') +
          (caps.stop && c.status !== 'stopped' && c.status !== 'stopping' ? '.stop' : '') +
          (live && c.dashboardUrl ? '.dashboard' : '') +
          (live && c.schedulerAddress ? '.client' : '') +
          (descriptorFor(c.provider).instances === 'shared' ? '.detach' : '');
        return item;
      }
      case 'worker': {
        const w = node.worker;
        const item = new vs.TreeItem(plainLabel(w.name), C.None);
        item.iconPath = new vs.ThemeIcon('server');
        const mem = w.memoryLimit ? `${w.memoryUsed !== undefined ? `${formatBytes(w.memoryUsed)} / ` : ''}${formatBytes(w.memoryLimit)}` : '';
        item.description = plainLabel([`${w.threads} thread${w.threads === 1 ? '' : 's'}`, mem, w.cpu !== undefined ? `CPU ${Math.round(w.cpu)} %` : '', w.status && w.status !== 'running' ? w.status : '']
          .filter(Boolean).join(' · '));
        item.tooltip = plainText(`${w.name}\n${w.id}${w.host ? `\nhost ${w.host}` : ''}`);
        item.contextValue = 'daskWorker';
        return item;
      }
      case 'notebooks': {
        const item = new vs.TreeItem('Clusters in notebooks', C.Expanded);
        item.iconPath = new vs.ThemeIcon('notebook');
        item.contextValue = 'daskNotebooks';
        return item;
      }
      case 'notebook': {
        const entry = this.service.notebookClusters().find((n) => n.uri === node.uri);
        const item = new vs.TreeItem(plainLabel(entry?.label ?? node.uri), C.Expanded);
        item.iconPath = new vs.ThemeIcon('notebook');
        item.contextValue = 'daskNotebook';
        return item;
      }
      case 'discovered': {
        const c = node.cluster;
        const item = new vs.TreeItem(plainLabel(c.name ?? c.variables.join(', ')), C.None);
        item.iconPath = new vs.ThemeIcon('symbol-variable');
        item.description = plainLabel(`${c.type} · ${c.variables.join(', ')}${c.status ? ` · ${c.status}` : ''}`);
        item.tooltip = plainText([c.schedulerAddress, c.dashboardLink, c.gatewayAddress].filter(Boolean).join('\n'));
        item.contextValue = 'daskDiscovered' + (c.dashboardLink ? '.dashboard' : '') + (adoptionOf(c) ? '.adopt' : '');
        return item;
      }
      case 'offer': {
        const item = new vs.TreeItem(plainLabel(`Add ${node.offer.label}`), C.None);
        item.id = `offer:${node.offer.id}`;
        item.iconPath = new vs.ThemeIcon('add');
        item.description = plainLabel(node.offer.detail);
        item.tooltip = plainText(`${node.offer.config.url}\n${node.offer.detail}`);
        item.command = { command: 'pangeo.dask.addOfferedGateway', title: 'Add', arguments: [node] };
        item.contextValue = 'daskGatewayOffer';
        return item;
      }
      case 'message': {
        const item = new vs.TreeItem(plainLabel(node.text), C.None);
        item.iconPath = new vs.ThemeIcon(node.icon);
        item.command = node.command;
        item.tooltip = node.tooltip === undefined ? undefined : plainText(node.tooltip);
        item.contextValue = 'daskMessage';
        return item;
      }
    }
  }
}
