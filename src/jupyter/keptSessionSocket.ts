// The kernel websocket class we hand the Jupyter extension for a "Pangeo hubs" server (its connection information takes
// one). jupyter_server keeps a kernel's messages when its last socket closes and replays them only to a socket with
// the same session key (`session_id` in the URL); the Jupyter extension makes a new key for every connection, so
// after a window reload the output printed meanwhile was dropped. This class connects the first connection of this
// window to a kernel with the key this workspace last used for that kernel, so the server replays what it kept.
// It also puts the current Authorization header on each handshake (what the extension's own class did).
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

/** Hands out session keys: the kept one to one connection (by its own key) per kernel, the connection's own to others. */
export class SessionKeys {
  /** The key each connection (by the key it asked with) was given, per kernel: a reconnect gets the same one. */
  private readonly given = new Map<string, Map<string, string>>();

  constructor(private readonly memory: SessionKeyMemory) {}

  keyFor(kernelId: string, asked: string): string {
    let byAsked = this.given.get(kernelId);
    if (!byAsked) this.given.set(kernelId, (byAsked = new Map<string, string>()));
    const known = byAsked.get(asked);
    if (known) return known;
    // Two sockets with one key push each other out (the server closes the older): the kept key goes to one connection.
    const kept = this.memory.get(kernelId);
    const key = byAsked.size === 0 && kept ? kept : asked;
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
}

/** A `ws` class for the Jupyter extension: the kept session key, and `headers()` read at each handshake. */
export function keptSessionWebSocketClass(WsImpl: WsClass, keys: SessionKeys, headers: () => Record<string, string>): KernelSocketCtor {
  return class KeptSessionWebSocket extends WsImpl {
    constructor(url: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) {
      super(keys.rewrite(String(url)), protocols, { ...options, headers: { ...options?.headers, ...headers() } });
    }
  };
}
