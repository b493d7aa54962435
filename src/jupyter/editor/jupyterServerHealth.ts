// Health of the servers the Jupyter extension runs kernels on through "Pangeo hubs": it owns those kernel websockets,
// so we poll the hub (ServerWatch) for servers it resolved and tell the user once when one is gone. The fetch we hand
// it (jupyterExtensionFetch, fed by ServerFates) then ends its kernels instead of "Reconnecting to the kernel" forever
// and refuses kernel starts with the reason; when the server is back we announce it so the Jupyter extension re-lists it.
import type * as vscode from 'vscode';
import type { JupyterServer } from '@vscode/jupyter-extension';
import type { ConnectedServer, HubKernelUser, HubRegistry } from '../../hubs/hubRegistry';
import type { HubClient } from '../../hubs/hubClient';
import type { HttpClient } from '../../core/http/httpClient';
import { isPangeoError } from '../../core/http/errors';
import { Disposable } from '../../core/lifecycle';
import type { Logger } from '../../core/log';
import { GoneReason, probeHubServer, ServerWatch, WatchProbe } from '../serverWatch';
import { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { JupyterExtensionSession, jupyterExtensionSessions } from '../jupyterExtensionSessions';
import type { ServerFate } from '../jupyterExtensionFetch';
import { ServerFates } from '../serverFates';
import { notificationText } from '../../shared/text/untrustedText';

/** A server the Jupyter extension resolved (so a notebook may run on it). */
interface ResolvedServer {
  id: string;
  hubId: string;
  hubLabel: string;
  user: string;
  serverName: string;
  label: string;
  /** The server's URL and hub client when resolved: its session list says which notebooks the Jupyter extension runs. */
  jupyter: JupyterServerClient;
}

export interface JupyterServerHealthOptions {
  vs: typeof vscode;
  hubs: HubRegistry & { sessions: { client(hubId: string): Pick<HubClient, 'getServer'>; hub(hubId: string): unknown } };
  logger: Logger;
  watch?: ServerWatch;
}

const QUIET_MS = 60_000;

/** Whose kernel it is, for its label (hubKernelLabel). */
export interface KernelWhere { user: string; hubLabel: string; serverName: string }

export function describeServer(s: { serverName: string; hubLabel: string }): string {
  return `${s.serverName ? `The server "${s.serverName}"` : 'The default server'} on ${s.hubLabel}`;
}

export class JupyterServerHealth extends Disposable implements vscode.Disposable, HubKernelUser {
  private readonly vs: typeof vscode;
  private readonly watch: ServerWatch;
  private readonly resolved = new Map<string, ResolvedServer>();
  private readonly gone = new Map<string, ResolvedServer>();
  private readonly told = new Map<string, number>();
  /** The Jupyter extension's sessions per server, as last seen while it ran. */
  private readonly sessions = new Map<string, JupyterExtensionSession[]>();
  /** Lost kernels and requested sessions, for the fetch handed to the Jupyter extension. */
  private readonly fates: ServerFates;
  private readonly changeEmitter: vscode.EventEmitter<void>;
  /** Fires when a server leaves or re-enters the collection for a reason the hub registry does not know. */
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly opts: JupyterServerHealthOptions) {
    super();
    this.vs = opts.vs;
    // Disposed last-registered first: listeners, then the emitter, the fates, and the watch they read.
    this.watch = this._register(opts.watch ?? new ServerWatch());
    const describe = (id: string) => {
      const s = this.resolved.get(id);
      return s && describeServer(s);
    };
    // A kernel start refused while signed out or gone: offer the way out (one notification at a time).
    const onRefused = (id: string) => {
      const s = this.resolved.get(id);
      if (s && this.signedOutReason(id)) this.offerSignIn(s);
      else if (s && this.gone.has(id)) this.offerRestart(s, 'stopped', true);
    };
    this.fates = this._register(new ServerFates(this.watch, { describe, onRefused, unavailable: (id) => this.signedOutReason(id) }));
    this.changeEmitter = this._register(new opts.vs.EventEmitter<void>());
    this.onDidChange = this.changeEmitter.event;
    this._register(this.watch.onDidGo(({ key, reason }) => this.onGone(key, reason)));
    this._register(opts.hubs.onDidChangeServers(() => this.onServersChanged()));
    this._register(opts.hubs.addKernelUser(this));
  }

  /** The Jupyter extension resolved this server: watch it from now on. */
  resolvedServer(id: string, label: string, server: ConnectedServer): void {
    const jupyter = new JupyterServerClient(server.server.url!, server.client.http);
    const entry: ResolvedServer = { id, label, hubId: server.hubId, hubLabel: server.hubLabel, user: server.user, serverName: server.server.name, jupyter };
    this.resolved.set(id, entry);
    this.gone.delete(id);
    this.fates.back(id);
    if (this.told.get(id) !== Infinity) this.told.delete(id); // a fresh connection: its loss deserves a fresh notice
    this.watch.watch(id, (signal) => this.probe(entry, signal));
  }

  /** The hub's word on the server; while it runs, also which notebooks the Jupyter extension has sessions for. */
  private async probe(s: ResolvedServer, signal?: AbortSignal): Promise<WatchProbe> {
    const probe = await probeHubServer(this.opts.hubs.sessions.client(s.hubId), s.user, s.serverName, signal);
    if (probe === 'ready') await this.readSessions(s, signal);
    return probe;
  }

  private async readSessions(s: ResolvedServer, signal?: AbortSignal): Promise<JupyterExtensionSession[]> {
    try {
      const found = jupyterExtensionSessions(await s.jupyter.listSessions(signal));
      this.sessions.set(s.id, found);
      return [...found, ...this.fates.requestedNotebooks(s.id).map((notebook) => ({ notebook, kernelId: '' }))];
    } catch {
      return this.sessions.get(s.id) ?? []; // keep the last list: a hiccup must not forget the notebooks
    }
  }

  private notebooksOnServer(id: string): string[] {
    return [...new Set([...(this.sessions.get(id) ?? []).map((x) => x.notebook), ...this.fates.requestedNotebooks(id)])].sort();
  }

  /** What the fetch handed to the Jupyter extension for this server needs to know (see jupyterExtensionFetch). */
  fateOf(id: string): ServerFate {
    return this.fates.fateOf(id);
  }

  /**
   * HubKernelUser: none are claimed to lose their kernel at sign-out. The hub checks tokens when a websocket connects,
   * so the Jupyter extension's open kernel connections keep running; ending those kernels instead (measured with
   * ms-toolsai.jupyter 2025.4.1) leaves its next cell pending for good, even after sign-in and "Restart Kernel".
   */
  notebooksOn(): string[] {
    return [];
  }

  /** HubKernelUser: before sign-out, tell which notebooks keep their open connection but cannot reconnect. */
  async release(hubId: string): Promise<void> {
    const onHub = [...this.resolved.values()].filter((s) => s.hubId === hubId);
    const names = [...new Set((await Promise.all(onHub.map((s) => this.readSessions(s)))).flat().map((x) => x.notebook))].sort();
    if (names.length && onHub[0]) this.offerSignIn(onHub[0], names);
  }

  isGone(id: string): boolean {
    return this.gone.has(id);
  }

  /**
   * Every server the Jupyter extension used, while its hub is known: listed under the same id and label whether it
   * runs, is gone, or its hub is signed out (or signed in but not re-read yet). A server that leaves the collection, or
   * whose label changes, gets its controllers deleted by the Jupyter extension (2025.4.1), and its notebooks then fail
   * every run silently ("notebook controller is DISPOSED") even after the server is back; our fetch says why one
   * cannot run.
   */
  usedServers(): JupyterServer[] {
    return [...this.resolved.values()].filter((s) => this.opts.hubs.sessions.hub(s.hubId) !== undefined).map((s) => ({ id: s.id, label: s.label }));
  }

  /** Why a kernel cannot start on this server now that its hub is signed out; undefined when signed in. */
  private signedOutReason(id: string): string | undefined {
    const s = this.resolved.get(id);
    if (!s || this.opts.hubs.isSignedIn(s.hubId)) return undefined;
    return `You signed out of ${s.hubLabel}, so this notebook's kernel cannot run. Sign in to ${s.hubLabel} (Hubs view or Accounts menu), or pick another kernel.`;
  }

  /**
   * A gone server, or one whose hub is signed out, still resolves at its last address: a refused resolve or a failed
   * listing makes the Jupyter extension (2025.4.1) drop the server's kernelspec controllers, and the notebook then lands
   * on a dead kernel's controller whose next run hangs (even after the server is back or the user signed in again).
   * Our fetch answers its listings meanwhile and refuses kernel starts with the reason (see jupyterExtensionFetch).
   */
  unavailableServer(id: string): { url: string; http: HttpClient; where: KernelWhere } | undefined {
    const s = this.gone.get(id) ?? (this.signedOutReason(id) ? this.resolved.get(id) : undefined);
    return s && { url: s.jupyter.serverUrl, http: s.jupyter.http, where: s };
  }

  /** Servers that are gone come back into the collection only when the hub says they run again. */
  private onServersChanged(): void {
    for (const s of this.gone.values()) {
      const ready = this.opts.hubs.readyServers().some((r) => r.hubId === s.hubId && r.server.name === s.serverName);
      if (!ready) continue;
      void this.probe(s).then((probe) => {
        if (probe === 'ready' && this.gone.delete(s.id)) this.back(s);
      });
    }
    // Signed out: no polling with a revoked token; a sign-in brings the hub's servers (and a fresh watch on resolve).
    for (const s of this.resolved.values()) if (!this.opts.hubs.isSignedIn(s.hubId)) this.watch.unwatch(s.id);
  }

  private onGone(id: string, reason: GoneReason): void {
    const s = this.resolved.get(id);
    if (!s || !this.opts.hubs.isSignedIn(s.hubId)) return;
    this.gone.set(id, s);
    // Listed as before (same id and label), so nothing to announce: a refresh now would only re-list a gone server.
    this.opts.logger.info(`Jupyter extension server ${id}: gone (${reason}); its kernels end, kernel starts are refused until it runs again`);
    this.offerRestart(s, reason);
  }

  /** Back in the collection: the Jupyter extension lists its kernels again, and the notebooks bound to them run. */
  private back(s: ResolvedServer): void {
    this.fates.back(s.id);
    this.opts.logger.info(`Jupyter extension server ${s.id}: running again; announced to the Jupyter extension`);
    if (this.told.get(s.id) !== Infinity) this.told.delete(s.id);
    this.changeEmitter.fire();
    void this.vs.window.showInformationMessage(
      notificationText(`${describeServer(s)} runs again. Notebooks that used it through the Jupyter extension get a new kernel on their next run (variables from before are gone); if one still says it has no kernel, pick "Pangeo hubs" → ${s.label} in its kernel picker.`).text);
  }

  /** One notification per server (not per notebook or poll): "… is gone — Start It Again / Pick Another Kernel". */
  private offerRestart(s: ResolvedServer, reason: GoneReason, again = false): void {
    const last = this.told.get(s.id);
    if (last === Infinity || (!again && last !== undefined && Date.now() - last < QUIET_MS)) return;
    this.told.set(s.id, Infinity);
    const { vs } = this;
    const why = reason === 'stopped' ? 'stopped, culled, or its user removed' : 'the hub does not answer';
    const start = 'Start It Again';
    const pick = 'Pick Another Kernel';
    const names = this.notebooksOnServer(s.id);
    const using = names.length ? `${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no kernel` : 'notebooks using it have no kernel';
    void Promise.resolve(vs.window.showWarningMessage(notificationText(`${describeServer(s)} is gone (${why}); ${using}.`).text, start, pick))
      .then(async (answer) => {
        if (answer === pick) await vs.commands.executeCommand('notebook.selectKernel');
        if (answer !== start) return;
        if (!(await this.opts.hubs.restartServer(s.hubId, s.serverName, false))) return;
        await this.opts.hubs.refresh();
        if ((await this.probe(s)) === 'ready' && this.gone.delete(s.id)) this.back(s);
      })
      .catch((e: unknown) => {
        void vs.window.showErrorMessage(notificationText(`Could not start the server again: ${isPangeoError(e) ? e.userMessage : String(e)}`).text);
      })
      // Still gone: quiet for a while; back again: its next loss gets a notice of its own.
      .finally(() => (this.gone.has(s.id) ? this.told.set(s.id, Date.now()) : this.told.delete(s.id)));
  }

  private offerSignIn(s: ResolvedServer, notebooks: string[] = []): void {
    const key = `signin:${s.hubId}`;
    if (this.told.get(key) === Infinity) return;
    this.told.set(key, Infinity);
    const signIn = 'Sign In';
    const pick = 'Pick Another Kernel';
    const message = notebooks.length
      ? `${notebooks.join(', ')} ${notebooks.length === 1 ? 'keeps its' : 'keep their'} open kernel connection (Jupyter extension) until it drops, but cannot reconnect: you signed out of ${s.hubLabel}.`
      : `This notebook cannot run: you signed out of ${s.hubLabel}.`;
    void Promise.resolve(this.vs.window.showWarningMessage(notificationText(message).text, signIn, pick))
      .then(async (answer) => {
        if (answer === signIn) await this.vs.commands.executeCommand('pangeo.hubs.signIn', s.hubId);
        if (answer === pick) await this.vs.commands.executeCommand('notebook.selectKernel');
      })
      .finally(() => this.told.delete(key));
  }

}
