// The Hubs tree: hub → servers (state, profile, last activity) → running kernels, with inline actions via contextValue.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { HubService, HubSnapshot } from './hubService';
import { HubServer } from '../hubModels';
import { KernelInfo } from '../../jupyterServer/jupyterServerClient';
import { isAuthError, isPangeoError, PangeoError } from '../../core/http/errors';
import { encodeResourceId } from '../../shared/resourceIds';
import { code, joinMarkdown, markdown, plainLabel, plainText } from '../../shared/text/untrustedText';
import { toMarkdownString } from '../../editor/untrustedMarkdown';
import { localKernelsNote, missingScopeMessages, thisServerTag } from './insideHubNodes';
import { hubSupportsSharing, scopesAllowSharing } from '../sharingSupport';

export type HubTreeNode =
  | { kind: 'hub'; base: string }
  | { kind: 'server'; base: string; server: HubServer }
  | { kind: 'kernel'; base: string; serverName: string; kernel: KernelInfo }
  | { kind: 'message'; base: string; text: string; icon: string; command?: vscode.Command; description?: string; tooltip?: string };

const STATE_ICON: Record<HubServer['state'], [string, string?]> = {
  ready: ['vm-running', 'testing.iconPassed'],
  starting: ['loading~spin'],
  stopping: ['loading~spin'],
  stopped: ['vm-outline', 'disabledForeground'],
};

export class HubTreeProvider extends Disposable implements vscode.TreeDataProvider<HubTreeNode>, vscode.Disposable {
  private readonly emitter: vscode.EventEmitter<HubTreeNode | undefined>;
  readonly onDidChangeTreeData: vscode.Event<HubTreeNode | undefined>;

  constructor(private readonly vs: typeof vscode, private readonly service: HubService) {
    super();
    this.emitter = this._register(new vs.EventEmitter<HubTreeNode | undefined>());
    this.onDidChangeTreeData = this.emitter.event;
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  async getChildren(node?: HubTreeNode): Promise<HubTreeNode[]> {
    if (!node) return this.service.allSnapshots().map((s) => ({ kind: 'hub', base: s.record.base }));
    if (node.kind === 'hub') return this.serverChildren(node.base);
    if (node.kind === 'server' && node.server.state === 'ready') {
      const inside = this.service.sessions.inside;
      const note: HubTreeNode[] = inside && thisServerTag(inside, node.base, node.server.name) ? [{ kind: 'message', base: node.base, ...localKernelsNote(this.vs, inside) }] : [];
      try {
        const kernels = await this.service.loadKernels(node.base, node.server.name);
        if (!kernels.length) return [...note, { kind: 'message', base: node.base, text: 'No running kernels', icon: 'info' }];
        return [...note, ...kernels.map((kernel): HubTreeNode => ({ kind: 'kernel', base: node.base, serverName: node.server.name, kernel }))];
      } catch (e) {
        return [...note, { kind: 'message', base: node.base, text: `Kernels unavailable: ${(e as Error).message}`, icon: 'warning' }];
      }
    }
    return [];
  }

  private async serverChildren(base: string): Promise<HubTreeNode[]> {
    let snap = this.service.snapshot(base);
    if (!snap) return [];
    if (!snap.record.user) {
      return [{ kind: 'message', base, text: 'Sign in to see your servers', icon: 'sign-in', command: { command: 'pangeo.hubs.signIn', title: 'Sign in', arguments: [{ kind: 'hub', base }] } }];
    }
    if ((!snap.servers || snap.provisional) && !snap.error) {
      await this.service.refresh(base);
      snap = this.service.snapshot(base)!;
    }
    if (snap.error) {
      const auth = isAuthError(snap.error);
      // A row is one short line: the status there, the whole message (e.g. "connect ECONNREFUSED …") in the tooltip.
      const full = isPangeoError(snap.error) ? `${snap.error.message}\n\n${snap.error.hint}` : snap.error.message;
      return [{
        kind: 'message', base, icon: auth ? 'sign-in' : 'error',
        text: auth ? 'Token expired or revoked — sign in again' : 'Cannot list servers',
        description: auth ? undefined : `${errorStatus(snap.error)} — click to retry`,
        tooltip: full,
        command: auth ? { command: 'pangeo.hubs.signIn', title: 'Sign in', arguments: [{ kind: 'hub', base }] } : { command: 'pangeo.hubs.refresh', title: 'Retry', arguments: [{ kind: 'hub', base }] },
      }];
    }
    return [
      ...(snap.servers ?? []).map((server): HubTreeNode => ({ kind: 'server', base, server })),
      ...missingScopeMessages(snap).map((m): HubTreeNode => ({ kind: 'message', base, ...m })),
    ];
  }

  getTreeItem(node: HubTreeNode): vscode.TreeItem {
    const vs = this.vs;
    const C = vs.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'hub': {
        const snap = this.service.snapshot(node.base) as HubSnapshot;
        const r = snap.record;
        const item = new vs.TreeItem(plainLabel(r.label), C.Expanded);
        item.id = encodeResourceId({ kind: 'hub', hubId: r.base });
        item.description = plainLabel(r.user ? `${r.user}${r.version ? ` · JupyterHub ${r.version}` : ''}` : `signed out${r.version ? ` · JupyterHub ${r.version}` : ''}`);
        const expires = r.expiresAt ? markdown`, token expires ${new Date(r.expiresAt).toLocaleString()}` : undefined;
        item.tooltip = toMarkdownString(vs, markdown`**${r.label}**\n\n${r.base}\n\nJupyterHub ${r.version ?? '?'}\n\n${r.user ? markdown`Signed in as **${r.user}** (${r.method === 'server' ? "this server's own token" : r.method})${expires}` : 'Not signed in'}`);
        item.iconPath = new vs.ThemeIcon(r.user ? 'server-environment' : 'debug-disconnect');
        item.contextValue = r.method === 'server' ? 'pangeo.hub.inside' : r.user ? 'pangeo.hub.signedIn' : 'pangeo.hub.signedOut';
        return item;
      }
      case 'server': {
        const s = node.server;
        const item = new vs.TreeItem(plainLabel(s.name || 'Default server'), s.state === 'ready' ? C.Collapsed : C.None);
        item.id = encodeResourceId({ kind: 'server', hubId: node.base, serverName: s.name });
        const profile = typeof s.userOptions.profile === 'string' ? s.userOptions.profile : undefined;
        const here = thisServerTag(this.service.sessions.inside, node.base, s.name);
        item.description = plainLabel([here, s.state, profile, s.lastActivity ? `active ${relative(s.lastActivity)}` : undefined].filter(Boolean).join(' · '));
        item.tooltip = toMarkdownString(vs, joinMarkdown([
          markdown`**${s.name || 'Default server'}** — ${s.state}`,
          s.url ? markdown`URL: ${s.url}` : '',
          Object.keys(s.userOptions).length ? markdown`Options: ${code(JSON.stringify(s.userOptions))}` : '',
          s.started ? markdown`Started ${s.started.toLocaleString()}` : '',
          s.lastActivity ? markdown`Last activity ${s.lastActivity.toLocaleString()}` : '',
        ], '\n\n'));
        const [icon, color] = STATE_ICON[s.state];
        item.iconPath = new vs.ThemeIcon(here ? 'vm-active' : icon, color ? new vs.ThemeColor(color) : undefined);
        // '.share' (JupyterHub 5.0+ serves /hub/api/shares, and the token's scopes let it manage this server's shares)
        // before '.named'; '.this' last: Delete (…named$) is not offered for the server this editor runs on.
        const snap = this.service.snapshot(node.base);
        const user = snap?.record.user;
        const share = hubSupportsSharing(snap?.record.version) && !!user && scopesAllowSharing(snap.scopes, user, s.name) ? '.share' : '';
        item.contextValue = `pangeo.server.${s.state}${share}${s.name ? '.named' : ''}${here ? '.this' : ''}`;
        return item;
      }
      case 'kernel': {
        const k = node.kernel;
        const item = new vs.TreeItem(plainLabel(k.name), C.None);
        item.id = encodeResourceId({ kind: 'kernel', hubId: node.base, serverName: node.serverName, kernelId: k.id });
        item.description = plainLabel([k.executionState, k.connections !== undefined ? `${k.connections} connection${k.connections === 1 ? '' : 's'}` : undefined].filter(Boolean).join(' · '));
        item.tooltip = plainText(`Kernel ${k.id}${k.lastActivity ? `\nlast activity ${k.lastActivity}` : ''}`);
        item.iconPath = new vs.ThemeIcon(k.executionState === 'busy' ? 'loading~spin' : 'symbol-event');
        item.contextValue = 'pangeo.kernel';
        return item;
      }
      case 'message': {
        const item = new vs.TreeItem(plainLabel(node.text), C.None);
        item.description = node.description === undefined ? undefined : plainLabel(node.description);
        item.tooltip = node.tooltip === undefined ? undefined : plainText(node.tooltip);
        item.iconPath = new vs.ThemeIcon(node.icon);
        item.command = node.command;
        item.contextValue = 'pangeo.message';
        return item;
      }
    }
  }
}

const ERROR_STATUS: Partial<Record<PangeoError['kind'], string>> = {
  Unreachable: 'hub unreachable', Timeout: 'hub timed out', NotFound: 'not found on the hub',
};

/** A few words for the tree row; the tooltip has the rest. */
function errorStatus(error: Error): string {
  if (!isPangeoError(error)) return 'error';
  return ERROR_STATUS[error.kind] ?? (error.status ? `HTTP ${error.status}` : error.kind.toLowerCase());
}

function relative(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
