// The Jupyter terminals REST API of one server (/api/terminals): list, create, look up and delete terminals.
import type { HttpClient } from '../core/http/httpClient';
import { arrayOf, optional, shape, str } from '../core/http/responseCheck';
import { isPangeoError } from '../core/http/errors';
import type { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import { isServerStoppedStatus, ServerNotRunningError, TerminalsDisabledError } from '../files/contentsErrors';

export interface TerminalInfo {
  name: string;
  lastActivity?: string;
}

interface RawTerminal { name: string; last_activity?: string }

const isRawTerminal = shape<RawTerminal>({ name: str, last_activity: optional(str) });

export class ServerTerminals {
  readonly http: HttpClient;

  constructor(readonly jupyter: JupyterServerClient) {
    this.http = jupyter.http;
  }

  get where(): string {
    return this.jupyter.serverUrl;
  }

  /** `terminals/websocket/<name>` on the server, as ws:// or wss://. */
  websocketUrl(name: string): string {
    return new URL(`terminals/websocket/${encodeURIComponent(name)}`, this.http.baseUrl).toString().replace(/^http/, 'ws');
  }

  async list(signal?: AbortSignal): Promise<TerminalInfo[]> {
    const raw = await this.call(() => this.jupyter.checkedJson({ path: 'api/terminals', signal }, arrayOf(isRawTerminal)), true);
    return raw.map((t) => ({ name: t.name, lastActivity: t.last_activity }));
  }

  /** Starts a shell on the server (in `cwd`, a server path, where the server supports it). */
  async create(opts: { cwd?: string; signal?: AbortSignal } = {}): Promise<TerminalInfo> {
    const raw = await this.call(() => this.jupyter.checkedJson({
      method: 'POST', path: 'api/terminals', json: opts.cwd ? { cwd: opts.cwd } : {}, signal: opts.signal,
    }, isRawTerminal), true);
    return { name: raw.name, lastActivity: raw.last_activity };
  }

  /** The terminal, or undefined when it ended (its shell exited or it was deleted). */
  async get(name: string, signal?: AbortSignal): Promise<TerminalInfo | undefined> {
    try {
      const raw = await this.call(() => this.jupyter.checkedJson({ path: `api/terminals/${encodeURIComponent(name)}`, signal, retries: 0 }, isRawTerminal), false);
      return { name: raw.name, lastActivity: raw.last_activity };
    } catch (e) {
      if (isPangeoError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /** Ends the terminal's shell; one already gone is fine. */
  async delete(name: string, signal?: AbortSignal): Promise<void> {
    await this.call(() => this.http.request({ method: 'DELETE', path: `api/terminals/${encodeURIComponent(name)}`, signal, acceptStatuses: [404] }), false);
  }

  private async call<T>(run: () => Promise<T>, collection: boolean): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isServerStoppedStatus(e)) throw new ServerNotRunningError(this.where, (e as { status?: number }).status);
      // The collection itself missing means the server has no terminals at all.
      if (collection && isPangeoError(e, 'NotFound')) throw new TerminalsDisabledError(this.where);
      throw e;
    }
  }
}
