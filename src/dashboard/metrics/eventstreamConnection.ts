// A live connection to the scheduler's /eventstream websocket (the task stream source; see taskStream.ts). Opening it
// makes the scheduler register a "websocket" plugin that it removes when the connection closes: keep it open only
// while a task-stream chart is shown (docs/dask-dashboard-sources.md has the measured cost).
import { PangeoError } from '../../core/http/errors';
import { openWebSocket } from '../../core/http/openWebSocket';
import type { AuthHeader } from '../../core/http/httpClient';
import { EventstreamEvent, readEventstreamFrame } from './taskStream';

export interface EventstreamOptions {
  /** The dashboard base every route hangs off, e.g. http://127.0.0.1:8787/ or a Gateway's /clusters/<name>/. */
  baseUrl: string;
  /** Headers the dashboard needs (Authorization for a Gateway or a hub service). */
  headers?: Record<string, string>;
  /** The current Authorization, asked when the stream opens (wins over `headers`: tokens are renewed). */
  authorization?: AuthHeader;
  onEvent(event: EventstreamEvent): void;
  /** Called once when the connection ends for any reason other than close(). */
  onClosed?(reason: string): void;
  connectTimeoutMs?: number;
  /** Dask's own keep-alive message, so idle proxies do not cut the socket. */
  pingEveryMs?: number;
}

export interface EventstreamConnection {
  close(): void;
}

/** The websocket address of a dashboard base (http → ws, https → wss). */
export function eventstreamUrl(baseUrl: string): string {
  const url = new URL('eventstream', baseUrl.replace(/\/?$/, '/'));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Opens the stream; rejects with a typed error (404: the scheduler's `info` routes are turned off). */
export async function openEventstream(opts: EventstreamOptions): Promise<EventstreamConnection> {
  const authorization = await opts.authorization?.();
  const ws = await openWebSocket(eventstreamUrl(opts.baseUrl), {
    headers: authorization ? { ...opts.headers, Authorization: authorization } : opts.headers,
    handshakeTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    // 404: the scheduler's `info` routes are turned off.
    statusError: (status, shown) => status === 404
      ? new PangeoError('NotFound', `The scheduler at ${shown} serves no task stream (/eventstream).`,
        'Its distributed.scheduler.http.routes lack distributed.http.scheduler.info; open the full dashboard instead.', { status, url: shown })
      : undefined,
  });
  let closedByUs = false;
  const ping = setInterval(() => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ name: 'ping' })), opts.pingEveryMs ?? 30_000);
  ping.unref?.();
  ws.on('message', (data) => opts.onEvent(readEventstreamFrame(data.toString())));
  ws.on('error', () => undefined);
  ws.once('close', (code, reason) => {
    clearInterval(ping);
    if (!closedByUs) opts.onClosed?.(reason.toString() || `closed (${code})`);
  });
  return {
    close() {
      closedByUs = true;
      clearInterval(ping);
      ws.close();
    },
  };
}
