// The editor's live view of hubs: sessions + the last known servers and kernels of each hub, refreshed on demand or
// by a poll that runs only while the Hubs view is visible. Implements HubRegistry for kernels, Dask and presets.
import type * as vscode from 'vscode';
import { HubSessions, HubRecord } from '../hubSessions';
import { HubServer } from '../hubModels';
import { ConnectedServer, HubKernelUser, HubRegistry } from '../hubRegistry';
import { isAuthError, PangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { JupyterServerClient, KernelInfo } from '../../jupyterServer/jupyterServerClient';
import { Disposable, MutableDisposable } from '../../core/lifecycle';
import { PollLoop } from '../../core/pollLoop';
import { readInsideServers, thisServer } from '../insideHubServers';
import { hubSupportsSharing } from '../sharingSupport';

/** Starts a stopped server again (the Hubs view's flow), asking first when `ask`; true when it runs. */
export type RestartServer = (hubId: string, serverName: string, ask: boolean) => Promise<boolean>;

export interface HubServiceOptions {
  /** What "Start It Again" runs for kernels and Jupyter's picker; without it nothing is restarted. */
  restartServer?: RestartServer;
}

export interface HubSnapshot {
  record: HubRecord;
  servers?: HubServer[];
  /** Kernels per ready server name, loaded when the server node is expanded. */
  kernels: Map<string, KernelInfo[]>;
  error?: PangeoError | Error;
  /** Servers known without asking the hub (inside a hub server: this server, from its environment) until the first refresh. */
  provisional?: boolean;
  /** Features the token's scopes do not allow (inside a hub server), each naming the scope. */
  missingScopes?: PangeoError[];
  /**
   * The token's scopes as the hub listed them at the last refresh (`GET hub/api/user`; read only on hubs that can share,
   * whose actions depend on them); undefined when not read.
   */
  scopes?: string[];
}

export class HubService extends Disposable implements HubRegistry, vscode.Disposable {
  private readonly snapshots = new Map<string, HubSnapshot>();
  private readonly changeEmitter: vscode.EventEmitter<void>;
  readonly onDidChangeServers: vscode.Event<void>;
  private readonly authPrompted = new Set<string>();
  /** The Hubs view's poll while the view is visible, at `pollIntervalMs`. */
  private readonly poll = this._register(new MutableDisposable<PollLoop>());
  private pollIntervalMs = 0;
  private readonly renewal = this._register(new MutableDisposable<PollLoop>());

  constructor(
    private readonly vs: typeof vscode,
    readonly sessions: HubSessions,
    private readonly logger: Logger,
    /** Called when a hub answers 401/403: the editor offers "Sign in again". */
    private readonly onAuthFailure: (base: string, error: PangeoError) => void,
    private readonly opts: HubServiceOptions = {},
  ) {
    super();
    this.changeEmitter = this._register(new vs.EventEmitter<void>());
    this.onDidChangeServers = this.changeEmitter.event;
    this._register(sessions.onDidChange(() => {
      this.syncRecords();
      this.changeEmitter.fire();
    }));
    this.syncRecords();
  }

  private syncRecords(): void {
    const records = this.sessions.hubs();
    for (const base of [...this.snapshots.keys()]) if (!records.some((r) => r.base === base)) this.snapshots.delete(base);
    for (const record of records) {
      const snap = this.snapshots.get(record.base);
      if (snap) {
        snap.record = record;
        // A sign-in, sign-out or new version may change what the token may do: read its scopes again.
        snap.scopes = undefined;
        if (!record.user) {
          snap.servers = undefined;
          snap.kernels.clear();
        }
      } else {
        const inside = this.sessions.inside;
        // This server is ready (we run on it): kernels and the cost meter need no hub call to know it.
        this.snapshots.set(record.base, inside?.id === record.base ? { record, kernels: new Map(), servers: [thisServer(inside)], provisional: true } : { record, kernels: new Map() });
      }
    }
  }

  snapshot(base: string): HubSnapshot | undefined {
    return this.snapshots.get(base);
  }

  allSnapshots(): HubSnapshot[] {
    return [...this.snapshots.values()].sort((a, b) => a.record.label.localeCompare(b.record.label));
  }

  readyServers(): ConnectedServer[] {
    const out: ConnectedServer[] = [];
    for (const snap of this.snapshots.values()) {
      if (!snap.record.user) continue;
      for (const server of snap.servers ?? []) {
        if (server.state === 'ready' && server.url) {
          out.push({ hubId: snap.record.base, hubLabel: snap.record.label, user: snap.record.user, server, client: this.sessions.client(snap.record.base) });
        }
      }
    }
    return out;
  }

  async authorizationFor(hubId: string): Promise<string | undefined> {
    const token = await this.sessions.token(hubId);
    return token ? `token ${token}` : undefined;
  }

  /** Re-reads the servers of one hub (or all); errors are kept on the snapshot and shown in the tree. */
  async refresh(base?: string): Promise<void> {
    const targets = base ? [base] : [...this.snapshots.keys()];
    await Promise.all(targets.map((b) => this.refreshOne(b)));
    this.changeEmitter.fire();
  }

  private async refreshOne(base: string): Promise<void> {
    const snap = this.snapshots.get(base);
    if (!snap?.record.user) return;
    try {
      const inside = this.sessions.inside;
      if (inside?.id === base) {
        const listed = await readInsideServers(this.sessions.client(base), inside);
        snap.servers = listed.servers;
        snap.missingScopes = listed.missing;
        snap.scopes = listed.scopes;
        await this.sessions.setVersion(base, listed.version);
        snap.record = this.sessions.hub(base) ?? snap.record;
      } else {
        const client = this.sessions.client(base);
        // JupyterHub 5 lets no user share without a `shares` scope: the scopes say whether "Share Server…" is offered.
        // Read once, not on every poll; a sign-in or the Refresh command reads them again.
        const readScopes = snap.scopes === undefined && hubSupportsSharing(snap.record.version);
        const [servers, scopes] = await Promise.all([
          client.listServers(snap.record.user),
          readScopes ? client.getCurrentUser().then((me) => me.scopes, () => undefined) : snap.scopes,
        ]);
        snap.servers = servers;
        snap.scopes = scopes;
      }
      snap.provisional = false;
      snap.error = undefined;
      this.authPrompted.delete(base);
      for (const name of [...snap.kernels.keys()]) {
        if (!snap.servers.some((s) => s.name === name && s.state === 'ready')) snap.kernels.delete(name);
      }
    } catch (e) {
      snap.error = e as Error;
      this.logger.warn(`refreshing ${snap.record.label} failed: ${(e as Error).message}`);
      if (isAuthError(e) && !this.authPrompted.has(base)) {
        this.authPrompted.add(base);
        this.onAuthFailure(base, e);
      }
    }
  }

  /**
   * Reads each hub's version again (`GET hub/api`, no token): a hub upgraded since it was added (e.g. to 5.0, which
   * shares servers) shows it after a Refresh. Inside a hub server every refresh reads it already.
   */
  async refreshVersions(base?: string): Promise<void> {
    const targets = base ? [base] : [...this.snapshots.keys()];
    await Promise.all(targets.filter((b) => this.sessions.inside?.id !== b).map(async (b) => {
      try {
        await this.sessions.setVersion(b, await this.sessions.client(b).getVersion());
        const snap = this.snapshots.get(b);
        if (snap) {
          snap.record = this.sessions.hub(b) ?? snap.record;
          // The admin may have granted a scope since (e.g. `shares!user`): the next refresh reads them again.
          snap.scopes = undefined;
        }
      } catch (e) {
        this.logger.warn(`reading the version of ${b} failed: ${(e as Error).message}`);
      }
    }));
  }

  /** Lists the kernels running on a ready server (for the tree's third level). */
  async loadKernels(base: string, serverName: string): Promise<KernelInfo[]> {
    const snap = this.snapshots.get(base);
    const server = snap?.servers?.find((s) => s.name === serverName);
    if (!snap || !server?.url) return [];
    try {
      const kernels = await new JupyterServerClient(server.url, this.sessions.client(base).http).listKernels();
      snap.kernels.set(serverName, kernels);
      return kernels;
    } catch (e) {
      this.logger.warn(`listing kernels on ${snap.record.label} failed: ${(e as Error).message}`);
      throw e;
    }
  }

  async restartServer(hubId: string, serverName: string, ask = true): Promise<boolean> {
    return (await this.opts.restartServer?.(hubId, serverName, ask)) ?? false;
  }

  isSignedIn(hubId: string): boolean {
    return this.sessions.isSignedIn(hubId);
  }

  refreshError(hubId: string): unknown {
    return this.snapshots.get(hubId)?.error;
  }

  private readonly kernelUsers = new Set<HubKernelUser>();

  addKernelUser(user: HubKernelUser): { dispose(): void } {
    this.kernelUsers.add(user);
    return { dispose: () => this.kernelUsers.delete(user) };
  }

  /** Open notebooks whose kernel runs on this hub (asked before signing out). */
  notebooksOn(hubId: string): string[] {
    return [...new Set([...this.kernelUsers].flatMap((u) => u.notebooksOn(hubId)))].sort();
  }

  /** Ends the hub's kernels while its token still works (called just before sign-out revokes it). */
  async releaseKernels(hubId: string): Promise<void> {
    await Promise.all([...this.kernelUsers].map((u) => u.release(hubId).catch((e: unknown) => this.logger.warn(`releasing kernels on ${hubId}: ${String(e)}`))));
  }

  /** Polls every `intervalMs` while `visible` is true (the Hubs view is shown); stops when hidden. */
  setPolling(visible: boolean, intervalMs: number): void {
    if (this._isDisposed) return;
    if (!visible || this.pollIntervalMs !== intervalMs) this.poll.clear();
    if (!visible || this.poll.value) return;
    this.pollIntervalMs = intervalMs;
    this.poll.value = new PollLoop(() => this.refresh(), { intervalMs });
    // The tree reads a hub when it is expanded: the first poll waits a full interval.
    this.poll.value.start(intervalMs);
  }

  /** Checks token expiry every few minutes (the first time after `firstAfterMs`) and renews minted tokens before they fail. */
  startRenewal(firstAfterMs = 0, intervalMs = 5 * 60_000): void {
    if (this._isDisposed) return;
    this.renewal.value = new PollLoop(async () => {
      for (const base of await this.sessions.renewDue()) {
        this.onAuthFailure(base, new PangeoError('Unauthorized', 'Your hub token could not be renewed.', 'Sign in again.'));
      }
    }, { intervalMs });
    this.renewal.value.start(firstAfterMs);
  }

  /** Shows a state at once (e.g. "starting" as soon as the user starts a server), before the next refresh confirms it. */
  markServerState(base: string, serverName: string, state: HubServer['state']): void {
    const snap = this.snapshots.get(base);
    if (!snap) return;
    const servers = snap.servers ?? [];
    const existing = servers.find((s) => s.name === serverName);
    if (existing) existing.state = state;
    else servers.push({ name: serverName, state, userOptions: {} });
    snap.servers = servers;
    this.changeEmitter.fire();
  }

  fireChanged(): void {
    this.changeEmitter.fire();
  }
}
