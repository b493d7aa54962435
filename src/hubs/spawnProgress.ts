// Reads JupyterHub's spawn progress event stream (text/event-stream) into typed events, with spawn and idle time limits.
import { createParser } from 'eventsource-parser';
import type { HttpClient } from '../core/http/httpClient';
import { CancelledError, PangeoError, TimeoutError, UnexpectedResponseError, type TimeLimit } from '../core/http/errors';
import { mapNetworkError } from '../core/http/errorMapping';
import { untilAborted } from '../core/abort';

export interface SpawnProgressEvent {
  /** 0–100 as the hub reports it. */
  progress: number;
  message: string;
  ready: boolean;
  failed: boolean;
  /** Absolute or root-relative server URL, on the final ready event. */
  url?: string;
}

/** Parses one `data:` payload; tolerant of missing fields, strict about it being JSON. */
export function parseProgressData(data: string): SpawnProgressEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    parsed = undefined;
  }
  // Each event is a JSON object; anything else (null, a number, text) is a stream we cannot follow.
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UnexpectedResponseError('spawn progress', 200, `malformed progress event: ${data.slice(0, 80)}`);
  }
  const raw = parsed as Record<string, unknown>;
  const progress = typeof raw.progress === 'number' ? Math.max(0, Math.min(100, raw.progress)) : 0;
  const html = typeof raw.html_message === 'string' ? raw.html_message.replace(/<[^>]+>/g, '') : '';
  return {
    progress,
    message: typeof raw.message === 'string' ? raw.message : html,
    ready: raw.ready === true,
    failed: raw.failed === true,
    url: typeof raw.url === 'string' ? raw.url : undefined,
  };
}

export class SpawnFailedError extends PangeoError {
  constructor(hubMessage: string) {
    super('UnexpectedResponse', `The server failed to start: ${hubMessage || 'no reason given by the hub'}.`,
      'Try another profile or smaller resources, or ask the hub admin; then start it again.', { serverMessage: hubMessage });
  }
}

export interface ProgressOptions {
  /** Limit for the whole spawn (default 10 min: cloud spawns take minutes). */
  timeoutMs?: number;
  /** Limit for silence between bytes; the hub sends keep-alives about every 8 s (default 60 s). */
  idleMs?: number;
  signal?: AbortSignal;
}

/** Yields each progress event; returns after the ready event; throws SpawnFailedError on a failed one. */
export async function* readSpawnProgress(http: HttpClient, path: string, opts: ProgressOptions = {}): AsyncGenerator<SpawnProgressEvent> {
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const idleMs = opts.idleMs ?? 60_000;
  const stop = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
  const res = await http.request({ path, headers: { Accept: 'text/event-stream' }, signal, timeoutMs: Math.min(timeoutMs, 60_000) });
  const shownUrl = http.resolve(path).toString();
  if (!res.body) throw new UnexpectedResponseError(shownUrl, res.status, 'empty progress stream');
  const queue: Array<SpawnProgressEvent | Error> = [];
  const parser = createParser({
    onEvent: (msg) => {
      try {
        queue.push(parseProgressData(msg.data));
      } catch (e) {
        queue.push(e as Error);
      }
    },
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      while (queue.length) {
        const item = queue.shift()!;
        if (item instanceof Error) throw item;
        yield item;
        if (item.failed) throw new SpawnFailedError(item.message);
        if (item.ready) return;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TimeoutError(shownUrl, timeoutMs, 'spawn');
      // When the spawn's deadline comes first, the error names that limit (as given), not the rest of it.
      const chunk = remaining <= idleMs
        ? await readWithin(reader, remaining, shownUrl, opts.signal, { ms: timeoutMs, limit: 'spawn' })
        : await readWithin(reader, idleMs, shownUrl, opts.signal);
      if (chunk.done) {
        parser.reset({ consume: true });
        if (queue.length) continue;
        // The hub closed the stream without a final event (e.g. the spawn was cancelled elsewhere).
        return;
      }
      parser.feed(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    stop.abort();
    reader.cancel().catch(() => undefined);
  }
}

async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number, url: string, signal?: AbortSignal,
  shown: { ms: number; limit?: TimeLimit } = { ms }): Promise<ReadableStreamReadResult<Uint8Array>> {
  const timeout = AbortSignal.timeout(ms);
  try {
    return await untilAborted(reader.read(), [signal, timeout],
      (aborted) => (aborted === timeout ? new TimeoutError(url, shown.ms, shown.limit) : new CancelledError('Waiting for the server')));
  } catch (e) {
    if (e instanceof PangeoError) throw e;
    throw mapNetworkError(url, e);
  }
}
