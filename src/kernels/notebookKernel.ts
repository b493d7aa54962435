// One kernel for one notebook: started (or reused) on the first run, cells executed one at a time, outputs mapped to
// cell-output changes, interrupt/restart/shutdown, and the connection watched: the socket dialled again every 100 ms
// while it is down, "server stopped" when the hub says the server is gone (culled or stopped).
import type { KernelMessage } from '@jupyterlab/services';
import type { JupyterServerClient, KernelSession } from '../jupyterServer/jupyterServerClient';
import { toKernelOutput } from '../jupyterServer/kernelOutputs';
import { gapNotice, isIdleOf, MessageGapWatch, type MessageGap } from '../jupyterServer/messageGapWatch';
import { sleep } from '../core/http/httpClient';
import { untilAborted } from '../core/abort';
import { CancelledError, isPangeoError, PangeoError } from '../core/http/errors';
import { Logger, silentLogger } from '../core/log';
import { CellOutput, CellOutputState, DisplayIndex, OutputChange } from './cellOutputs';
import { stdoutText } from './stdoutText';
import { Emitter } from '../core/emitter';
import { ExecutionQueue } from './executionQueue';
import { closeNotebookSession, findNotebookSessionId, openNotebookSession } from './notebookSessions';
import type { KernelState } from './kernelState';
import { AskInput, CellInput } from './cellInput';
import { CommConnection, WidgetComms } from './widgets/widgetComms';
import { widgetsEndWith } from './widgets/widgetLifetime';

export type { KernelState } from './kernelState';

export interface KernelStateChange {
  state: KernelState;
  previous: KernelState;
  /** One sentence for the user, when there is something to say. */
  message?: string;
  /**
   * On 'connected' after a start or restart: work a listener needs done before any cell runs on this kernel (e.g. the
   * shared AWS credentials, which a first cell reading S3 needs); cells wait for it, at most BEFORE_RUNS_MS.
   */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** What the hub says about the kernel's server: 'unknown' when the hub itself cannot be reached. */
export type ServerProbe = 'ready' | 'stopped' | 'unknown';

export interface NotebookKernelOptions {
  jupyter: JupyterServerClient;
  kernelName: string;
  /** The Jupyter session path for this notebook; a kept kernel is found again by it. */
  sessionPath: string;
  sessionName: string;
  /** Asks the hub whether the server still runs. */
  probeServer(): Promise<ServerProbe>;
  logger?: Logger;
  /** Waits between reconnect checks (ms); the last one repeats. */
  backoffMs?: number[];
  /** Give up reconnecting after this long (ms). */
  reconnectForMs?: number;
  /** Neither the hub nor the server answering for this long (ms) means the server is gone (hub stopped, network lost). */
  goneAfterMs?: number;
  /** How long a kernel the server restarted may take to answer on its new connection before it is dialled again (ms). */
  answerAfterRestartMs?: number;
  connectTimeoutMs?: number;
  /** The session key to connect with: the same one after a reload gets the messages the server kept meanwhile. */
  clientId?: string;
}

/** The kernel (and Jupyter session) a notebook ran on before a reload, as its ledger kept them. */
export interface KnownKernel {
  kernelId: string;
  sessionId?: string;
}

export interface CellRunRequest {
  code: string;
  /** Identifies the cell, so a re-run forgets the display ids of its previous outputs. */
  cellKey?: string;
  /** Called when the cell actually starts (after earlier cells and the kernel start). */
  onStart?(): void;
  /** The execute request's msg_id once sent (to find the cell's messages again after a reload). */
  onRequest?(msgId: string): void;
  onChange(change: OutputChange): void;
  signal?: AbortSignal;
  /** False for code the user did not write (e.g. looking for Dask clusters): no history, no execution count. */
  storeHistory?: boolean;
  /** True for code the user did not write that must not bump the execution count nor show as input (the Dask probe). */
  silent?: boolean;
  /** Asks the user for what the cell's input()/getpass()/pdb wants; without it the kernel refuses input (StdinNotImplementedError). */
  onInput?: AskInput;
}

export interface CellRunResult {
  /** 'cancelled': never ran, or stopped waiting (interrupt of the queue, restart, shutdown). */
  status: 'ok' | 'error' | 'aborted' | 'cancelled';
  executionCount: number | null;
  outputs: CellOutput[];
  error?: { ename: string; evalue: string; traceback: string[] };
}

export class ServerStoppedError extends PangeoError {
  constructor(where: string) {
    super('Unreachable', `The Jupyter server ${where} is not running (it was stopped or culled).`, 'Restart the server, then run the cell again.');
  }
}

export class ServerGoneError extends PangeoError {
  constructor(where: string) {
    super('Unreachable', `The Jupyter server ${where} is gone: neither it nor its hub answers (the hub was stopped or the network is down).`,
      'Start the server again when the hub is back, or pick another kernel.');
  }
}

export class KernelLostError extends PangeoError {
  constructor(why: string) {
    super('Unreachable', why, 'Run the cell again to start a new kernel.');
  }
}

/** Capped at 3 s: after sleep or a network change the first new output should not wait for a long back-off. */
const DEFAULT_BACKOFF_MS = [500, 1000, 2000, 3000];
/** A "stopped" answer is believed only when it holds this long: a restarted proxy has no routes for a moment. */
const STOPPED_CONFIRM_MS = 3_000;
/**
 * While the socket is down it is dialled again this often (no REST first: a refused or failed dial is cheap, and the
 * first dial after the network is back gets the server's replay): fast for the first REDIAL_FAST_FOR_MS of an outage
 * (sleep, a new network, a proxy restart), then slower so a long outage does not keep the server busy.
 */
const REDIAL_MS = 100;
const REDIAL_SLOW_MS = 1_000;
const REDIAL_FAST_FOR_MS = 30_000;
/** Long enough to ride out a proxy restart, short enough that the user hears about a dead hub within 30 s. */
const DEFAULT_GONE_AFTER_MS = 12_000;
/** How long cells wait for the work a 'connected' listener asked for (waitUntil) before they run anyway. */
const BEFORE_RUNS_MS = 15_000;
/** How long a cell run waits for a reconnect under way before it fails (the watchdog keeps trying). */
const RUN_RECONNECT_WAIT_MS = 30_000;
/**
 * After the server restarted a dead kernel: how long the first kernel_info round trip may take before the socket is
 * dialled again, and how many dials before cells run anyway (a fresh kernel answers in well under a second).
 */
const ANSWER_AFTER_RESTART_MS = 4_000;
const DIALS_AFTER_RESTART = 4;

/** Waits for `promise` at most `ms`: a late one is left to finish on its own. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  const late = new Error('late');
  await untilAborted(promise, [AbortSignal.timeout(ms)], () => late).catch((e: unknown) => {
    if (e !== late) throw e;
  });
}

export class NotebookKernel {
  private readonly stateEmitter = new Emitter<KernelStateChange>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly attachEmitter = new Emitter<KernelSession>();
  /** A connection to the kernel is being made (before its socket opens): reattached runs listen from here. */
  readonly onDidAttach = this.attachEmitter.event;
  private current: KernelState = 'idle';
  private session?: KernelSession;
  private sessionId?: string;
  private starting?: Promise<KernelSession>;
  private sessionSubs: { dispose(): void }[] = [];
  private readonly queue = new ExecutionQueue();
  private readonly displays = new DisplayIndex();
  private running?: AbortController;
  private runningCell?: { outputs: CellOutputState; req: CellRunRequest; input?: CellInput; msgId?: string };
  private watchdog?: AbortController;
  private restarting = false;
  /** Set while the work of waitUntil runs, or the channel is checked after a restart: cells wait for it. */
  private beforeRuns?: Promise<void>;
  /** The server restarted the kernel: the next connected socket is checked before cells are sent (answersAfterRestart). */
  private checkAfterRestart = false;
  /** When the hub and the server were first seen not answering during the current outage. */
  private unreachableSince?: number;
  /** When the hub first said "stopped" during the current outage (believed once it holds, see STOPPED_CONFIRM_MS). */
  private stoppedSince?: number;
  private readonly logger: Logger;
  /** The ipywidgets comms of this kernel (our connection does not handle comms itself). */
  readonly widgets: WidgetComms;

  constructor(private readonly opts: NotebookKernelOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.widgets = new WidgetComms(this.logger);
  }

  get state(): KernelState {
    return this.current;
  }

  /** The running kernel's id, when there is one. */
  get kernelId(): string | undefined {
    return this.session?.id;
  }

  /** The Jupyter session (/api/sessions) tying the kernel to this notebook. */
  get jupyterSessionId(): string | undefined {
    return this.sessionId;
  }

  get kernelName(): string {
    return this.opts.kernelName;
  }

  /**
   * Starts (or reuses) the kernel now, e.g. to reconnect a notebook once its server runs again. `known`: the kernel this
   * notebook ran on before a reload: its socket opens at once, no session lookup first (the server's replay starts
   * sooner); when it is gone the error says so (NotFound) and nothing else is started.
   */
  async connect(known?: KnownKernel): Promise<void> {
    if (this.current === 'shut-down') throw new CancelledError('The kernel was shut down; connecting');
    if (known && !this.session && !this.starting) {
      this.starting = this.start(known).finally(() => {
        this.starting = undefined;
      });
    }
    await this.ensureSession();
  }

  /**
   * True when the kernel is connected and nothing runs or waits here, and the kernel itself says idle (a request from
   * another client, e.g. JupyterLab on the same kernel, makes it busy too).
   */
  get idle(): boolean {
    return this.current === 'connected' && this.queue.idle && !this.starting && this.session?.connection.status === 'idle';
  }

  /**
   * Runs code the user did not write silently (no execution count, no history, no input broadcast) only if the kernel
   * is idle: a request sent to a busy kernel would wait behind the user's cell, and the user's next cell behind it.
   * Undefined when busy (nothing was sent).
   */
  runIfIdle(code: string, signal?: AbortSignal): Promise<CellRunResult> | undefined {
    if (!this.idle) return undefined;
    return this.run({ code, silent: true, storeHistory: false, signal, onChange: () => undefined });
  }

  /** The live connection for completions and hovers (src/kernels/kernelCompletions.ts), while connected and not restarting. */
  get introspection(): KernelSession | undefined {
    return this.current === 'connected' && !this.restarting && this.session?.connectionStatus === 'connected' ? this.session : undefined;
  }

  /**
   * Runs code the user did not write silently, ahead of the queue when the kernel is connected (the kernel takes shell
   * requests in order, so it runs before any cell sent later, e.g. while cells wait on waitUntil); else queued.
   */
  async runAhead(code: string, signal?: AbortSignal): Promise<CellRunResult> {
    const session = this.session;
    if (!session || session.connectionStatus !== 'connected') return this.run({ code, silent: true, storeHistory: false, signal, onChange: () => undefined });
    const outputs = new CellOutputState(new DisplayIndex());
    const result = await session.execute(code, {
      signal, silent: true, storeHistory: false,
      onOutput: (o) => void (o.type !== 'update_display_data' && outputs.apply(o)),
    });
    return { status: result.status, executionCount: null, outputs: outputs.outputs, error: result.error };
  }

  /** Queues a cell; resolves when it has run (or was cancelled), rejects when no kernel could be reached. */
  run(req: CellRunRequest): Promise<CellRunResult> {
    if (this.current === 'shut-down') return Promise.reject(new CancelledError('The kernel was shut down; running a cell'));
    const cancelled = (): CellRunResult => ({ status: 'cancelled', executionCount: null, outputs: [] });
    return this.queue.enqueue(() => this.execute(req), cancelled);
  }

  private async execute(req: CellRunRequest): Promise<CellRunResult> {
    if (req.signal?.aborted) return { status: 'cancelled', executionCount: null, outputs: [] };
    const session = await this.ensureSession();
    if (this.beforeRuns) {
      // Held (see gateRuns) until the cell is cancelled at most.
      await untilAborted(this.beforeRuns, [req.signal], () => new CancelledError('Execution')).catch(() => undefined);
      if (req.signal?.aborted) return { status: 'cancelled', executionCount: null, outputs: [] };
    }
    const outputs = new CellOutputState(this.displays, req.cellKey);
    const running = (this.running = new AbortController());
    const input = req.onInput && new CellInput({
      ask: req.onInput,
      interrupt: () => this.interrupt(),
      write: (name, text) => {
        for (const change of outputs.apply({ type: 'stream', name, text })) req.onChange(change);
      },
    });
    this.runningCell = { outputs, req, input };
    const signal = req.signal ? AbortSignal.any([req.signal, running.signal]) : running.signal;
    req.onStart?.();
    try {
      const result = await session.execute(req.code, {
        signal,
        storeHistory: req.storeHistory ?? true,
        silent: req.silent,
        onInput: input?.handle,
        onRequest: (msgId) => {
          if (this.runningCell) this.runningCell.msgId = msgId;
          req.onRequest?.(msgId);
        },
        onOutput: (o) => {
          // Display updates arrive through onIOPub for every cell (they may target earlier cells' outputs).
          if (o.type !== 'update_display_data') for (const change of outputs.apply(o)) req.onChange(change);
        },
      });
      return { status: result.status, executionCount: result.executionCount ?? outputs.executionCount, outputs: outputs.outputs, error: result.error };
    } catch (e) {
      if (!signal.aborted) throw e;
      // Stopped waiting on purpose: a reason that is an error (server stopped, kernel died) is the cell's failure.
      const reason: unknown = running.signal.reason;
      if (reason instanceof PangeoError && reason.kind !== 'Cancelled') throw reason;
      return { status: 'cancelled', executionCount: outputs.executionCount, outputs: outputs.outputs };
    } finally {
      if (this.running === running) {
        this.running = undefined;
        this.runningCell = undefined;
      }
    }
  }

  /** The live session, starting or reusing a kernel, or waiting for a reconnect that is under way. */
  private async ensureSession(): Promise<KernelSession> {
    if (this.session && this.session.connectionStatus === 'connected') return this.session;
    if (this.starting) return this.starting;
    if (this.session) {
      // Reconnecting: one more probe decides between waiting for the socket and failing now.
      await this.checkConnection();
      if (this.session?.connectionStatus === 'connected') return this.session;
      if (this.session) {
        this.session.redial();
        await this.session.waitConnected(RUN_RECONNECT_WAIT_MS).catch(() => undefined);
        if (this.session?.connectionStatus === 'connected') return this.session;
      }
      if (this.current === 'server-stopped') throw new ServerStoppedError(this.where());
      if (this.session) throw new KernelLostError(`Lost the connection to the kernel on ${this.where()}.`);
    }
    this.starting = this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(known?: KnownKernel): Promise<KernelSession> {
    this.setState('starting');
    try {
      const { jupyter } = this.opts;
      const connect = (kernel: { id: string; name: string }) => jupyter.connect(kernel, {
        timeoutMs: this.opts.connectTimeoutMs, clientId: this.opts.clientId, onSession: (s) => this.attachEmitter.fire(s),
      });
      let session: KernelSession;
      let ref: { sessionId?: string; reused: boolean };
      if (known) {
        // The socket first: the notebook's Jupyter session (for shutdown), when not kept, is looked up beside it.
        const lookup = known.sessionId ? undefined : findNotebookSessionId(jupyter, this.opts.sessionPath, known.kernelId).catch(() => undefined);
        session = await connect({ id: known.kernelId, name: this.opts.kernelName });
        ref = { sessionId: known.sessionId, reused: true };
        void lookup?.then((id) => {
          if (this.session === session && !this.sessionId) this.sessionId = id;
        });
        this.logger.info(`Reattached to kernel ${this.opts.kernelName} (${known.kernelId}) on ${this.where()}`);
      } else {
        const opened = await openNotebookSession(jupyter, { path: this.opts.sessionPath, name: this.opts.sessionName, kernelName: this.opts.kernelName });
        this.logger.info(`${opened.reused ? 'Reusing' : 'Started'} kernel ${opened.kernel.name} (${opened.kernel.id}) on ${this.where()}`);
        session = await connect(opened.kernel);
        ref = opened;
      }
      if (this.current === 'shut-down') {
        session.dispose();
        if (ref.sessionId) await closeNotebookSession(jupyter, ref.sessionId).catch(() => undefined);
        throw new CancelledError('The kernel was shut down; starting it');
      }
      this.attach(session, ref.sessionId);
      // A kept kernel may hold widgets from before: ask for them, so their views work again.
      if (ref.reused) void this.widgets.restoreFromKernel().catch((e: unknown) => this.logger.warn(`widgets of the kept kernel: ${String(e)}`));
      this.connectedWithWork(ref.reused ? 'Reconnected to the running kernel.' : undefined);
      return session;
    } catch (e) {
      if (this.current === 'shut-down') throw e;
      const probe = await this.opts.probeServer().catch((): ServerProbe => 'unknown');
      if (probe === 'stopped') {
        this.setState('server-stopped', new ServerStoppedError(this.where()).message);
        throw new ServerStoppedError(this.where());
      }
      this.setState('idle');
      throw e;
    }
  }

  private attach(session: KernelSession, sessionId: string | undefined): void {
    this.session = session;
    this.sessionId = sessionId;
    const gaps = new MessageGapWatch((gap) => this.onMessageGap(gap));
    const messages = (_: unknown, { msg, direction }: { msg: KernelMessage.IMessage; direction: string }) => {
      if (direction !== 'recv') return gaps.sent(msg.header.msg_id);
      gaps.received(msg);
      if (isIdleOf(msg, this.runningCell?.msgId)) gaps.settleNow();
    };
    session.connection.anyMessage.connect(messages);
    this.sessionSubs = [
      { dispose: () => session.connection.anyMessage.disconnect(messages) },
      gaps,
      session.onConnectionStatus((status) => {
        if (status === 'connected') gaps.reconnected();
        else gaps.dropped();
        this.onConnectionStatus(status);
      }),
      onKernelStatus(session, (status) => this.onKernelStatus(status)),
      onIOPub(session, (msg) => this.onIOPub(msg)),
      this.widgets.attach(session.connection as unknown as CommConnection),
    ];
  }

  /**
   * update_display_data, whichever cell sent it: the connection routes it only to the (finished, disposed) execution
   * that first showed the display id, so it is taken from the kernel-wide IOPub stream and given to the running cell.
   */
  private onIOPub(msg: KernelMessage.IIOPubMessage): void {
    if (msg.header.msg_type !== 'update_display_data') return;
    const update = toKernelOutput(msg);
    const cell = this.runningCell;
    if (!update || !cell) return; // no execution to write through: the editor cannot take the update now
    for (const change of cell.outputs.apply(update)) cell.req.onChange(change);
  }

  /** Messages lost when the socket dropped: the running cell says so where its output now ends (never silently short). */
  private onMessageGap(gap: MessageGap): void {
    this.logger.warn(`kernel on ${this.where()}: ${gap.missing} message(s) sent around a dropped connection never arrived`);
    const cell = this.runningCell;
    if (!cell) return;
    for (const change of cell.outputs.apply({ type: 'stream', name: 'stderr', text: gapNotice(gap) })) cell.req.onChange(change);
  }

  private detachSession(): KernelSession | undefined {
    const session = this.session;
    for (const sub of this.sessionSubs.splice(0)) sub.dispose();
    this.watchdog?.abort();
    this.session = undefined;
    session?.dispose();
    return session;
  }

  private onConnectionStatus(status: string): void {
    if (this.restarting || !this.session) return;
    if (status === 'connected') {
      this.watchdog?.abort();
      // This outage is over: the next one counts from its own start (an old start made a proxy restart "gone" at once).
      this.unreachableSince = undefined;
      this.stoppedSince = undefined;
      if (this.current !== 'connected') this.setState('connected', 'Reconnected to the kernel.');
      if (this.checkAfterRestart && this.session) {
        this.checkAfterRestart = false;
        this.gateRuns(this.answersAfterRestart(this.session), DIALS_AFTER_RESTART * (this.answerAfterRestartMs + RUN_RECONNECT_WAIT_MS));
      }
    } else {
      if (this.current === 'connected') this.setState('reconnecting', `Lost the connection to the kernel on ${this.where()}; reconnecting…`);
      this.startWatchdog();
    }
  }

  private onKernelStatus(status: string): void {
    if (this.restarting) return;
    if (status === 'autorestarting') {
      this.widgets.kernelGone('The kernel died and was restarted: this widget is no longer connected. Run the cell again.');
      this.checkAfterRestart = true;
      // The kernel process died (often out of memory) and the server started a new one: the running cell will never finish.
      this.running?.abort(new KernelLostError('The kernel died and was restarted by the server; its variables are gone.'));
      this.queue.cancelPending();
    } else if (status === 'dead') {
      this.kernelLost('The kernel is gone from the server.');
    }
  }

  /**
   * While the socket is down: dials it again and again (redial), and, beside that, polls the hub and the kernel to
   * conclude the server or the kernel is gone. The REST verdicts never hold the socket back.
   */
  private startWatchdog(): void {
    if (this.watchdog && !this.watchdog.signal.aborted) return;
    const watchdog = (this.watchdog = new AbortController());
    this.redial(watchdog.signal);
    const delays = this.opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    const giveUpAt = Date.now() + (this.opts.reconnectForMs ?? 10 * 60_000);
    void (async () => {
      for (let attempt = 0; !watchdog.signal.aborted; attempt++) {
        await sleep(delays[Math.min(attempt, delays.length - 1)]!, watchdog.signal);
        const outcome = await this.checkConnection();
        if (outcome !== 'down') return;
        if (Date.now() > giveUpAt) {
          this.detachSession();
          this.running?.abort(new KernelLostError(`Could not reconnect to the kernel on ${this.where()}.`));
          this.queue.cancelPending();
          this.setState('disconnected', `Could not reconnect to the kernel on ${this.where()}; run a cell to try again.`);
          return;
        }
      }
    })().catch(() => undefined).finally(() => {
      if (this.watchdog === watchdog) this.watchdog = undefined;
    });
  }

  /** Dials the socket again whenever none is opening or open, until the watchdog ends (connected, or gone). */
  private redial(signal: AbortSignal): void {
    const since = Date.now();
    void (async () => {
      while (!signal.aborted) {
        await sleep(Date.now() - since < REDIAL_FAST_FOR_MS ? REDIAL_MS : REDIAL_SLOW_MS, signal);
        if (!this.restarting) this.session?.redial();
      }
    })().catch(() => undefined);
  }

  /** One look at the connection: 'up', 'gone' (server stopped or kernel lost, handled here), or 'down' (still retrying). */
  private async checkConnection(): Promise<'up' | 'gone' | 'down'> {
    const session = this.session;
    if (!session) return 'gone';
    if (session.connectionStatus === 'connected') return 'up';
    const probe = await this.opts.probeServer().catch((): ServerProbe => 'unknown');
    if (this.session !== session) return 'gone';
    if (probe === 'stopped') {
      const since = (this.stoppedSince ??= Date.now());
      if (Date.now() - since < STOPPED_CONFIRM_MS) return 'down';
      this.serverStopped();
      return 'gone';
    }
    this.stoppedSince = undefined;
    if (probe !== 'unknown') this.unreachableSince = undefined;
    else if (await this.serverUnreachable(session)) {
      if (this.session !== session) return 'gone';
      const since = (this.unreachableSince ??= Date.now());
      if (Date.now() - since >= (this.opts.goneAfterMs ?? DEFAULT_GONE_AFTER_MS)) {
        this.serverStopped(new ServerGoneError(this.where()));
        return 'gone';
      }
    } else this.unreachableSince = undefined;
    if (probe === 'ready') {
      const exists = await this.opts.jupyter.getKernel(session.id).then(() => true, (e: unknown) => (isPangeoError(e, 'NotFound') ? false : undefined));
      if (this.session !== session) return 'gone';
      if (exists === false) {
        this.kernelLost('The kernel is gone from the server.');
        return 'gone';
      }
      // The socket itself is dialled by redial(), never held back by these looks.
    }
    return session.connectionStatus === 'connected' ? 'up' : 'down';
  }

  /** True when the server itself does not answer either (connection refused, timeout): not a passing hub hiccup. */
  private async serverUnreachable(session: KernelSession): Promise<boolean> {
    try {
      await this.opts.jupyter.getKernel(session.id);
      return false;
    } catch (e) {
      return isPangeoError(e, 'Unreachable');
    }
  }

  private serverStopped(error: PangeoError = new ServerStoppedError(this.where())): void {
    this.detachSession();
    this.sessionId = undefined;
    this.unreachableSince = undefined;
    this.stoppedSince = undefined;
    this.running?.abort(error);
    this.queue.cancelPending();
    this.setState('server-stopped', error.message);
  }

  private kernelLost(why: string): void {
    this.detachSession();
    this.sessionId = undefined;
    this.running?.abort(new KernelLostError(why));
    this.queue.cancelPending();
    this.setState('idle', `${why} A new kernel starts on the next run.`);
  }

  /** Interrupts the running cell (REST /interrupt) and cancels the queued ones. */
  async interrupt(): Promise<void> {
    this.runningCell?.input?.interrupt(); // no question left open on an interrupted cell
    this.queue.cancelPending();
    const id = this.session?.id;
    if (id) await this.opts.jupyter.interruptKernel(id);
  }

  /** Restarts the kernel: variables are gone, queued cells cancelled, the running one stops waiting. */
  async restart(): Promise<void> {
    this.queue.cancelPending();
    this.running?.abort(new CancelledError('Execution (kernel restart)'));
    const session = this.starting ? await this.starting.catch(() => undefined) : this.session;
    if (!session) return;
    this.restarting = true;
    this.setState('starting', 'Restarting the kernel…');
    try {
      // REST restart, then a fresh websocket (the kernel's ports may change), as JupyterLab does.
      await this.opts.jupyter.restartKernel(session.id);
      session.redialing = false; // the library's own retries, which settle its reconnect() either way
      await session.connection.reconnect();
      this.connectedWithWork('The kernel was restarted.');
    } catch (e) {
      this.setState(session.connectionStatus === 'connected' ? 'connected' : 'disconnected');
      throw e;
    } finally {
      this.restarting = false;
    }
  }

  /**
   * Shuts the kernel down (deletes its session) and refuses further runs. `reason`: the running cell fails with it
   * (e.g. signed out) instead of stopping without a word.
   */
  async shutdown(reason?: PangeoError): Promise<void> {
    const sessionId = this.sessionId;
    this.close(reason);
    if (sessionId) await closeNotebookSession(this.opts.jupyter, sessionId);
  }

  /** Closes the connection but leaves the kernel running on the server (the "keep kernel" setting). */
  detach(reason?: PangeoError): void {
    this.close(reason);
  }

  private close(reason?: PangeoError): void {
    if (this.current === 'shut-down') return;
    this.queue.cancelPending();
    this.running?.abort(reason ?? new CancelledError('Execution (kernel shut down)'));
    this.detachSession();
    this.sessionId = undefined;
    this.setState('shut-down');
    this.stateEmitter.dispose();
    this.attachEmitter.dispose();
  }

  private setState(state: KernelState, message?: string, waitUntil?: (work: Promise<unknown>) => void): void {
    if (state === this.current && !message) return;
    const previous = this.current;
    this.current = state;
    const widgetsGone = widgetsEndWith(state, previous, message);
    if (widgetsGone) this.widgets.kernelGone(widgetsGone);
    if (message) this.logger.info(`kernel ${this.opts.kernelName} on ${this.where()}: ${message}`);
    this.stateEmitter.fire({ state, previous, message, waitUntil });
  }

  /** 'connected' after a start or restart: cells wait (bounded) for what listeners asked to do first. */
  private connectedWithWork(message?: string): void {
    const work: Promise<unknown>[] = [];
    this.setState('connected', message, (p) => work.push(p));
    if (work.length) this.gateRuns(Promise.allSettled(work), BEFORE_RUNS_MS);
  }

  /** Cells wait for `work` (and what they already waited for), at most `ms`. */
  private gateRuns(work: Promise<unknown>, ms: number): void {
    const gate: Promise<void> = withinMs(Promise.allSettled([this.beforeRuns, work]), ms).finally(() => {
      if (this.beforeRuns === gate) this.beforeRuns = undefined;
    });
    this.beforeRuns = gate;
  }

  /**
   * The server restarted the dead kernel and the library dialled the socket again at once: a message sent before the
   * server's channels reach the new kernel is lost, and a cell sent then waits for a reply that never comes (with
   * jupyter_server 1.x and ipykernel 7, about 1 restart in 12; @jupyterlab/services leaves it as a FIXME). So cells
   * wait until a kernel_info round trip answers; one that does not in ANSWER_AFTER_RESTART_MS dials the socket again.
   */
  private async answersAfterRestart(session: KernelSession): Promise<void> {
    for (let dial = 1; dial <= DIALS_AFTER_RESTART; dial++) {
      if (this.session !== session || session.connectionStatus !== 'connected') return;
      // A lost request is settled (undefined) only when the library next clears its state (KernelSession).
      const answered = session.connection.requestKernelInfo().then((reply) => reply !== undefined, () => false);
      const inTime = await untilAborted(answered, [AbortSignal.timeout(this.answerAfterRestartMs)], () => new Error('late')).catch(() => false);
      if (inTime || this.session !== session) return;
      this.logger.warn(`The restarted kernel on ${this.where()} did not answer on its new connection within ${this.answerAfterRestartMs / 1000} s; connecting again (${dial} of ${DIALS_AFTER_RESTART}).`);
      session.redialing = false; // the library's own retries settle its reconnect() either way
      await withinMs(session.connection.reconnect(), RUN_RECONNECT_WAIT_MS).catch(() => undefined);
    }
  }

  private where(): string {
    return this.opts.jupyter.serverUrl;
  }

  private get answerAfterRestartMs(): number {
    return this.opts.answerAfterRestartMs ?? ANSWER_AFTER_RESTART_MS;
  }
}

function onIOPub(session: KernelSession, listener: (msg: KernelMessage.IIOPubMessage) => void): { dispose(): void } {
  const slot = (_: unknown, msg: KernelMessage.IIOPubMessage) => listener(msg);
  session.connection.iopubMessage.connect(slot);
  return { dispose: () => session.connection.iopubMessage.disconnect(slot) };
}

/** Kernel execution status ('idle', 'busy', 'autorestarting', 'dead', …) from the underlying connection. */
function onKernelStatus(session: KernelSession, listener: (status: string) => void): { dispose(): void } {
  const slot = (_: unknown, status: string) => listener(status);
  session.connection.statusChanged.connect(slot);
  return { dispose: () => session.connection.statusChanged.disconnect(slot) };
}

/** What code the user did not write printed to stdout (its error as an exception): the answer of a hidden run. */
export function hiddenRunStdout(result: CellRunResult): string {
  if (result.status === 'error') throw new Error(`${result.error?.ename}: ${result.error?.evalue}`);
  return stdoutText(result.outputs);
}
