// Editor adapter: one notebook controller per (ready server, kernelspec), created once a notebook is open, each
// notebook running its own NotebookKernel; connection trouble is told through the status bar and notifications.
import type * as vscode from 'vscode';
import { InvalidInputError } from '../core/http/errors';
import type { ConnectedServer, HubRegistry } from '../hubs/editor/hubRegistry';
import { JupyterServerClient, KernelSpecInfo } from '../jupyter/jupyterServerClient';
import { isPangeoError } from '../core/http/errors';
import type { Logger } from '../core/log';
import { CellExecutionWriter, failureOutput, OutputsById } from './cellExecutionWriter';
import { controllerIdFor, controllerLabel, hubHash } from './controllerId';
import { KernelStateChange, NotebookKernel, NotebookKernelOptions, ServerProbe } from './notebookKernel';
import { pathOnServer } from '../files/hubFileUri';

export const NOTEBOOK_TYPE = 'jupyter-notebook';
export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';
export const SETTING_SECTION = 'pangeo.kernels';
const RESTART_OFFER_QUIET_MS = 60_000;

/** What the adapter needs of a kernel (NotebookKernel, or a fake in unit tests). */
export type NotebookKernelLike = Pick<NotebookKernel, 'run' | 'interrupt' | 'restart' | 'shutdown' | 'detach' | 'onDidChangeState' | 'state'>;

export interface NotebookControllersOptions {
  vs: typeof vscode;
  hubs: HubRegistry;
  logger: Logger;
  /** Seams for unit tests; the defaults talk to the real server. */
  listKernelSpecs?(server: ConnectedServer): Promise<KernelSpecInfo[]>;
  createKernel?(opts: NotebookKernelOptions, server: ConnectedServer): NotebookKernelLike;
  probeServer?(server: ConnectedServer): Promise<ServerProbe>;
}

interface ControllerEntry {
  id: string;
  controller: vscode.NotebookController;
  server: ConnectedServer;
  spec: KernelSpecInfo;
  subscriptions: { dispose(): unknown }[];
}

interface NotebookEntry {
  kernel: NotebookKernelLike;
  controllerId: string;
  outputs: OutputsById;
  stateSub: { dispose(): void };
  reconnectMessage?: { dispose(): void };
}

function serverKey(s: ConnectedServer): string {
  return `${s.hubId}\u0000${s.server.name}`;
}

export class NotebookControllers implements vscode.Disposable {
  private readonly vs: typeof vscode;
  private readonly controllers = new Map<string, ControllerEntry>();
  private readonly notebooks = new Map<string, NotebookEntry>();
  private readonly specCache = new Map<string, { url: string; specs: Promise<KernelSpecInfo[]> }>();
  private readonly subscriptions: { dispose(): unknown }[] = [];
  /** When each server was last offered a restart: one question per server, not one per notebook or event. */
  private readonly restartOffered = new Map<string, number>();
  private active = false;
  private disposed = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: NotebookControllersOptions) {
    this.vs = opts.vs;
    const { vs, hubs } = opts;
    this.subscriptions.push(
      vs.workspace.onDidOpenNotebookDocument((nb) => this.onNotebookOpened(nb)),
      vs.workspace.onDidCloseNotebookDocument((nb) => void this.releaseKernel(nb.uri.toString())),
      hubs.onDidChangeServers(() => void this.refresh()),
      vs.extensions.onDidChange(() => void this.refresh()),
      vs.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTING_SECTION}.showOwnControllers`)) void this.refresh();
      }),
    );
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

  private onNotebookOpened(nb: vscode.NotebookDocument): void {
    if (nb.notebookType === NOTEBOOK_TYPE && !this.active) this.activate();
    for (const entry of this.controllers.values()) this.preferForServerNotebook(entry, nb);
  }

  /** A notebook opened from a server's files (pangeo-hub:) runs on that server's kernel (the one its kernelspec names). */
  private preferForServerNotebook(entry: ControllerEntry, nb: vscode.NotebookDocument): void {
    if (pathOnServer(nb.uri, entry.server) === undefined) return;
    // VS Code's ipynb serializer keeps the file's metadata under `metadata` (older versions: `custom.metadata`).
    const meta = nb.metadata as { metadata?: { kernelspec?: { name?: unknown } }; custom?: { metadata?: { kernelspec?: { name?: unknown } } } } | undefined;
    const wanted = meta?.metadata?.kernelspec?.name ?? meta?.custom?.metadata?.kernelspec?.name;
    if (typeof wanted === 'string' && wanted !== entry.spec.name) return;
    entry.controller.updateNotebookAffinity(nb, this.vs.NotebookControllerAffinity.Preferred);
  }

  private activate(): void {
    this.active = true;
    void this.refresh();
    // The registry may not have read the servers yet (it polls only while the Hubs view is shown).
    this.opts.hubs.refresh().then(() => this.refresh(), (e: unknown) => this.opts.logger.warn(`reading hub servers: ${String(e)}`));
  }

  private setting(name: 'keepKernelOnClose' | 'showOwnControllers'): boolean {
    return this.vs.workspace.getConfiguration(SETTING_SECTION).get<boolean>(name, false) === true;
  }

  /** With the Jupyter extension present, its kernel picker (fed by our server collection) is the one path. */
  private offerOwnControllers(): boolean {
    return !this.vs.extensions.getExtension(JUPYTER_EXTENSION_ID) || this.setting('showOwnControllers');
  }

  private async sync(): Promise<void> {
    if (!this.active || this.disposed) return;
    const wanted = new Map<string, { server: ConnectedServer; spec: KernelSpecInfo }>();
    if (this.offerOwnControllers()) {
      const servers = this.opts.hubs.readyServers().filter((s) => s.server.url);
      await Promise.all(servers.map(async (server) => {
        for (const spec of await this.kernelSpecs(server)) {
          wanted.set(controllerIdFor(server.hubId, server.server.name, spec.name), { server, spec });
        }
      }));
    }
    if (this.disposed) return;
    for (const [id, entry] of this.controllers) {
      if (wanted.has(id)) continue;
      // A server missing from one refresh may be a hiccup of the hub: notebooks in use keep it until the hub says stopped.
      const inUse = [...this.notebooks.values()].some((nb) => nb.controllerId === id);
      if (inUse && (await this.probe(entry)) !== 'stopped') continue;
      if (this.controllers.get(id) === entry) this.removeController(entry);
    }
    for (const [id, { server, spec }] of wanted) {
      const existing = this.controllers.get(id);
      if (existing) existing.server = server; // a re-sign-in gives a new client
      else this.addController(id, server, spec);
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
    const label = controllerLabel(spec.name, server.user, server.hubLabel, server.server.name);
    const controller = vs.notebooks.createNotebookController(id, NOTEBOOK_TYPE, label);
    const entry: ControllerEntry = { id, controller, server, spec, subscriptions: [] };
    controller.description = spec.displayName;
    controller.detail = `${server.server.name ? `server "${server.server.name}"` : 'default server'} at ${server.server.url}`;
    if (spec.language) controller.supportedLanguages = [spec.language.toLowerCase()];
    controller.supportsExecutionOrder = true;
    controller.executeHandler = (cells, notebook) => this.execute(entry, cells, notebook);
    controller.interruptHandler = (notebook) => this.interrupt(notebook);
    entry.subscriptions.push(controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
      const current = this.notebooks.get(notebook.uri.toString());
      // Switching to another kernel ends this one (or leaves it running with the keep setting).
      if (!selected && current?.controllerId === id) void this.releaseKernel(notebook.uri.toString());
    }));
    this.controllers.set(id, entry);
    for (const nb of vs.workspace.notebookDocuments) this.preferForServerNotebook(entry, nb);
    this.opts.logger.info(`notebook controller ${id}: ${label}`);
  }

  private removeController(entry: ControllerEntry): void {
    this.controllers.delete(entry.id);
    for (const [uri, nb] of this.notebooks) {
      if (nb.controllerId !== entry.id) continue;
      void this.releaseKernel(uri, false);
      // The server went away under an open notebook: it was stopped or culled.
      this.offerServerRestart(entry.server);
    }
    for (const sub of entry.subscriptions) sub.dispose();
    entry.controller.dispose();
    this.opts.logger.info(`notebook controller ${entry.id} removed (server no longer ready)`);
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
    };
    const kernel = this.opts.createKernel ? this.opts.createKernel(kernelOpts, entry.server) : new NotebookKernel(kernelOpts);
    const created: NotebookEntry = { kernel, controllerId: entry.id, outputs: new Map(), stateSub: { dispose() {} } };
    created.stateSub = kernel.onDidChangeState((change) => this.onKernelState(entry, created, change));
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
    const nb = this.notebookKernel(entry, notebook);
    // Like "Run All" in Jupyter: after a failing cell the rest of the batch does not run.
    const batch = new AbortController();
    await Promise.all(executions.map(({ cell, execution }) => this.runCell(nb, cell, execution, batch)));
  }

  private async runCell(nb: NotebookEntry, cell: vscode.NotebookCell, execution: vscode.NotebookCellExecution, batch: AbortController): Promise<void> {
    const { vs } = this;
    const cellKey = cell.document.uri.toString();
    const writer = new CellExecutionWriter(vs, execution, nb.outputs, cellKey);
    const cancel = new AbortController();
    const tokenSub = execution.token.onCancellationRequested(() => cancel.abort());
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      execution.start(Date.now());
      writer.clear();
    };
    try {
      const result = await nb.kernel.run({
        code: cell.document.getText(),
        cellKey,
        signal: AbortSignal.any([cancel.signal, batch.signal]),
        onStart: start,
        onChange: (change) => writer.apply(change),
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
      writer.replaceWith([failureOutput(vs, 'Kernel unavailable', message)]);
      await writer.flushed();
      execution.end(false, Date.now());
    } finally {
      tokenSub.dispose();
    }
  }

  private async interrupt(notebook: vscode.NotebookDocument): Promise<void> {
    const nb = this.notebooks.get(notebook.uri.toString());
    try {
      await nb?.kernel.interrupt();
    } catch (e) {
      void this.vs.window.showErrorMessage(`Could not interrupt the kernel: ${isPangeoError(e) ? e.userMessage : String(e)}`);
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
    try {
      await nb.kernel.restart();
      this.vs.window.setStatusBarMessage('$(debug-restart) Pangeo: kernel restarted', 5000);
    } catch (e) {
      void this.vs.window.showErrorMessage(`Could not restart the kernel: ${isPangeoError(e) ? e.userMessage : String(e)}`);
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
        void window.showWarningMessage(`${label}: ${change.message ?? 'lost the connection to the kernel.'}`);
        break;
      case 'server-stopped':
        this.offerServerRestart(entry.server);
        break;
      case 'idle':
        if (change.message) void window.showWarningMessage(`${label}: ${change.message}`);
        break;
      default:
        break;
    }
  }

  /** "Server stopped — restart it?": the hub registry asks and starts it; one question per server at a time. */
  private offerServerRestart(server: ConnectedServer): void {
    const key = serverKey(server);
    const last = this.restartOffered.get(key);
    if (this.disposed || (last !== undefined && (last === Infinity || Date.now() - last < RESTART_OFFER_QUIET_MS))) return;
    this.restartOffered.set(key, Infinity); // asking now
    this.opts.hubs.restartServer(server.hubId, server.server.name)
      .then((restarted) => {
        if (restarted) void this.refresh();
      }, (e: unknown) => {
        void this.vs.window.showErrorMessage(`Could not restart the server: ${isPangeoError(e) ? e.userMessage : String(e)}`);
      })
      .finally(() => this.restartOffered.set(key, Date.now()));
  }

  /** Ends a notebook's kernel: shut down, or only disconnected when the user keeps kernels (or the server is gone). */
  private async releaseKernel(notebookKey: string, shutDown = !this.setting('keepKernelOnClose')): Promise<void> {
    const nb = this.notebooks.get(notebookKey);
    if (!nb) return;
    this.notebooks.delete(notebookKey);
    nb.reconnectMessage?.dispose();
    nb.stateSub.dispose();
    try {
      if (shutDown) await nb.kernel.shutdown();
      else nb.kernel.detach();
    } catch (e) {
      this.opts.logger.warn(`kernel shutdown for ${notebookKey}: ${isPangeoError(e) ? e.userMessage : String(e)}`);
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
    const result = await entry.kernel.run({ code, storeHistory: false, onChange: () => undefined });
    if (result.status === 'error') throw new Error(`${result.error?.ename}: ${result.error?.evalue}`);
    return result.outputs
      .filter((o) => o.stream === 'stdout')
      .flatMap((o) => o.items)
      .map((i) => (i.kind === 'text' ? i.text : ''))
      .join('');
  }

  dispose(): void {
    this.disposed = true;
    for (const key of [...this.notebooks.keys()]) void this.releaseKernel(key);
    for (const entry of this.controllers.values()) {
      for (const sub of entry.subscriptions) sub.dispose();
      entry.controller.dispose();
    }
    this.controllers.clear();
    for (const sub of this.subscriptions.splice(0)) sub.dispose();
  }
}
