// A response body read whole, bounded in time and in size: a server that sends a byte every few seconds, or never
// stops, cannot hold a download open, and nothing beyond the limit is read (the stream is cancelled, closing the
// connection).
import { BodyTimeoutError, BodyTooLargeError, CancelledError, PangeoError } from './errors';
import { mapNetworkError } from './errorMapping';

export interface BodyLimits {
  /** Time for the whole body, counted from when the headers arrived. */
  timeoutMs: number;
  /** More bytes than this is a BodyTooLargeError; absent: no cap. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export async function readBoundedBody(res: Response, shownUrl: string, limits: BodyLimits): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  let stopped: PangeoError | undefined;
  let total = 0;
  // Cancelling ends a pending read at once (done: true) and closes the connection.
  const stop = (why: PangeoError) => {
    stopped ??= why;
    reader.cancel().catch(() => undefined);
  };
  // setTimeout, not AbortSignal.timeout: tests can drive it with mock timers.
  const timer = setTimeout(() => stop(new BodyTimeoutError(shownUrl, limits.timeoutMs, total)), limits.timeoutMs);
  const onAbort = () => stop(new CancelledError(`Reading ${shownUrl}`));
  if (limits.signal?.aborted) onAbort();
  else limits.signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  try {
    while (!stopped) {
      const { done, value } = await reader.read();
      if (done || stopped) break;
      total += value.byteLength;
      if (limits.maxBytes !== undefined && total > limits.maxBytes) stop(new BodyTooLargeError(shownUrl, limits.maxBytes));
      else chunks.push(value);
    }
  } catch (e) {
    if (stopped) throw stopped;
    throw e instanceof PangeoError ? e : mapNetworkError(shownUrl, e);
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
  if (stopped) throw stopped;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
