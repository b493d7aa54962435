// Client of one Jupyter server (a hub's single-user server): kernelspecs, kernels, sessions, and kernel connections.
import { randomUUID } from 'node:crypto';
import type { KernelMessage } from '@jupyterlab/services';
import type { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { loadChunk } from '../core/chunks';
import type { HttpClient, HttpRequest } from '../core/http/httpClient';
import { arrayOf, checkedJson, maybe, nullable, num, optional, recordOf, shape, str, type Answerer, type Guard } from '../core/http/responseCheck';
import { UnreachableError, TimeoutError, CancelledError } from '../core/http/errors';
import { untilAborted } from '../core/abort';
import { redactUrl } from '../core/http/redact';
import { KernelOutput, toKernelOutput } from './kernelOutputs';
import { kernelWebSocketClass } from './kernelWebSocket';
import { kernelSerializer } from './kernelMessageDecoder';
import { answerInputRequests, InputHandler } from './kernelInput';

export interface KernelSpecInfo {
  name: string;
  displayName: string;
  language: string;
}

export interface KernelInfo {
  id: string;
  name: string;
  executionState?: string;
  lastActivity?: string;
  connections?: number;
}

export interface SessionInfo {
  id: string;
  path: string;
  name: string;
  type: string;
  kernel: KernelInfo;
}

export interface ExecuteResult {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
  outputs: KernelOutput[];
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** A kernel model of `/api/kernels` (jupyter_server 1.x/2.x). */
export interface RawKernel { id: string; name: string; execution_state?: string; last_activity?: string; connections?: number }

export const isRawKernel = shape<RawKernel>({ id: str, name: str, execution_state: optional(str), last_activity: optional(str), connections: optional(num) });

interface RawKernelSpecs {
  default: string;
  kernelspecs: Record<string, { name: string; spec?: { display_name?: string; language?: string } | null }>;
}

const isKernelSpecs = shape<RawKernelSpecs>({
  default: str,
  kernelspecs: recordOf(shape<RawKernelSpecs['kernelspecs'][string]>({
    name: str, spec: maybe(shape<{ display_name?: string; language?: string }>({ display_name: optional(str), language: optional(str) })),
  })),
});

/** A session of `/api/sessions`; its kernel is null while the server cannot reach it. */
interface RawSession { id: string; path: string; name?: string; type?: string; kernel: RawKernel | null }

const isRawSession = shape<RawSession>({ id: str, path: str, name: optional(str), type: optional(str), kernel: nullable(isRawKernel) });

function toKernelInfo(k: RawKernel): KernelInfo {
  return { id: k.id, name: k.name, executionState: k.execution_state, lastActivity: k.last_activity, connections: k.connections };
}

export class JupyterServerClient {
  /** `serverUrl` is the single-user server's base (…/user/<name>/ or …/user/<name>/<server>/), trailing slash. */
  constructor(readonly serverUrl: string, private readonly hubHttp: HttpClient) {
    this.http = hubHttp.withBase(serverUrl.endsWith('/') ? serverUrl : `${serverUrl}/`);
  }
  readonly http: HttpClient;

  /** Who answers, for errors about a body of the wrong shape. */
  get answerer(): Answerer {
    return {
      who: 'The Jupyter server',
      hint: `Is ${redactUrl(this.serverUrl)} a Jupyter server? If the server is stopping or restarting, the hub may have answered for it: refresh and try again.`,
    };
  }

  /** A JSON answer of this server's REST API, checked against the shape it should have. */
  checkedJson<T>(req: HttpRequest, guard: Guard<T>): Promise<T> {
    return checkedJson(this.http, req, guard, this.answerer);
  }

  async getKernelSpecs(signal?: AbortSignal): Promise<{ default: string; specs: KernelSpecInfo[] }> {
    const raw = await this.checkedJson({ path: 'api/kernelspecs', signal }, isKernelSpecs);
    const specs = Object.values(raw.kernelspecs).map((k) => ({ name: k.name, displayName: k.spec?.display_name ?? k.name, language: k.spec?.language ?? '' }));
    return { default: raw.default, specs: specs.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  async listKernels(signal?: AbortSignal): Promise<KernelInfo[]> {
    return (await this.checkedJson({ path: 'api/kernels', signal }, arrayOf(isRawKernel))).map(toKernelInfo);
  }

  async startKernel(name: string, signal?: AbortSignal): Promise<KernelInfo> {
    return toKernelInfo(await this.checkedJson({ method: 'POST', path: 'api/kernels', json: { name }, signal }, isRawKernel));
  }

  async getKernel(id: string, signal?: AbortSignal): Promise<KernelInfo> {
    return toKernelInfo(await this.checkedJson({ path: `api/kernels/${encodeURIComponent(id)}`, signal }, isRawKernel));
  }

  async shutdownKernel(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `api/kernels/${encodeURIComponent(id)}`, signal, acceptStatuses: [404] });
  }

  async interruptKernel(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'POST', path: `api/kernels/${encodeURIComponent(id)}/interrupt`, signal, idempotent: true });
  }

  async restartKernel(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'POST', path: `api/kernels/${encodeURIComponent(id)}/restart`, signal, timeoutMs: 60_000 });
  }

  async listSessions(signal?: AbortSignal): Promise<SessionInfo[]> {
    const raw = await this.checkedJson({ path: 'api/sessions', signal }, arrayOf(isRawSession));
    return raw.flatMap((s) => (s.kernel ? [{ id: s.id, path: s.path, name: s.name ?? '', type: s.type ?? '', kernel: toKernelInfo(s.kernel) }] : []));
  }

  /**
   * Opens the kernel's websocket at once (the current Authorization header on each upgrade, never ?token= in the URL):
   * no REST round trip first, so a reconnect's replay starts as soon as the socket can. Only when the socket fails is
   * REST asked why, so an auth failure or a kernel that is gone surfaces as a typed error (401/403, 404) instead of a
   * silent reconnect loop.
   * `clientId`: the session key the server keeps this client's messages under while its socket is closed (reattach).
   * `onSession`: called before the socket opens, so a listener hears the messages the server replays at once.
   */
  async connect(kernel: KernelInfo, opts: { timeoutMs?: number; clientId?: string; onSession?(session: KernelSession): void } = {}): Promise<KernelSession> {
    // The kernel protocol loads on the first connection: browsing hubs and servers never needs it.
    const { ServerConnection, KernelConnection, WebSocketImpl } = loadChunk<typeof import('../chunks/jupyter')>('jupyter');
    let socketFailed!: () => void;
    const failed = new Promise<'failed'>((resolve) => (socketFailed = () => resolve('failed')));
    const made = ServerConnection.makeSettings({
      baseUrl: this.http.baseUrl,
      wsUrl: this.http.baseUrl.replace(/^http/, 'ws'),
      token: '',
      appendToken: false,
      fetch: this.http.fetchFunction(),
      // Each socket (first connect, every reconnect) asks for the current token: a renewal revokes the old one.
      WebSocket: kernelWebSocketClass(WebSocketImpl, () => this.http.authorizationHeader(), {
        onFailed: () => socketFailed(),
        quiet: () => session.redialing,
        held: () => session.outgoingHold,
        nodeBuffers: true,
      }) as unknown as typeof WebSocket,
      Request, Headers,
    });
    // Frames read in place, not copied twice (a replay of 10,000 messages is mostly reading): kernelMessageDecoder.ts.
    const settings: typeof made = { ...made, serializer: kernelSerializer(made.serializer) };
    const connection = new KernelConnection({ model: { id: kernel.id, name: kernel.name }, serverSettings: settings, clientId: opts.clientId ?? randomUUID(), handleComms: false });
    const session = new KernelSession(connection, kernel, redactUrl(this.http.baseUrl));
    opts.onSession?.(session);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const until = Date.now() + timeoutMs;
    try {
      const connected = session.waitConnected(timeoutMs).then(() => 'up' as const);
      if ((await Promise.race([connected, failed])) === 'failed') {
        connected.catch(() => undefined);
        // The first socket failed: REST says why (typed), or the library's retries get the rest of the time.
        await this.getKernel(kernel.id);
        await session.waitConnected(Math.max(0, until - Date.now()));
      }
      return session;
    } catch (e) {
      session.dispose();
      throw e;
    }
  }
}

export interface ExecuteOptions {
  onOutput?(output: KernelOutput): void;
  signal?: AbortSignal;
  /** Stop waiting after this long (the kernel keeps running; interrupt it to stop it). */
  timeoutMs?: number;
  storeHistory?: boolean;
  silent?: boolean;
  /** Answers input()/getpass()/pdb prompts; without it the kernel is told this client takes no input (allow_stdin). */
  onInput?: InputHandler;
  /** The execute request's msg_id, as soon as it is sent (replies and outputs name it as their parent). */
  onRequest?(msgId: string): void;
}

/** A live connection to one kernel: execute, interrupt, restart, and connection-state changes. */
/** The library's private socket handling, reached only to fix its late closes (see KernelSession's constructor). */
interface ConnectionInternals {
  _ws: { readyState: number } | null;
  _onWSClose: (evt: unknown) => void;
  _reconnect: () => void;
  _reconnectAttempt: number;
}

export class KernelSession {
  constructor(readonly connection: KernelConnection, readonly kernel: KernelInfo, private readonly where: string) {
    // @jupyterlab/services, after a socket closes early, asks for the kernel model and (10-30 s later when the network
    // was down) handles that old close, or the error event before it, as if it were the current socket's, closing a
    // healthy new socket: what the server had just written into it (its replay) is lost. Close and error events of a
    // socket the library has replaced are ignored (kernelWebSocket.ts tags both with their socket).
    const internals = connection as unknown as ConnectionInternals;
    connection.connectionStatusChanged.connect((_, status) => {
      if (status === 'connected') this.redialing = false;
    });
    // The library sends a kernel_info request on each connect and follows it with `void p.then(…)`: when that request is
    // lost (a kernel the server restarted, see NotebookKernel.answersAfterRestart) and later cancelled, the rejection is
    // left unhandled, which ends a Node process (the CLI's MCP server, tests). A cancelled request answers undefined,
    // as the library's own does once the connection is disposed.
    const requestKernelInfo = connection.requestKernelInfo.bind(connection);
    connection.requestKernelInfo = () => requestKernelInfo().catch((e: unknown) => {
      if (e instanceof Error && e.message.startsWith('Canceled future for kernel_info_request')) return undefined;
      throw e;
    });
    const handleClose = internals._onWSClose;
    internals._onWSClose = (evt: unknown) => {
      const from = (evt as { kernelSocket?: unknown } | undefined)?.kernelSocket;
      if (from !== undefined && from !== internals._ws) return;
      handleClose(evt);
    };
  }

  /** True from a redial() until the socket is connected again: failed dials are left to the caller (see redial). */
  redialing = false;

  /** Set while holdOutgoing() holds what this client sends. */
  outgoingHold?: Promise<void>;

  /**
   * Holds every message this client sends (the library's kernel_info on open included) until `until` settles, then
   * sends them in order: a reattach lets the server's replay drain first. A request written beside the replay made the
   * server's socket wait for a delayed ACK (~40 ms stalls mid-replay through the hub's proxy, the bare client too).
   */
  holdOutgoing(until: Promise<unknown>): void {
    const hold: Promise<void> = until.then(() => undefined, () => undefined).finally(() => {
      if (this.outgoingHold === hold) this.outgoingHold = undefined;
    });
    this.outgoingHold = hold;
  }

  get id(): string {
    return this.kernel.id;
  }

  /**
   * Dials the socket again now, unless one is opening or open. Until it connects, a failed dial ends quietly: the
   * library neither retries it on its own back-off (up to a minute apart) nor starts a REST check per failed socket;
   * the caller dials again and decides from REST itself whether the kernel is gone.
   */
  redial(): void {
    if (this.connection.isDisposed || this.connectionStatus === 'connected' || this.socketInFlight) return;
    this.redialing = true;
    const internals = this.connection as unknown as ConnectionInternals;
    internals._reconnectAttempt = 0;
    internals._reconnect();
  }

  /** The session key of this client (the `session_id` the server buffers messages under). */
  get clientId(): string {
    return this.connection.clientId;
  }

  get connectionStatus(): string {
    return this.connection.connectionStatus;
  }

  /**
   * True while the library has a socket opening or open. Cutting such a socket to start another loses what the server
   * replays into it: the server may already have accepted the handshake and written the kept messages.
   */
  get socketInFlight(): boolean {
    // @jupyterlab/services keeps no public flag for it: a socket that is connecting (0) or open (1).
    const ws = (this.connection as unknown as ConnectionInternals)._ws;
    return ws !== null && ws.readyState <= 1;
  }

  onConnectionStatus(listener: (status: string) => void): { dispose(): void } {
    const slot = (_: unknown, status: string) => listener(status);
    this.connection.connectionStatusChanged.connect(slot);
    return { dispose: () => this.connection.connectionStatusChanged.disconnect(slot) };
  }

  async waitConnected(timeoutMs: number): Promise<void> {
    if (this.connection.connectionStatus === 'connected') return;
    let sub: { dispose(): void } | undefined;
    const settled = new Promise<void>((resolve, reject) => {
      sub = this.onConnectionStatus((status) => {
        if (status === 'connected') resolve();
        else if (status === 'disconnected') reject(new UnreachableError(`kernel websocket at ${this.where}`, 'disconnected'));
      });
    });
    try {
      await untilAborted(settled, [AbortSignal.timeout(timeoutMs)], () => new TimeoutError(`kernel websocket at ${this.where}`, timeoutMs));
    } finally {
      sub?.dispose();
    }
  }

  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    const future = this.connection.requestExecute({
      code, silent: opts.silent ?? false, store_history: opts.storeHistory ?? true, allow_stdin: opts.onInput !== undefined, stop_on_error: true,
    }, true);
    // Ends with the execution, so a question still open then is closed and never answered late.
    const inputDone = new AbortController();
    if (opts.onInput) answerInputRequests(future, opts.onInput, opts.signal ? AbortSignal.any([opts.signal, inputDone.signal]) : inputDone.signal);
    opts.onRequest?.(future.msg.header.msg_id);
    const outputs: KernelOutput[] = [];
    let error: ExecuteResult['error'];
    future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
      const out = toKernelOutput(msg);
      if (!out) return;
      if (out.type === 'error') error = { ename: out.ename, evalue: out.evalue, traceback: out.traceback };
      outputs.push(out);
      opts.onOutput?.(out);
    };
    const abort = () => future.dispose();
    opts.signal?.addEventListener('abort', abort, { once: true });
    const timeout = opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined;
    try {
      const done = future.done;
      const reply = await untilAborted(done, [opts.signal, timeout],
        (aborted) => (aborted === timeout ? new TimeoutError('kernel execution', opts.timeoutMs!) : new CancelledError('Execution')));
      const content = reply.content as { status: 'ok' | 'error' | 'aborted'; execution_count?: number | null; ename?: string; evalue?: string; traceback?: string[] };
      if (content.status === 'error' && !error) error = { ename: content.ename ?? 'Error', evalue: content.evalue ?? '', traceback: content.traceback ?? [] };
      return { status: content.status, executionCount: content.execution_count ?? null, outputs, error };
    } finally {
      inputDone.abort();
      opts.signal?.removeEventListener('abort', abort);
    }
  }

  /** The kernel's execution state ('idle', 'busy', …) as its IOPub last said, whichever client's request it ran. */
  get executionState(): string {
    return this.connection.status;
  }

  onExecutionState(listener: (state: string) => void): { dispose(): void } {
    const slot = (_: unknown, state: string) => listener(state);
    this.connection.statusChanged.connect(slot);
    return { dispose: () => this.connection.statusChanged.disconnect(slot) };
  }

  /** `complete_request`; `cursorPos` counts Unicode code points (the protocol's unit). */
  async complete(code: string, cursorPos: number): Promise<KernelMessage.ICompleteReplyMsg['content']> {
    return (await this.connection.requestComplete({ code, cursor_pos: cursorPos })).content;
  }

  /** `inspect_request` at detail level 0 (no source); `cursorPos` counts Unicode code points. */
  async inspect(code: string, cursorPos: number): Promise<KernelMessage.IInspectReplyMsg['content']> {
    return (await this.connection.requestInspect({ code, cursor_pos: cursorPos, detail_level: 0 })).content;
  }

  async interrupt(): Promise<void> {
    await this.connection.interrupt();
  }

  async restart(): Promise<void> {
    await this.connection.restart();
  }

  /** Closes the websocket; the kernel keeps running on the server. */
  dispose(): void {
    this.connection.dispose();
  }
}
