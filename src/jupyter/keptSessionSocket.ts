// The kernel websocket class we hand the Jupyter extension for a "Pangeo hubs" server (its connection information takes
// one). jupyter_server keeps a kernel's messages when its last socket closes and replays them only to a socket with
// the same session key (`session_id` in the URL); the Jupyter extension makes a new key for every connection, so
// after a window reload the output printed meanwhile was dropped. This class connects the first connection of this
// window to a kernel with the key this workspace last used for that kernel, so the server replays what it kept.
// It also puts the current Authorization header on each handshake (what the extension's own class did). On such a
// socket, output of a request this window did not send (the cell that ran meanwhile) is also handed to
// `onEarlierOutput`: the extension drops what arrives before it resumes the cell (see the README), so we can show it.
import type WebSocket from 'ws';

/** Where the session keys live between windows (the workspace's storage; no secret in them). */
export interface SessionKeyMemory {
  get(kernelId: string): string | undefined;
  set(kernelId: string, key: string): void;
}

type WsClass = typeof WebSocket;
/** How @jupyterlab/services (wrapped by the Jupyter extension) constructs its sockets. */
export type KernelSocketCtor = new (url: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) => WebSocket;

const CHANNELS = /\/api\/kernels\/([^/]+)\/channels$/;

/** The kernel id of a kernel channels URL; undefined for other sockets. */
function kernelOf(url: string): string | undefined {
  const kernel = CHANNELS.exec(new URL(url).pathname)?.[1];
  return kernel ? decodeURIComponent(kernel) : undefined;
}

/** Hands out session keys: the kept one to one connection (by its own key) per kernel, the connection's own to others. */
export class SessionKeys {
  /** The key each connection (by the key it asked with) was given, per kernel: a reconnect gets the same one. */
  private readonly given = new Map<string, Map<string, string>>();
  /** "kernel key" of the kept keys handed out: those sockets get what the server kept since an earlier window. */
  private readonly reattaching = new Set<string>();
  /**
   * msg_ids of the requests this window sent, per kernel, by any of its sockets (each resolve of a server makes a new
   * class; iopub goes to every socket of a kernel; a reconnect's socket gets replies to what the one before sent).
   */
  private readonly sent = new Map<string, Set<string>>();

  sentTo(kernelId: string): Set<string> {
    let ids = this.sent.get(kernelId);
    if (!ids) this.sent.set(kernelId, (ids = new Set<string>()));
    return ids;
  }

  constructor(private readonly memory: SessionKeyMemory) {}

  keyFor(kernelId: string, asked: string): string {
    let byAsked = this.given.get(kernelId);
    if (!byAsked) this.given.set(kernelId, (byAsked = new Map<string, string>()));
    const known = byAsked.get(asked);
    if (known) return known;
    // Two sockets with one key push each other out (the server closes the older): the kept key goes to one connection.
    const kept = this.memory.get(kernelId);
    const key = byAsked.size === 0 && kept ? kept : asked;
    if (key === kept) this.reattaching.add(`${kernelId} ${key}`);
    byAsked.set(asked, key);
    if (!kept) this.memory.set(kernelId, key);
    return key;
  }

  /** The socket URL with the key to use instead of the one asked for (other URLs as they are). */
  rewrite(url: string): string {
    const u = new URL(url);
    const kernel = CHANNELS.exec(u.pathname)?.[1];
    const asked = u.searchParams.get('session_id');
    if (!kernel || !asked) return url;
    u.searchParams.set('session_id', this.keyFor(decodeURIComponent(kernel), asked));
    return u.toString();
  }

  /** The kernel of a (rewritten) socket URL that carries a key kept from an earlier window; undefined otherwise. */
  reattachedKernel(url: string): string | undefined {
    const id = kernelOf(url);
    const key = new URL(url).searchParams.get('session_id');
    return id && key && this.reattaching.has(`${id} ${key}`) ? id : undefined;
  }
}

/** Text output of a request this window did not send, as it arrived on a reattached socket. */
export interface EarlierOutput {
  kernelId: string;
  /** The msg_id of the execute_request it belongs to. */
  requestId: string;
  text: string;
}

interface Msg { channel?: string; header?: { msg_id?: string; msg_type?: string }; parent_header?: { msg_id?: string }; content?: Record<string, unknown> }

export interface KeptSocketOptions {
  headers(): Record<string, string>;
  /** @jupyterlab/services' deserialize, for the binary kernel protocol (v1.kernel.websocket.jupyter.org). */
  decode?: (data: ArrayBuffer | ArrayBufferView, protocol: string) => unknown;
  onEarlierOutput?: (output: EarlierOutput) => void;
}

function outputText(msg: Msg): string | undefined {
  const c = msg.content ?? {};
  switch (msg.header?.msg_type) {
    case 'stream': return typeof c.text === 'string' ? c.text : undefined;
    case 'execute_result':
    case 'display_data': {
      const plain = (c.data as Record<string, unknown> | undefined)?.['text/plain'];
      return typeof plain === 'string' ? `${plain}\n` : undefined;
    }
    case 'error': return `${String(c.ename)}: ${String(c.evalue)}\n`;
    default: return undefined;
  }
}

/** A frame's bytes as `ws` hands them (a Buffer, an ArrayBuffer, or fragments), without a copy where it can. */
function frameBytes(data: unknown): ArrayBuffer | ArrayBufferView | undefined {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return undefined;
}

/** A kernel message from a frame, or undefined (a frame we cannot read is passed on untouched, only not watched). */
function decodeFrame(data: unknown, isBinary: boolean, protocol: string, decode: KeptSocketOptions['decode']): Msg | undefined {
  try {
    if (typeof data === 'string') return JSON.parse(data) as Msg;
    const bytes = frameBytes(data);
    if (!bytes) return undefined;
    if (!isBinary) return JSON.parse((ArrayBuffer.isView(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.from(bytes)).toString('utf8')) as Msg;
    return decode ? (decode(bytes, protocol) as Msg) : undefined;
  } catch {
    return undefined;
  }
}

/** A `ws` class for the Jupyter extension: the kept session key, and `headers()` read at each handshake. */
export function keptSessionWebSocketClass(WsImpl: WsClass, keys: SessionKeys, opts: KeptSocketOptions): KernelSocketCtor {
  return class KeptSessionWebSocket extends WsImpl {
    private readonly sent?: Set<string>;
    private readonly reattached?: string;

    constructor(url: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      const rewritten = keys.rewrite(String(url));
      super(rewritten, protocols, { ...options, headers: { ...options?.headers, ...opts.headers() } });
      const kernel = opts.onEarlierOutput ? kernelOf(rewritten) : undefined;
      if (!kernel) return;
      // Requests of this window (the extension's own): their output is not "earlier".
      const sent = (this.sent = keys.sentTo(kernel));
      const send = this.send.bind(this) as (...args: unknown[]) => void;
      this.send = ((data: unknown, ...rest: unknown[]) => {
        const id = decodeFrame(data, typeof data !== 'string', this.protocol, opts.decode)?.header?.msg_id;
        if (id) sent.add(id);
        send(data, ...rest);
      }) as WebSocket['send'];
      this.reattached = keys.reattachedKernel(rewritten);
      if (this.reattached) this.on('message', (data: unknown, isBinary: boolean) => this.watch(data, isBinary));
    }

    private watch(data: unknown, isBinary: boolean): void {
      const msg = decodeFrame(data, isBinary, this.protocol, opts.decode);
      const parent = msg?.parent_header?.msg_id;
      if (!msg || !parent || this.sent?.has(parent) || (msg.channel !== undefined && msg.channel !== 'iopub')) return;
      // A request whose start this socket saw (another client's cell, the extension's or our own silent code: IOPub
      // goes to every connection) began after the reload: its output is not earlier.
      if (msg.header?.msg_type === 'status' && msg.content?.execution_state === 'busy') {
        this.sent?.add(parent);
        return;
      }
      const text = outputText(msg);
      if (text) opts.onEarlierOutput?.({ kernelId: this.reattached!, requestId: parent, text });
    }
  };
}
