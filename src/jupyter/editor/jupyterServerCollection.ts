// Registers "Pangeo hubs" in the Jupyter extension's kernel picker (ms-toolsai.jupyter, a soft dependency): ready
// servers of signed-in hubs, resolved with an Authorization header because the Jupyter extension does not put a
// third-party token on the kernel websocket (kept current in place: LiveAuthHeaders), and with our fetch (current
// token on every request; ends its reconnect loop once a server is gone).
import type * as vscode from 'vscode';
import type { Jupyter, JupyterServer, JupyterServerCollection, JupyterServerCommand, JupyterServerConnectionInformation, JupyterServerProvider } from '@vscode/jupyter-extension';
import type { HubService } from '../../hubs/editor/hubService';
import type { ConnectedServer } from '../../hubs/hubRegistry';
import type { Logger } from '../../core/log';
import type { HttpClient } from '../../core/http/httpClient';
import type { JupyterServerHealth, KernelWhere } from './jupyterServerHealth';
import type * as JupyterServerHealthModule from './jupyterServerHealth';
import { loadFeature } from '../../core/chunks';
import { hubKernelLabel } from '../kernelSpecLabels';
import { jupyterExtensionFetch, type FetchFn } from '../jupyterExtensionFetch';
import { LiveAuthHeaders } from '../liveAuthHeaders';
import { keptSessionWebSocketClass, SessionKeys } from '../keptSessionSocket';
import { workspaceSessionKeys } from './sessionKeyStore';
import { offeredServers, splitServerId, type UsedServerMemory } from '../offeredServers';
import { workspaceUsedServers } from './usedServerStore';
import { EarlierOutputNotice } from './earlierOutputNotice';
import { loadChunk } from '../../core/chunks';
import { readKernelFrame } from '../../jupyterServer/kernelMessageDecoder';
import { Disposable } from '../../core/lifecycle';

export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';
export const COLLECTION_ID = 'pangeo-hubs';

const SIGN_IN: JupyterServerCommand = { label: 'Sign in to a hub…', description: 'Pangeo Compute' };
const START: JupyterServerCommand = { label: 'Start a server…', description: 'Pangeo Compute' };
const OPEN_FILES: JupyterServerCommand = { label: 'Open Server Files…', description: 'Pangeo Compute: the server\'s home in the Explorer' };

/**
 * `fetch` is in the Jupyter extension's proposed API (src/api.proposed.jupyterSettings.d.ts of vscode-jupyter, read by
 * 2025.4.1 for every REST call of the server), not yet in @vscode/jupyter-extension's types.
 */
type ConnectionInformation = JupyterServerConnectionInformation & { readonly fetch?: FetchFn; readonly WebSocket?: unknown };

export function serverId(s: Pick<ConnectedServer, 'hubId'> & { server: { name: string } }): string {
  return `${s.hubId}#${s.server.name}`;
}

export class PangeoServerProvider extends Disposable implements JupyterServerProvider, vscode.Disposable {
  readonly onDidChangeServers: vscode.Event<void>;
  private readonly authHeaders: LiveAuthHeaders;
  private readonly sessionKeys: SessionKeys;
  private readonly remembered: UsedServerMemory;
  /** Output of cells that ran while no window was attached, told about once per cell (tests read it). */
  readonly earlierOutput: EarlierOutputNotice;

  constructor(private readonly vs: typeof vscode, private readonly hubs: HubService, private readonly health: JupyterServerHealth,
    workspaceState: Pick<vscode.Memento, 'get' | 'update'>) {
    super();
    this.sessionKeys = new SessionKeys(workspaceSessionKeys(workspaceState));
    this.remembered = workspaceUsedServers(workspaceState);
    this.earlierOutput = this._register(new EarlierOutputNotice(vs));
    this.authHeaders = this._register(new LiveAuthHeaders((hubId) => hubs.authorizationFor(hubId), hubs.sessions.onDidChange));
    const emitter = this._register(new vs.EventEmitter<void>());
    this._register(hubs.onDidChangeServers(() => emitter.fire()));
    this._register(health.onDidChange(() => emitter.fire()));
    this.onDidChangeServers = emitter.event;
  }

  /**
   * Ready servers, every server the Jupyter extension used (same id and label, running or not: see usedServers), and
   * until their hub answers, those it used in an earlier window (it forgets a server missing here: offeredServers.ts).
   */
  provideJupyterServers(): JupyterServer[] {
    return offeredServers({
      used: this.health.usedServers(),
      ready: this.hubs.readyServers().map((s) => ({ id: serverId(s), label: serverLabel(s) })),
      remembered: this.remembered.all(),
      hubState: (hubId) => !this.hubs.sessions.hub(hubId) ? 'removed' : this.hubs.snapshot(hubId)?.servers ? 'answered' : 'unanswered',
    });
  }

  /** Never starts a server silently: a stopped one is started only after the user agrees. */
  async resolveJupyterServer(server: JupyterServer): Promise<JupyterServer | undefined> {
    const [hubId, serverName] = splitServerId(server.id);
    // Signed out or gone: resolved at its last address; our fetch refuses kernel starts with the reason and offers the way out.
    const last = this.health.unavailableServer(server.id);
    if (last) return { ...server, connectionInformation: await this.connection(server.id, hubId, last.url, last.http, last.where) };
    let ready = this.find(hubId, serverName);
    if (!ready) {
      await this.hubs.refresh(hubId);
      ready = this.find(hubId, serverName);
    }
    if (!ready && (await this.hubs.restartServer(hubId, serverName))) ready = this.find(hubId, serverName);
    if (!ready?.server.url) return undefined;
    this.health.resolvedServer(server.id, serverLabel(ready), ready);
    this.remembered.add({ id: server.id, label: serverLabel(ready) });
    const where = { user: ready.user, hubLabel: ready.hubLabel, serverName: ready.server.name };
    return { ...server, connectionInformation: await this.connection(server.id, hubId, ready.server.url, ready.client.http, where) };
  }

  private async connection(id: string, hubId: string, url: string, http: HttpClient, where: KernelWhere): Promise<ConnectionInformation> {
    // Read by the Jupyter extension at each request, and by our socket class at each handshake; rewritten when the token changes.
    const headers = await this.authHeaders.headersFor(id, hubId);
    const { WebSocketImpl, deserialize } = loadChunk<typeof import('../../chunks/jupyter')>('jupyter');
    const label = this.provideJupyterServers().find((s) => s.id === id)?.label ?? `${where.serverName || 'default'} — ${where.user} @ ${where.hubLabel}`;
    return {
      baseUrl: this.vs.Uri.parse(url),
      headers,
      // Its kernel sockets: the session key this workspace last used for the kernel (after a reload the server replays
      // the output printed meanwhile), and the current token on each handshake; what it would drop of that, shown by us.
      WebSocket: keptSessionWebSocketClass(WebSocketImpl, this.sessionKeys, {
        headers: () => headers,
        decode: (data, protocol) => readKernelFrame(data, protocol, deserialize),
        onEarlierOutput: (output) => this.earlierOutput.add(output, label),
      }),
      // Its REST calls through our HTTP layer (token renewed, errors typed); a kernel start may take long on a busy hub.
      // Its kernelspecs are relabelled "Python 3 (ipykernel) — alice @ hub" so a hub's kernel never looks like a local one.
      fetch: jupyterExtensionFetch(this.health.fateOf(id), http.withBase(url, { timeoutMs: 120_000 }).fetchFunction(),
        { kernelLabel: (displayName) => hubKernelLabel(displayName, where) }),
    };
  }

  private find(hubId: string, serverName: string): ConnectedServer | undefined {
    return this.hubs.readyServers().find((s) => s.hubId === hubId && s.server.name === serverName);
  }

  commands(): JupyterServerCommand[] {
    if (!this.hubs.sessions.hubs().some((h) => h.user)) return [SIGN_IN];
    return this.hubs.readyServers().length ? [START, OPEN_FILES, SIGN_IN] : [START, SIGN_IN];
  }

  /** Runs our sign-in/start flows; returns the server to connect to, or undefined to go back to the picker. */
  async handleCommand(command: JupyterServerCommand): Promise<JupyterServer | undefined> {
    if (command.label === OPEN_FILES.label) {
      // Not a kernel choice: the picker closes (CancellationError) and the files open in the Explorer.
      void this.vs.commands.executeCommand('pangeo.files.openServerFiles');
      throw new this.vs.CancellationError();
    }
    if (command.label === SIGN_IN.label) {
      const base = await this.vs.commands.executeCommand<string | undefined>('pangeo.hubs.add');
      if (!base) return undefined;
    }
    const before = new Set(this.hubs.readyServers().map(serverId));
    await this.vs.commands.executeCommand('pangeo.hubs.startServer');
    const started = this.hubs.readyServers().find((s) => !before.has(serverId(s))) ?? this.hubs.readyServers()[0];
    return started ? this.resolveJupyterServer({ id: serverId(started), label: '' }) : undefined;
  }
}

function serverLabel(s: ConnectedServer): string {
  return `${s.server.name || 'default'} — ${s.user} @ ${s.hubLabel}`;
}


/** Creates the collection once, on first need (a notebook opened or a command), never during activate(). */
export class JupyterServerCollectionRegistration extends Disposable implements vscode.Disposable {
  private collection?: JupyterServerCollection;
  /** The provider handed to the Jupyter extension (tests play the picker with it). */
  provider?: PangeoServerProvider;
  private attempted = false;
  /** Watches the servers the Jupyter extension resolved; created with the collection. */
  health?: JupyterServerHealth;

  constructor(private readonly vs: typeof vscode, private readonly hubs: HubService, private readonly logger: Logger,
    private readonly workspaceState: Pick<vscode.Memento, 'get' | 'update'>) {
    super();
  }

  get isJupyterInstalled(): boolean {
    return !!this.vs.extensions.getExtension(JUPYTER_EXTENSION_ID);
  }

  async ensure(): Promise<JupyterServerCollection | undefined> {
    if (this.collection || this.attempted || this._isDisposed) return this.collection;
    this.attempted = true;
    const ext = this.vs.extensions.getExtension<Jupyter>(JUPYTER_EXTENSION_ID);
    if (!ext) return undefined;
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      if (this._isDisposed) return undefined;
      // Registered in order, so disposal goes collection → provider → health (LIFO).
      // The servers' watch loads with the collection (dist/chunks/jupyterServerHealth.js).
      const { JupyterServerHealth: Health } = loadFeature<typeof JupyterServerHealthModule>('jupyterServerHealth');
      this.health = this._register(new Health({ vs: this.vs, hubs: this.hubs, logger: this.logger }));
      const provider = (this.provider = this._register(new PangeoServerProvider(this.vs, this.hubs, this.health, this.workspaceState)));
      const collection = this._register(api.createJupyterServerCollection(COLLECTION_ID, 'Pangeo hubs', provider));
      collection.commandProvider = {
        provideCommands: () => provider.commands(),
        handleCommand: (command) => provider.handleCommand(command),
      };
      collection.documentation = this.vs.Uri.parse('https://github.com/pangeo-compute/pangeo-compute-vscode#readme');
      this.collection = collection;
      this.logger.info('registered the "Pangeo hubs" server collection with the Jupyter extension');
    } catch (e) {
      this.logger.warn(`could not register with the Jupyter extension: ${(e as Error).message}`);
    }
    return this.collection;
  }
}
