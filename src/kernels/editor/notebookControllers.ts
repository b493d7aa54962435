// Editor adapter: one notebook controller per (ready server, kernelspec), created once a notebook is open, each
// notebook running its own NotebookKernel; connection trouble is told through the status bar and notifications.
import type * as vscode from 'vscode';
import { InvalidInputError, PangeoError } from '../../core/http/errors';
import { Disposable, DisposableStore } from '../../core/lifecycle';
import type { ConnectedServer, HubKernelUser, HubRegistry } from '../../hubs/hubRegistry';
import { JupyterServerClient, KernelSpecInfo } from '../../jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { CellExecutionWriter, failureOutput, OutputsById } from './cellExecutionWriter';
import { askInInputBox } from './cellInputBox';
import { controllerIdFor, controllerLabel, hubHash } from '../controllerId';
import type { CellRunResult, KernelStateChange, NotebookKernel, NotebookKernelOptions, ServerProbe } from '../notebookKernel';
import type * as NotebookKernelModule from '../notebookKernel';
import { loadFeature } from '../../core/chunks';
import { HUB_FILE_SCHEME, pathOnServer } from '../../files/hubFileUri';
import { encodeResourceId } from '../../shared/resourceIds';
import { startProbeSibling } from '../probeSibling';
import type { SiblingKernel } from '../../dashboard/kernelProbeFeed';
import { affectsSettings, readSetting } from '../../editor/settings';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';
import type { NotebookIntrospection } from './kernelCompletionProvider';
import { Emitter } from '../../core/emitter';
import type { NotebookReattacher } from './reattachCells';
import { WidgetMessaging } from './widgetMessaging';

export const NOTEBOOK_TYPE = 'jupyter-notebook';
export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';
const PANGEO_EXTENSION_ID = 'pangeo-compute.pangeo-compute';
const RESTART_OFFER_QUIET_MS = 60_000;

/** What the adapter needs of a kernel (NotebookKernel, or a fake in unit tests). */
export type NotebookKernelLike = Pick<NotebookKernel, 'run' | 'connect' | 'interrupt' | 'restart' | 'shutdown' | 'detach' | 'onDidChangeState' | 'state'> &
  Partial<Pick<NotebookKernel, 'runIfIdle' | 'introspection' | 'runAhead' | 'widgets' | 'idle'>>;

/** A notebook's Pangeo kernel, for hidden read-only code that must never wait behind the user's cells (the Dask probe). */
export interface IdleRunner {
  /** The notebook's URI. */
  id: string;
  label: string;
  /** Stdout of the code run silently, or undefined when the kernel was busy and nothing was sent. */
  runIfIdle(code: string, signal?: AbortSignal): Promise<string | undefined>;
  /** A kernel of our own beside this one (same server and kernel spec), for the probe while this one runs a cell. */
  startSibling?(signal?: AbortSignal): Promise<SiblingKernel>;
}

/** A notebook's connected kernel, as the agent tools see it. */
export interface ConnectedNotebookKernel {
  uri: string;
  label: string;
  idle: boolean;
  /** Runs code silently when the kernel is idle; undefined when busy (nothing was sent). */
  runIfIdle(code: string, signal?: AbortSignal): Promise<CellRunResult> | undefined;
}

/** A notebook's kernel changed state. */
export interface NotebookKernelState {
  /** The notebook's URI. */
  notebook: string;
  label: string;
  hubId: string;
  kernel: NotebookKernelLike;
  state: KernelStateChange['state'];
  previous: KernelStateChange['state'];
  /** See KernelStateChange.waitUntil: cells of this kernel wait (bounded) for the given work. */
  waitUntil?: KernelStateChange['waitUntil'];
}

/** Why a controller kept for the notebooks bound to it cannot run now. */
export type Unavailable = 'signed-out' | 'server-gone';

export interface NotebookControllersOptions {
  vs: typeof vscode;
  hubs: HubRegistry;
  logger: Logger;
  /** Seams for unit tests; the defaults talk to the real server. */
  listKernelSpecs?(server: ConnectedServer): Promise<KernelSpecInfo[]>;
  createKernel?(opts: NotebookKernelOptions, server: ConnectedServer): NotebookKernelLike;
  probeServer?(server: ConnectedServer): Promise<ServerProbe>;
  startSibling?(server: ConnectedServer, kernelName: string, signal?: AbortSignal): Promise<SiblingKernel>;
  /** Keeps each notebook's running cells so a reloaded window picks them up (absent in unit tests of other things). */
  reattach?: NotebookReattacher;
}

interface ControllerEntry {
  id: string;
  controller: vscode.NotebookController;
  server: ConnectedServer;
  spec: KernelSpecInfo;
  /** The controller and its listener: removing the entry disposes both. */
  lifetime: DisposableStore;
  /** Notebooks that picked this controller: it stays (marked unavailable) while they are open, so they stay bound. */
  selected: Set<string>;
  unavailable?: Unavailable;
}

interface NotebookEntry {
  kernel: NotebookKernelLike;
  controllerId: string;
  outputs: OutputsById;
  stateSub: { dispose(): void };
  /** Its widgets' link to the renderers (WidgetMessaging). */
  widgetsSub?: { dispose(): void };
  reconnectMessage?: { dispose(): void };
  /** A cell was run on it (a kernel only started on selection has not been used yet). */
  ranCells?: boolean;
}

/** "analysis.ipynb" from a notebook's URI string ("file:///w/analysis.ipynb", "untitled:Untitled-1.ipynb?jupyter-notebook"). */
function notebookName(key: string): string {
  // An untitled notebook's URI carries its type as a query ("untitled:Untitled-1.ipynb?jupyter-notebook").
  return decodeURIComponent(key.replace(/^[a-z][\w+.-]*:/i, '').replace(/[?#].*$/, '').split('/').pop() || key);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The kernel, its execution and widgets' comms load with the first kernel (dist/chunks/notebookKernel.js). */
const kernelModule = () => loadFeature<typeof NotebookKernelModule>('notebookKernel');
const stdoutOf: typeof NotebookKernelModule.hiddenRunStdout = (result) => kernelModule().hiddenRunStdout(result);

function serverKey(s: ConnectedServer): string {
  return encodeResourceId({ kind: 'server', hubId: s.hubId, serverName: s.server.name });
}

export class NotebookControllers extends Disposable implements vscode.Disposable, HubKernelUser {
  private readonly vs: typeof vscode;
  private readonly controllers = new Map<string, ControllerEntry>();
  private readonly notebooks = new Map<string, NotebookEntry>();
  private readonly specCache = new Map<string, { url: string; specs: Promise<KernelSpecInfo[]> }>();
  /** When each server was last offered a restart: one question per server, not one per notebook or event. */
  private readonly restartOffered = new Map<string, number>();
  /** Hub notebooks whose server's controller was selected once (beside the Jupyter extension). */
  private readonly autoSelected = new WeakSet<vscode.NotebookDocument>();
  private active = false;
  private syncing: Promise<void> = Promise.resolve();
  private readonly kernelStates = new Emitter<NotebookKernelState>();
  /** Each state change of a notebook's kernel (a newly connected or restarted one gets the shared AWS credentials). */
  readonly onDidChangeKernelState = this.kernelStates.event;
  private readonly widgetMessaging: WidgetMessaging;

  constructor(private readonly opts: NotebookControllersOptions) {
    super();
    this.vs = opts.vs;
    const { vs, hubs } = opts;
    this.widgetMessaging = this._register(new WidgetMessaging(vs, opts.logger));
    for (const sub of [
      vs.workspace.onDidOpenNotebookDocument((nb) => this.onNotebookOpened(nb)),
      vs.workspace.onDidCloseNotebookDocument((nb) => this.onNotebookClosed(nb.uri.toString())),
      hubs.onDidChangeServers(() => void this.refresh()),
      vs.window.onDidChangeVisibleNotebookEditors((editors) => {
        for (const editor of editors) for (const entry of this.controllers.values()) this.preferForServerNotebook(entry, editor.notebook);
      }),
      hubs.addKernelUser(this),
      vs.extensions.onDidChange(() => void this.refresh()),
      vs.workspace.onDidChangeConfiguration((e) => {
        if (affectsSettings(e, 'pangeo.kernels.showOwnControllers')) void this.refresh();
      }),
    ]) this._register(sub);
    if (vs.workspace.notebookDocuments.some((nb) => nb.notebookType === NOTEBOOK_TYPE)) this.activate();
  }

  /** Ids of the controllers offered now (for tests and diagnostics). */
  controllerIds(): string[] {
    return [...this.controllers.keys()].sort();
  }

  /** Resolves once the controllers match the current servers. */
  refresh(): Promise<void> {
    this.syncing = this.syncing.then(() => this.sync()).catch((e: unknown) => this.opts.logger.warn(`notebook controllers: ${String(e)}`));
    return this.syncing;
  }

  private onNotebookClosed(key: string): void {
    void this.releaseKernel(key);
    for (const entry of this.controllers.values()) entry.selected.delete(key);
    void this.refresh(); // a controller kept only for this notebook can go now
  }

  /** Bound to an open notebook: by a kernel connection, or (when `bySelection`) by having been selected for one. */
  /** `bySelection` off: only a kernel that ran cells counts (one started on selection alone does not). */
  private inUse(entry: ControllerEntry, bySelection = true): boolean {
    return (bySelection && entry.selected.size > 0)
      || [...this.notebooks.values()].some((nb) => nb.controllerId === entry.id && (bySelection || nb.ranCells === true));
  }

  /** HubKernelUser: the open notebooks bound to this hub's controllers (asked before sign-out). */
  notebooksOn(hubId: string): string[] {
    const keys = new Set<string>();
    for (const entry of this.controllers.values()) {
      if (entry.server.hubId !== hubId) continue;
      for (const key of entry.selected) keys.add(key);
      for (const [key, nb] of this.notebooks) if (nb.controllerId === entry.id) keys.add(key);
    }
    return [...keys].map((key) => notebookName(key));
  }

  /**
   * HubKernelUser: ends this hub's kernels before sign-out revokes the token (shut down unless kept on close). A cell
   * still running says so in its output and ends failed, instead of stopping without a word.
   */
  async release(hubId: string): Promise<void> {
    const hubs = [...this.controllers.values()].filter((c) => c.server.hubId === hubId);
    const onHub = new Set(hubs.map((c) => c.id));
    const label = hubs[0]?.server.hubLabel ?? hubId;
    const why = new PangeoError('Unauthorized', `You signed out of ${label} while this cell ran, so its kernel was shut down.`,
      `Sign in to ${label} (Hubs view or Accounts menu) and run the cell again.`);
    await Promise.all([...this.notebooks].filter(([, nb]) => onHub.has(nb.controllerId)).map(([key]) => this.releaseKernel(key, undefined, why)));
    for (const entry of this.controllers.values()) if (onHub.has(entry.id)) this.markUnavailable(entry, 'signed-out');
  }

  private markUnavailable(entry: ControllerEntry, why: Unavailable | undefined): void {
    if (entry.unavailable === why) return;
    const was = entry.unavailable;
    entry.unavailable = why;
    entry.controller.description = why === 'signed-out' ? 'signed out — sign in to run' : why === 'server-gone' ? 'server stopped' : iconLabel(entry.spec.name);
    this.opts.logger.info(`notebook controller ${entry.id}: ${why ?? `available again (was ${was})`}`);
  }

  private onNotebookOpened(nb: vscode.NotebookDocument): void {
    if (nb.notebookType === NOTEBOOK_TYPE && !this.active) this.activate();
    for (const entry of this.controllers.values()) this.preferForServerNotebook(entry, nb);
    // A hub notebook gets its server's controller even beside the Jupyter extension's picker.
    if (nb.notebookType === NOTEBOOK_TYPE && nb.uri.scheme === HUB_FILE_SCHEME) void this.refresh();
  }

  /** Ready servers that have a notebook open from their files (pangeo-hub:). */
  private serversWithOpenNotebooks(servers: ConnectedServer[]): ConnectedServer[] {
    const hubNotebooks = this.vs.workspace.notebookDocuments.filter((nb) => nb.notebookType === NOTEBOOK_TYPE && nb.uri.scheme === HUB_FILE_SCHEME);
    return servers.filter((s) => hubNotebooks.some((nb) => pathOnServer(nb.uri, s) !== undefined));
  }

  /** A notebook opened from a server's files (pangeo-hub:) runs on that server's kernel (the one its kernelspec names). */
  private preferForServerNotebook(entry: ControllerEntry, nb: vscode.NotebookDocument): void {
    if (pathOnServer(nb.uri, entry.server) === undefined) return;
    // VS Code's ipynb serializer keeps the file's metadata under `metadata` (older versions: `custom.metadata`).
    const meta = nb.metadata as { metadata?: { kernelspec?: { name?: unknown } }; custom?: { metadata?: { kernelspec?: { name?: unknown } } } } | undefined;
    const wanted = meta?.metadata?.kernelspec?.name ?? meta?.custom?.metadata?.kernelspec?.name;
    if (typeof wanted === 'string' && wanted !== entry.spec.name) return;
    entry.controller.updateNotebookAffinity(nb, this.vs.NotebookControllerAffinity.Preferred);
    // The Jupyter extension preselects a kernel of its own (a local one) for every notebook, and affinity does not
    // override a selection: pick ours once per opened document, as a user would; they can pick another afterwards.
    if (!this.vs.extensions.getExtension(JUPYTER_EXTENSION_ID) || this.autoSelected.has(nb)) return;
    const editor = this.vs.window.visibleNotebookEditors.find((e) => e.notebook === nb);
    if (!editor) return; // selected when an editor shows it (onDidChangeVisibleNotebookEditors)
    this.autoSelected.add(nb);
    void Promise.resolve(this.vs.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor, id: entry.id, extension: PANGEO_EXTENSION_ID }))
      .then(undefined, (e: unknown) => this.opts.logger.warn(`selecting ${entry.id} for ${nb.uri.toString()}: ${String(e)}`));
  }

  private activate(): void {
    this.active = true;
    void this.refresh();
    // The registry may not have read the servers yet (it polls only while the Hubs view is shown).
    this.opts.hubs.refresh().then(() => this.refresh(), (e: unknown) => this.opts.logger.warn(`reading hub servers: ${String(e)}`));
  }

  private setting(name: 'keepKernelOnClose' | 'showOwnControllers' | 'startOnSelect'): boolean {
    return readSetting(this.vs, `pangeo.kernels.${name}`) === true;
  }

  /**
   * Starts the notebook's kernel as soon as its controller is picked (as the Jupyter extension does), so the first
   * cell waits for nothing but itself: the kernel's start is most of "server ready → first result". A failure here is
   * only logged; the first run reports it.
   */
  private startOnSelect(entry: ControllerEntry, notebook: vscode.NotebookDocument): void {
    if (entry.unavailable || !this.vs.workspace.isTrusted || !this.setting('startOnSelect')) return;
    void this.notebookKernel(entry, notebook).kernel.connect().catch((e: unknown) =>
      this.opts.logger.info(`starting the kernel for ${notebookName(notebook.uri.toString())} on selection: ${isPangeoError(e) ? e.userMessage : String(e)}`));
  }

  /** With the Jupyter extension present, its kernel picker (fed by our server collection) is the one path. */
  private offerOwnControllers(): boolean {
    return !this.vs.extensions.getExtension(JUPYTER_EXTENSION_ID) || this.setting('showOwnControllers');
  }

  private async sync(): Promise<void> {
    if (!this.active || this._isDisposed) return;
    const wanted = new Map<string, { server: ConnectedServer; spec: KernelSpecInfo }>();
    {
      const ready = this.opts.hubs.readyServers().filter((s) => s.server.url);
      const servers = this.offerOwnControllers() ? ready : this.serversWithOpenNotebooks(ready);
      await Promise.all(servers.map(async (server) => {
        for (const spec of await this.kernelSpecs(server)) {
          wanted.set(controllerIdFor(server.hubId, server.server.name, spec.name), { server, spec });
        }
      }));
    }
    if (this._isDisposed) return;
    const stale = [...this.controllers.values()].filter((entry) => !wanted.has(entry.id));
    // Unused ones go at once, before any probe of a slow or dead hub below can hold them up. With our controllers
    // switched off (the Jupyter extension's picker is the one path) a mere past selection keeps none: only a live kernel.
    const offered = this.offerOwnControllers();
    for (const entry of stale) {
      if (this.inUse(entry, offered)) continue;
      for (const [uri, nb] of this.notebooks) if (nb.controllerId === entry.id) void this.releaseKernel(uri);
      this.removeController(entry);
    }
    await Promise.all(stale.filter((entry) => this.controllers.get(entry.id) === entry).map(async (entry) => {
      const { id } = entry;
      // Notebooks bound to it keep the controller (so they run again after sign-in or a restart, without picking).
      if (!this.opts.hubs.isSignedIn(entry.server.hubId)) {
        // Signed out without release() (hub removed, token lost): no token is left to shut the kernel down with.
        for (const [uri, nb] of this.notebooks) if (nb.controllerId === id) void this.releaseKernel(uri, false);
        this.markUnavailable(entry, 'signed-out');
        return;
      }
      // A server missing from one refresh may be a hiccup of the hub: it is gone only when the hub says stopped.
      const probe = await this.probe(entry);
      if (this.controllers.get(id) !== entry) return;
      if (probe === 'ready' && entry.unavailable === 'signed-out') this.markUnavailable(entry, undefined);
      if (probe !== 'stopped' || entry.unavailable === 'server-gone') return;
      this.serverGone(entry);
    }));
    for (const [id, { server, spec }] of wanted) {
      const existing = this.controllers.get(id);
      if (!existing) {
        this.addController(id, server, spec);
        continue;
      }
      existing.server = server; // a re-sign-in gives a new client
      // The hub's last list may predate the loss (a hub that is down keeps its old list): believe only the hub's answer.
      if (existing.unavailable === 'server-gone' && (await this.probe(existing)) !== 'ready') continue;
      const was = existing.unavailable;
      this.markUnavailable(existing, undefined);
      if (was === 'server-gone') this.offerReconnect(existing);
    }
  }

  private async kernelSpecs(server: ConnectedServer): Promise<KernelSpecInfo[]> {
    const key = serverKey(server);
    const url = server.server.url!;
    let cached = this.specCache.get(key);
    if (!cached || cached.url !== url) {
      const list = this.opts.listKernelSpecs
        ? this.opts.listKernelSpecs(server)
        : new JupyterServerClient(url, server.client.http).getKernelSpecs().then((r) => r.specs);
      cached = { url, specs: list };
      this.specCache.set(key, cached);
    }
    try {
      return await cached.specs;
    } catch (e) {
      this.specCache.delete(key); // try again on the next refresh
      this.opts.logger.warn(`kernelspecs of ${server.user}@${server.hubLabel}: ${isPangeoError(e) ? e.userMessage : String(e)}`);
      return [];
    }
  }

  private addController(id: string, server: ConnectedServer, spec: KernelSpecInfo): void {
    const { vs } = this;
    const label = controllerLabel(spec.displayName || spec.name, server.user, server.hubLabel, server.server.name);
    const lifetime = new DisposableStore();
    const controller = lifetime.add(vs.notebooks.createNotebookController(id, NOTEBOOK_TYPE, iconLabel(label)));
    const entry: ControllerEntry = { id, controller, server, spec, lifetime, selected: new Set() };
    controller.description = iconLabel(spec.name);
    controller.detail = iconLabel(`${server.server.name ? `server "${server.server.name}"` : 'default server'} at ${server.server.url}`);
    if (spec.language) controller.supportedLanguages = [spec.language.toLowerCase()];
    controller.supportsExecutionOrder = true;
    controller.executeHandler = (cells, notebook) => this.execute(entry, cells, notebook);
    controller.interruptHandler = (notebook) => this.interrupt(notebook);
    lifetime.add(controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      const key = notebook.uri.toString();
      if (selected) {
        entry.selected.add(key);
        if (!this.reattachKept(entry, notebook)) this.startOnSelect(entry, notebook);
      } else entry.selected.delete(key);
      const current = this.notebooks.get(key);
      // Switching to another kernel ends this one (or leaves it running with the keep setting).
      if (!selected && current?.controllerId === id) void this.releaseKernel(key);
      if (!selected && entry.unavailable && !this.inUse(entry)) void this.refresh();
    }));
    this.controllers.set(id, entry);
    for (const nb of vs.workspace.notebookDocuments) this.preferForServerNotebook(entry, nb);
    this.opts.logger.info(`notebook controller ${id}: ${label}`);
  }

  private removeController(entry: ControllerEntry): void {
    this.controllers.delete(entry.id);
    entry.lifetime.dispose();
    this.opts.logger.info(`notebook controller ${entry.id} removed (server no longer ready)`);
  }

  /** The hub says the server stopped under open notebooks (stopped, culled, user deleted): drop the connections, tell once. */
  private serverGone(entry: ControllerEntry): void {
    this.markUnavailable(entry, 'server-gone');
    for (const [uri, nb] of this.notebooks) if (nb.controllerId === entry.id) void this.releaseKernel(uri, false);
    this.offerServerRestart(entry.server);
  }

  private notebookKernel(entry: ControllerEntry, notebook: vscode.NotebookDocument): NotebookEntry {
    const key = notebook.uri.toString();
    const existing = this.notebooks.get(key);
    if (existing && existing.controllerId === entry.id && existing.kernel.state !== 'shut-down') return existing;
    if (existing) void this.releaseKernel(key);
    const jupyter = new JupyterServerClient(entry.server.server.url!, entry.server.client.http);
    const name = notebook.uri.path.split('/').pop() || 'notebook.ipynb';
    const kernelOpts: NotebookKernelOptions = {
      jupyter,
      kernelName: entry.spec.name,
      // The notebook's own path when it lives on this server (relative paths mean what they mean in JupyterLab);
      // else a path per local notebook, so two notebooks with one file name never share a kernel.
      sessionPath: pathOnServer(notebook.uri, entry.server) ?? `pangeo-vscode/${hubHash(key)}/${name}`,
      sessionName: name,
      probeServer: () => this.probe(entry),
      logger: this.opts.logger,
      clientId: this.opts.reattach?.clientIdFor(key, jupyter.serverUrl),
    };
    const { NotebookKernel: Kernel } = kernelModule();
    const kernel = this.opts.createKernel ? this.opts.createKernel(kernelOpts, entry.server) : new Kernel(kernelOpts);
    if (kernel instanceof Kernel) this.opts.reattach?.track(key, kernel, jupyter.serverUrl);
    const created: NotebookEntry = { kernel, controllerId: entry.id, outputs: new Map(), stateSub: { dispose() {} } };
    created.stateSub = kernel.onDidChangeState((change) => {
      this.onKernelState(entry, created, change);
      this.kernelStates.fire({ notebook: key, label: notebookName(key), hubId: entry.server.hubId, kernel, state: change.state, previous: change.previous, waitUntil: change.waitUntil });
    });
    if (kernel.widgets) created.widgetsSub = this.widgetMessaging.bind(key, kernel.widgets);
    this.notebooks.set(key, created);
    return created;
  }

  private async probe(entry: ControllerEntry): Promise<ServerProbe> {
    if (this.opts.probeServer) return this.opts.probeServer(entry.server);
    const { client, user, server } = entry.server;
    try {
      return (await client.getServer(user, server.name)).state === 'ready' ? 'ready' : 'stopped';
    } catch (e) {
      return isPangeoError(e, 'NotFound') ? 'stopped' : 'unknown';
    }
  }

  private async execute(entry: ControllerEntry, cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    const { vs } = this;
    const executions = cells.map((cell) => ({ cell, execution: entry.controller.createNotebookCellExecution(cell) }));
    if (!vs.workspace.isTrusted) {
      for (const { execution } of executions) {
        execution.start(Date.now());
        await execution.replaceOutput(failureOutput(vs, 'Untrusted workspace', 'Pangeo Compute runs code in kernels only in trusted workspaces.'));
        execution.end(false, Date.now());
      }
      return;
    }
    entry.selected.add(notebook.uri.toString());
    if (entry.unavailable === 'signed-out' && this.opts.hubs.isSignedIn(entry.server.hubId)) {
      // Signed in again but the servers were not read yet: read them rather than refuse.
      await this.opts.hubs.refresh().catch(() => undefined);
      await this.refresh();
    }
    if (entry.unavailable) return this.refuse(entry, executions);
    const nb = this.notebookKernel(entry, notebook);
    nb.ranCells = true;
    await this.runCells(nb, executions, notebook.uri.toString());
  }

  /** Cells of one request (or the queued cells a reload interrupted) run in order, each queued behind the one before. */
  private async runCells(nb: NotebookEntry, executions: { cell: vscode.NotebookCell; execution: vscode.NotebookCellExecution }[], notebookKey: string): Promise<void> {
    // Like "Run All" in Jupyter: after a failing cell the rest of the batch does not run.
    const batch = new AbortController();
    await Promise.all(executions.map(({ cell, execution }) => this.runCell(nb, cell, execution, batch, notebookKey)));
  }

  /** A bound notebook whose hub is signed out or whose server is gone: the first cell says why, one notification offers the way out. */
  private async refuse(entry: ControllerEntry, executions: { execution: vscode.NotebookCellExecution }[]): Promise<void> {
    const { vs } = this;
    const { hubLabel, server } = entry.server;
    const where = `${server.name ? `the server "${server.name}"` : 'the default server'} on ${hubLabel}`;
    const [title, message] = entry.unavailable === 'signed-out'
      ? ['Signed out', `You signed out of ${hubLabel}, so this notebook has no kernel. Sign in to ${hubLabel} (Hubs view or Accounts menu) and run the cell again.`]
      : ['Server stopped', `${capitalize(where)} is not running. Start it again, or pick another kernel.`];
    executions.forEach(({ execution }, i) => {
      execution.start(Date.now());
      if (i === 0) void execution.replaceOutput(failureOutput(vs, title, message));
      execution.end(i === 0 ? false : undefined, Date.now());
    });
    if (entry.unavailable === 'server-gone') return this.offerServerRestart(entry.server, true);
    // Not awaited: the cell has ended; the question stays up without holding the run.
    const signIn = 'Sign In';
    void Promise.resolve(vs.window.showWarningMessage(notificationText(`This notebook cannot run: you signed out of ${hubLabel}.`).text, signIn)).then((answer) => {
      if (answer === signIn) return vs.commands.executeCommand('pangeo.hubs.signIn', entry.server.hubId);
      return undefined;
    });
  }

  private async runCell(nb: NotebookEntry, cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, batch: AbortController,
    notebookKey: string): Promise<void> {
    const { vs } = this;
    const cellKey = cell.document.uri.toString();
    const writer = new CellExecutionWriter(vs, execution, nb.outputs, cellKey);
    const cancel = new AbortController();
    const tokenSub = execution.token.onCancellationRequested(() => cancel.abort());
    let started = false;
    let startedAt = Date.now();
    let msgId: string | undefined;
    // Kept in the ledger until its request is sent: a reload meanwhile queues it again behind the picked-up runs.
    const queued = this.opts.reattach?.queued(notebookKey, cell, Date.now());
    const start = () => {
      if (started) return;
      started = true;
      execution.start((startedAt = Date.now()));
      writer.clear();
    };
    try {
      const result = await nb.kernel.run({
        code: cell.document.getText(),
        cellKey,
        signal: AbortSignal.any([cancel.signal, batch.signal]),
        onStart: start,
        onChange: (change) => writer.apply(change),
        onInput: askInInputBox(vs, cell),
        onRequest: (id) => this.opts.reattach?.started(notebookKey, cell, (msgId = id), startedAt, queued),
      });
      if (result.status === 'error' || result.status === 'aborted') batch.abort();
      if (!started) {
        // Cancelled while queued: leave the cell as it was.
        execution.start(Date.now());
        execution.end(undefined, Date.now());
        return;
      }
      if (result.executionCount !== null) execution.executionOrder = result.executionCount;
      await writer.flushed();
      execution.end(result.status === 'cancelled' ? undefined : result.status === 'ok', Date.now());
    } catch (e) {
      batch.abort();
      start();
      const message = isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
      // After what the cell printed before it failed (start() cleared the outputs of earlier runs).
      writer.append([failureOutput(vs, isPangeoError(e, 'Unauthorized') ? 'Signed out' : 'Kernel unavailable', message)]);
      await writer.flushed();
      execution.end(false, Date.now());
    } finally {
      tokenSub.dispose();
      if (msgId) this.opts.reattach?.ended(notebookKey, msgId);
      else if (queued) this.opts.reattach?.dequeued(notebookKey, queued);
    }
  }

  /**
   * A reloaded window: the notebook's controller is selected again and a cell was running on it. Picks that cell up
   * (the server replays what it kept for this notebook's session key); true when it did.
   */
  private reattachKept(entry: ControllerEntry, notebook: vscode.NotebookDocument): boolean {
    const key = notebook.uri.toString();
    const ledger = this.opts.reattach?.pending(key, entry.server.server.url!);
    if (!ledger || entry.unavailable || !this.vs.workspace.isTrusted || ledger.kernelName !== entry.spec.name) return false;
    const nb = this.notebookKernel(entry, notebook);
    if (!(nb.kernel instanceof kernelModule().NotebookKernel)) return false;
    nb.ranCells = true;
    const jupyter = new JupyterServerClient(entry.server.server.url!, entry.server.client.http);
    void this.opts.reattach!.reattach(key, ledger, {
      controller: entry.controller, notebook, jupyter, kernel: nb.kernel, outputs: nb.outputs,
      run: (executions) => this.runCells(nb, executions, key),
    })
      .catch((e: unknown) => this.opts.logger.warn(`reattaching ${notebookName(key)}: ${String(e)}`));
    return true;
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const nb = this.notebooks.get(notebook.uri.toString());
    // As the kernel cancels its queued cells: those queued again after a reload too (the stop button calls this).
    this.opts.reattach?.cancelQueued(notebook.uri.toString());
    try {
      await nb?.kernel.interrupt();
    } catch (e) {
      void this.vs.window.showErrorMessage(notificationText(`Could not interrupt the kernel: ${isPangeoError(e) ? e.userMessage : String(e)}`).text);
    }
  }

  /** The restart command: the active notebook's kernel (or the one named by the argument). */
  async restartKernel(notebookUri?: vscode.Uri): Promise<void> {
    const uri = notebookUri ?? this.vs.window.activeNotebookEditor?.notebook.uri;
    const nb = uri ? this.notebooks.get(uri.toString()) : undefined;
    if (!nb) {
      void this.vs.window.showInformationMessage('No Pangeo kernel is running for this notebook.');
      return;
    }
    this.opts.reattach?.cancelQueued(uri!.toString());
    try {
      await nb.kernel.restart();
      this.vs.window.setStatusBarMessage('$(debug-restart) Pangeo: kernel restarted', 5000);
    } catch (e) {
      void this.vs.window.showErrorMessage(notificationText(`Could not restart the kernel: ${isPangeoError(e) ? e.userMessage : String(e)}`).text);
    }
  }

  private onKernelState(entry: ControllerEntry, nb: NotebookEntry, change: KernelStateChange): void {
    const { window } = this.vs;
    nb.reconnectMessage?.dispose();
    nb.reconnectMessage = undefined;
    const label = entry.controller.label;
    switch (change.state) {
      case 'reconnecting':
        nb.reconnectMessage = window.setStatusBarMessage(`$(sync~spin) ${label}: reconnecting to the kernel…`);
        break;
      case 'connected':
        if (change.previous === 'reconnecting') window.setStatusBarMessage(`$(check) ${label}: reconnected`, 5000);
        break;
      case 'disconnected':
        void window.showWarningMessage(notificationText(`${label}: ${change.message ?? 'lost the connection to the kernel.'}`).text);
        break;
      case 'server-stopped':
        // The kernel found its server gone (hub says stopped, or neither answers): no more "reconnecting".
        if (this.controllers.get(entry.id) === entry) this.serverGone(entry);
        else this.offerServerRestart(entry.server);
        break;
      case 'idle':
        if (change.message) void window.showWarningMessage(notificationText(`${label}: ${change.message}`).text);
        break;
      default:
        break;
    }
  }

  /**
   * One notification per server (not per notebook or event): "The server … is gone — Start It Again / Pick Another
   * Kernel". `again` repeats it when the user runs a cell on the gone server.
   */
  private offerServerRestart(server: ConnectedServer, again = false): void {
    const key = serverKey(server);
    const last = this.restartOffered.get(key);
    if (this._isDisposed || last === Infinity || (!again && last !== undefined && Date.now() - last < RESTART_OFFER_QUIET_MS)) return;
    this.restartOffered.set(key, Infinity); // asking now
    const { vs } = this;
    const where = `${server.server.name ? `The server "${server.server.name}"` : 'The default server'} on ${server.hubLabel}`;
    const start = 'Start It Again';
    const pick = 'Pick Another Kernel';
    void Promise.resolve(vs.window.showWarningMessage(notificationText(`${where} is gone (stopped, culled, or the hub is down); notebooks using it have no kernel.`).text, start, pick))
      .then(async (answer) => {
        if (answer === pick) await vs.commands.executeCommand('notebook.selectKernel');
        if (answer !== start) return;
        if (await this.opts.hubs.restartServer(server.hubId, server.server.name, false)) {
          await this.opts.hubs.refresh();
          await this.refresh();
        }
      })
      .catch((e: unknown) => {
        void vs.window.showErrorMessage(notificationText(`Could not start the server again: ${isPangeoError(e) ? e.userMessage : String(e)}`).text);
      })
      .finally(() => this.restartOffered.set(key, Date.now()));
  }

  /** The server runs again: offer to connect the notebooks still bound to it (each gets a kernel now, not on the next run). */
  private offerReconnect(entry: ControllerEntry): void {
    const keys = [...entry.selected];
    if (!keys.length || this._isDisposed) return;
    const names = keys.map(notebookName).join(', ');
    const reconnect = 'Reconnect';
    void Promise.resolve(this.vs.window.showInformationMessage(notificationText(`${entry.controller.label} is running again. Reconnect ${names} to it?`).text, reconnect))
      .then(async (answer) => {
        if (answer !== reconnect) return;
        for (const key of keys) {
          const notebook = this.vs.workspace.notebookDocuments.find((d) => d.uri.toString() === key);
          if (notebook && this.controllers.get(entry.id) === entry) await this.notebookKernel(entry, notebook).kernel.connect();
        }
        this.vs.window.setStatusBarMessage(`$(check) ${names}: connected to ${entry.controller.label}`, 5000);
      })
      .catch((e: unknown) => void this.vs.window.showErrorMessage(notificationText(`Could not reconnect: ${isPangeoError(e) ? e.userMessage : String(e)}`).text));
  }

  /** Ends a notebook's kernel: shut down, or only disconnected when the user keeps kernels (or the server is gone). */
  private async releaseKernel(notebookKey: string, shutDown = !this.setting('keepKernelOnClose'), reason?: PangeoError): Promise<void> {
    const nb = this.notebooks.get(notebookKey);
    if (!nb) return;
    this.notebooks.delete(notebookKey);
    nb.reconnectMessage?.dispose();
    nb.stateSub.dispose();
    if (shutDown) this.opts.reattach?.forget(notebookKey);
    try {
      if (shutDown) await nb.kernel.shutdown(reason);
      else nb.kernel.detach(reason);
    } catch (e) {
      this.opts.logger.warn(`kernel shutdown for ${notebookKey}: ${isPangeoError(e) ? e.userMessage : String(e)}`);
    } finally {
      nb.widgetsSub?.dispose(); // after the shutdown, so the notebook's widget views hear that their kernel is gone
    }
  }

  /**
   * Runs code the user did not write (e.g. Dask cluster discovery) in the kernel this notebook already uses, without
   * history or execution count; returns its stdout. Undefined when the notebook has no Pangeo kernel.
   */
  async runInNotebook(uri: vscode.Uri, code: string): Promise<string | undefined> {
    const entry = this.notebooks.get(uri.toString());
    if (!entry) return undefined;
    if (!this.vs.workspace.isTrusted) throw new InvalidInputError('Pangeo Compute does not run code in kernels of an untrusted workspace.', 'Trust the workspace first.');
    return stdoutOf(await entry.kernel.run({ code, storeHistory: false, onChange: () => undefined }));
  }

  /** A notebook's connected kernel on our controller, for completions and hovers (kernelCompletionProvider.ts). */
  introspectionFor(notebook: vscode.NotebookDocument): NotebookIntrospection | undefined {
    const nb = this.notebooks.get(notebook.uri.toString());
    const session = nb?.kernel.introspection;
    const spec = nb && this.controllers.get(nb.controllerId)?.spec;
    return session && spec ? { session, language: spec.language.toLowerCase() } : undefined;
  }

  /** Every notebook's connected Pangeo kernel for the agent tools: idle or busy, and a run that sends nothing while busy. */
  connectedKernels(): ConnectedNotebookKernel[] {
    if (!this.vs.workspace.isTrusted) return [];
    return [...this.notebooks].filter(([, nb]) => nb.kernel.state === 'connected').map(([key, nb]) => ({
      uri: key, label: notebookName(key), idle: nb.kernel.idle ?? false,
      runIfIdle: (code: string, signal?: AbortSignal) => nb.kernel.runIfIdle?.(code, signal),
    }));
  }

  /** The notebooks whose Pangeo kernel is connected, to run hidden code in while idle; none in an untrusted workspace. */
  idleRunners(): IdleRunner[] {
    if (!this.vs.workspace.isTrusted) return [];
    const out: IdleRunner[] = [];
    for (const [key, nb] of this.notebooks) {
      const kernel = nb.kernel;
      if (kernel.state !== 'connected' || !kernel.runIfIdle) continue;
      const entry = this.controllers.get(nb.controllerId);
      const startSibling = (server: ConnectedServer, kernelName: string, signal?: AbortSignal) => this.opts.startSibling
        ? this.opts.startSibling(server, kernelName, signal)
        : startProbeSibling(new JupyterServerClient(server.server.url!, server.client.http), kernelName, signal);
      out.push({
        id: key, label: notebookName(key),
        runIfIdle: async (code, signal) => {
          const run = kernel.runIfIdle?.(code, signal);
          return run ? stdoutOf(await run) : undefined;
        },
        startSibling: entry?.server.server.url ? (signal) => startSibling(entry.server, entry.spec.name, signal) : undefined,
      });
    }
    return out;
  }

  override dispose(): void {
    if (this._isDisposed) return;
    this.kernelStates.dispose();
    // Listeners go first so nothing reacts to the teardown; then the kernels, then the controllers.
    super.dispose();
    // The window is closing or reloading: a kernel running a cell keeps running, for the reloaded window to pick up.
    const keep = new Set([...this.notebooks.keys()].filter((key) => this.opts.reattach?.hasRuns(key)));
    this.opts.reattach?.dispose(); // first: the runs cancelled below are not "ended" for the reloaded window
    for (const key of [...this.notebooks.keys()]) void this.releaseKernel(key, keep.has(key) ? false : undefined);
    for (const entry of this.controllers.values()) entry.lifetime.dispose();
    this.controllers.clear();
  }
}

