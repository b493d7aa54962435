// The WebSocket class @jupyterlab/services opens kernel channels with. It asks the auth source for the Authorization
// header each time a socket opens (the first connect and every reconnect), so a token renewed since the kernel
// connected (the old one revoked) is used at once. The library builds sockets synchronously; the `ws` socket under
// this one opens as soon as the header is known.
import type WebSocket from 'ws';
import type { AuthHeader } from '../core/http/httpClient';

type Handler = (event: unknown) => void;

const CONNECTING = 0;
const CLOSED = 3;
const noop: Handler = () => undefined;

/** The browser WebSocket surface the kernel connection uses: handlers, protocol, readyState, send, close. */
export interface KernelSocket {
  binaryType: string;
  onopen: Handler;
  onmessage: Handler;
  onclose: Handler;
  onerror: Handler;
  readonly protocol: string;
  readonly readyState: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export type KernelSocketClass = new (url: string, protocols?: string | string[]) => KernelSocket;

export interface SocketHooks {
  onFailed?(): void;
  quiet?(): boolean;
  /** While it returns a promise, what the library sends waits for it (in order): see KernelSession.holdOutgoing. */
  held?(): Promise<void> | undefined;
  /** Binary frames reach the library as the Node Buffers `ws` read (not copied into ArrayBuffers): its serializer must
   * take them (kernelSerializer). */
  nodeBuffers?: boolean;
}

/** The `ws` constructor, as this file calls it. */
type WsClass = new (url: string, protocols: string | string[] | undefined, options: WebSocket.ClientOptions) => WebSocket;

/**
 * A class for `ServerConnection.makeSettings({ WebSocket })` whose every instance asks `authorization` when it opens.
 * `hooks.onFailed`: a socket closed before it opened (refused, 403, 404, no header): the caller may ask REST why at once.
 * `hooks.quiet`: while it says true, such a failure is not reported to the library (whose every failed socket starts a
 * REST check repeating every 10-30 s): the caller dials again itself.
 * `hooks.held`: sends wait, in order, until the promise it returns settles.
 * `hooks.nodeBuffers`: binary frames as Node Buffers.
 */
export function kernelWebSocketClass(WebSocketImpl: WsClass, authorization: AuthHeader, hooks: SocketHooks = {}): KernelSocketClass {
  return class AuthorizedKernelSocket implements KernelSocket {
    // The kernel message serializer expects ArrayBuffer frames; the library sets this too.
    binaryType = 'arraybuffer';
    onopen = noop;
    onmessage = noop;
    onclose = noop;
    onerror = noop;
    private socket?: WebSocket;
    private closedEarly = false;
    private opened = false;
    /** Sends waiting for a hold (hooks.held) to end, in the order they were made. */
    private waiting?: (string | ArrayBuffer | ArrayBufferView)[];

    constructor(url: string, protocols?: string | string[]) {
      // Asked here, not once per kernel: the token may have been renewed since the last socket opened.
      void Promise.resolve()
        .then(() => authorization())
        .then((auth) => this.open(url, protocols, auth), (e: unknown) => this.fail(e));
    }

    get protocol(): string {
      return this.socket?.protocol ?? '';
    }

    get readyState(): number {
      if (this.socket) return this.socket.readyState;
      return this.closedEarly ? CLOSED : CONNECTING;
    }

    send(data: string | ArrayBuffer | ArrayBufferView): void {
      if (!this.socket) throw new Error('The kernel websocket is not open yet.');
      if (this.waiting) {
        this.waiting.push(data);
        return;
      }
      const hold = hooks.held?.();
      if (!hold) {
        this.socket.send(data);
        return;
      }
      this.waiting = [data];
      void hold.then(() => this.sendWaiting(), () => this.sendWaiting());
    }

    private sendWaiting(): void {
      const waiting = this.waiting ?? [];
      this.waiting = undefined;
      // A socket closed meanwhile takes nothing, as one the library writes to while it closes (a reconnect asks anew).
      if (this.socket?.readyState !== 1) return;
      for (const data of waiting) this.socket.send(data);
    }

    close(code?: number, reason?: string): void {
      if (this.socket) this.socket.close(code, reason);
      else this.closedEarly = true;
    }

    private open(url: string, protocols: string | string[] | undefined, auth: string | undefined): void {
      // Closed while the header was being looked up: the library has moved on (cleared, disposed or reconnecting).
      if (this.closedEarly) return;
      const socket = new WebSocketImpl(url, protocols, { headers: auth ? { Authorization: auth } : {} });
      socket.binaryType = hooks.nodeBuffers ? 'nodebuffer' : 'arraybuffer';
      socket.onopen = (e) => {
        this.opened = true;
        this.onopen(e);
      };
      socket.onmessage = (e) => this.onmessage(e);
      // Close and error events name their socket: the late handling of a socket the library has replaced (it handles
      // an early failure's first event, often the error, after a REST look-up) is told apart (KernelSession).
      socket.onclose = (e) => {
        if (!this.opened) {
          hooks.onFailed?.();
          if (hooks.quiet?.()) return;
        }
        this.onclose(Object.assign(e, { kernelSocket: this }));
      };
      socket.onerror = (e) => {
        if (!this.opened && hooks.quiet?.()) return;
        this.onerror(Object.assign(e, { kernelSocket: this }));
      };
      this.socket = socket;
    }

    /** No header (the auth source failed): reported as a failed connection, so the library's reconnect logic runs. */
    private fail(e: unknown): void {
      if (this.closedEarly) return;
      this.closedEarly = true;
      hooks.onFailed?.();
      if (hooks.quiet?.()) return;
      const message = e instanceof Error ? e.message : String(e);
      this.onerror({ type: 'error', message, error: e, kernelSocket: this });
      this.onclose({ type: 'close', code: 1006, reason: message, wasClean: false, kernelSocket: this });
    }
  };
}
