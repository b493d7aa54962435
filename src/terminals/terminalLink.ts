// A live link to one server terminal over its websocket (terminado's JSON messages), reconnecting to the same
// terminal after a network drop. Hand-written on `ws` rather than @jupyterlab/services' TerminalConnection because
// each reconnect must first ask the server whether the terminal and the server still exist (a stopped server or an
// exited shell must end the link at once, not after minutes of retries), and its retries log to the console.
import type WebSocket from 'ws';
import { isPangeoError, PangeoError } from '../core/http/errors';
import { sleep } from '../core/http/httpClient';
import { openWebSocket } from '../core/http/openWebSocket';
import type { Logger } from '../core/log';
import { silentLogger } from '../core/log';
import { ServerNotRunningError } from '../files/contentsErrors';
import type { ServerTerminals } from './serverTerminals';

export type TerminalLinkState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface TerminalLinkEvents {
  onOutput(text: string): void;
  onState(state: TerminalLinkState, reason?: string): void;
}

export interface TerminalLinkOptions {
  terminals: ServerTerminals;
  name: string;
  events: TerminalLinkEvents;
  logger?: Logger;
  /** Waits between reconnect attempts; the link gives up after the last one. */
  reconnectDelaysMs?: number[];
  /** Is the hub server still running? ('unknown' while the hub cannot be reached.) */
  probeServer?(): Promise<'ready' | 'stopped' | 'unknown'>;
  /** Opening the websocket gives up after this long. */
  connectTimeoutMs?: number;
}

/** About 30 s of attempts: a laptop changing networks comes back; a server that is gone is reported. */
const DEFAULT_DELAYS = [250, 500, 1000, 2000, 4000, 4000, 6000, 6000, 8000];
/** Input typed while reconnecting is kept up to this many characters. */
const MAX_PENDING_INPUT = 64 * 1024;
/** WebSocket.OPEN */
const OPEN = 1;

export class TerminalLink {
  private ws?: WebSocket;
  private state: TerminalLinkState = 'connecting';
  private pending: string[] = [];
  private pendingChars = 0;
  private size?: { rows: number; cols: number };
  private closedByUs = false;
  private readonly logger: Logger;

  constructor(private readonly opts: TerminalLinkOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  get currentState(): TerminalLinkState {
    return this.state;
  }

  isClosed(): boolean {
    return this.state === 'closed';
  }

  get name(): string {
    return this.opts.name;
  }

  /** The first connection; throws a typed error when it cannot be made. */
  async open(): Promise<void> {
    await this.connect();
    this.setState('connected');
  }

  /** Keystrokes for the shell (kept while reconnecting). */
  write(data: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'connected' && this.ws?.readyState === OPEN) {
      this.ws.send(JSON.stringify(['stdin', data]));
      return;
    }
    if (this.pendingChars + data.length <= MAX_PENDING_INPUT) {
      this.pending.push(data);
      this.pendingChars += data.length;
    }
  }

  resize(rows: number, cols: number): void {
    this.size = { rows, cols };
    if (this.state === 'connected' && this.ws?.readyState === OPEN) this.ws.send(JSON.stringify(['set_size', rows, cols]));
  }

  /** Ends the link; with `shutDown` the shell on the server ends too. */
  async close(opts: { shutDown: boolean; reason?: string }): Promise<void> {
    if (this.state === 'closed') return;
    this.closedByUs = true;
    this.ws?.close(1000);
    this.ws = undefined;
    this.setState('closed', opts.reason);
    if (opts.shutDown) await this.opts.terminals.delete(this.opts.name).catch((e: unknown) => this.logger.warn(`deleting terminal ${this.opts.name}: ${String(e)}`));
  }

  private setState(state: TerminalLinkState, reason?: string): void {
    if (this.state === state && state !== 'closed') return;
    if (this.state === 'closed') return;
    this.state = state;
    this.opts.events.onState(state, reason);
  }

  /** Opens the websocket and waits for it; the Authorization header goes on the upgrade, never in the URL. */
  private async connect(): Promise<void> {
    const auth = await this.opts.terminals.http.authorizationHeader();
    const ws = await openWebSocket(this.opts.terminals.websocketUrl(this.opts.name), {
      headers: auth ? { Authorization: auth } : {},
      handshakeTimeoutMs: this.opts.connectTimeoutMs ?? 15_000,
      statusError: (status, shown) => {
        if (status === 404) return new PangeoError('NotFound', `The terminal ${this.opts.name} has ended on the server.`, 'Open a new terminal.', { status, url: shown });
        if (status === 424 || status === 503) return new ServerNotRunningError(this.opts.terminals.where, status);
        return undefined;
      },
    });
    this.ws = ws;
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (!this.closedByUs && this.state !== 'closed') void this.reconnect();
    });
    ws.on('error', (e) => this.logger.warn(`terminal ${this.opts.name} websocket: ${e.message}`));
    if (this.size) ws.send(JSON.stringify(['set_size', this.size.rows, this.size.cols]));
    const queued = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (queued) ws.send(JSON.stringify(['stdin', queued]));
  }

  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(msg)) return;
    if (msg[0] === 'stdout' && typeof msg[1] === 'string') this.opts.events.onOutput(msg[1]);
    // The shell exited (terminado sends "disconnect" and closes).
    else if (msg[0] === 'disconnect') void this.close({ shutDown: false, reason: 'The shell on the server exited.' });
  }

  private async reconnect(): Promise<void> {
    this.setState('reconnecting');
    for (const delay of this.opts.reconnectDelaysMs ?? DEFAULT_DELAYS) {
      await sleep(delay);
      if (this.isClosed()) return;
      try {
        // Ask first: a stopped server or an ended terminal will never come back.
        if (!(await this.opts.terminals.get(this.opts.name))) {
          await this.close({ shutDown: false, reason: 'The terminal has ended on the server.' });
          return;
        }
        if (this.isClosed()) return;
        await this.connect();
        this.setState('connected');
        return;
      } catch (e) {
        if (e instanceof ServerNotRunningError || isPangeoError(e, 'NotFound') || isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden')) {
          await this.close({ shutDown: false, reason: e instanceof ServerNotRunningError ? 'The server stopped.' : e.userMessage });
          return;
        }
        if ((await this.opts.probeServer?.().catch(() => 'unknown' as const)) === 'stopped') {
          await this.close({ shutDown: false, reason: 'The server stopped.' });
          return;
        }
        this.logger.info(`terminal ${this.opts.name}: reconnect failed (${(e as Error).message}); retrying`);
      }
    }
    await this.close({ shutDown: false, reason: 'Lost the connection to the server.' });
  }
}
