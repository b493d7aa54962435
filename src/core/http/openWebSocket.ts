// Opens a websocket with the Authorization header on the upgrade and turns a refused upgrade into a typed error.
import type WebSocket from 'ws';
import { loadChunk } from '../chunks';
import { ForbiddenError, type PangeoError, UnauthorizedError, UnreachableError } from './errors';
import { redactUrl } from './redact';

export interface OpenWebSocketOptions {
  headers?: Record<string, string>;
  handshakeTimeoutMs: number;
  /** The caller's error for a refused upgrade other than 401/403 (undefined: "unreachable, HTTP <status>"). */
  statusError?: (status: number, shownUrl: string) => PangeoError | undefined;
}

/** Resolves once open; the URL in errors is redacted. */
export async function openWebSocket(url: string | URL, opts: OpenWebSocketOptions): Promise<WebSocket> {
  const shown = redactUrl(url);
  // `ws` comes with the kernel protocol's chunk, loaded on first use so activation stays small.
  const { WebSocketImpl } = loadChunk<typeof import('../../chunks/jupyter')>('jupyter');
  const ws: WebSocket = new WebSocketImpl(url.toString(), { headers: opts.headers ?? {}, handshakeTimeout: opts.handshakeTimeoutMs });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      if (status === 401) reject(new UnauthorizedError(shown));
      else if (status === 403) reject(new ForbiddenError(shown));
      else reject(opts.statusError?.(status, shown) ?? new UnreachableError(shown, `HTTP ${status}`));
    });
    ws.once('error', (e) => reject(new UnreachableError(shown, (e as NodeJS.ErrnoException).code ?? e.message, e)));
  });
  return ws;
}
