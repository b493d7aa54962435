// Watches the hub while a long wait depends on it. A hub killed mid-spawn leaves its proxy holding the progress stream
// open (no bytes, no close) while every other call answers 503 at once: probing the API notices in seconds what the
// stream's idle limit would notice only after a minute.
import { isPangeoError, PangeoError } from '../core/http/errors';
import { PollLoop } from '../core/pollLoop';

/** The hub stopped answering while we waited on it (its proxy says 502/503/504, or no one listens). */
export class HubStoppedAnsweringError extends PangeoError {
  constructor(base: string, what: string, cause: PangeoError) {
    const how = cause.status ? `its proxy answers ${cause.status}` : 'nothing answers';
    super('Unreachable', `The hub at ${base} stopped answering (${how}) while ${what}.`,
      'The hub may be restarting or down: when it is back, check the server\'s state (the spawn may have gone on or stopped), or tell the hub admin.',
      { url: base, status: cause.status, cause });
  }
}

export interface HubWatchOptions {
  /** Time between probes (default 3 s). */
  everyMs?: number;
  /** Probes in a row that find the hub down before the wait is given up (default 2). */
  downAfter?: number;
  signal?: AbortSignal;
}

/** A failure that says the hub process is gone, not that it is slow or refused us. */
export function isHubDown(e: unknown): e is PangeoError {
  return isPangeoError(e, 'Unreachable') || (isPangeoError(e, 'UnexpectedResponse') && [502, 503, 504].includes(e.status ?? 0));
}

/**
 * Runs `work` with a signal that aborts when `downAfter` probes in a row find the hub down; the work's failure is then
 * replaced by HubStoppedAnsweringError. Probes that fail otherwise (a timeout, a 403) do not count.
 */
export async function whileHubAnswers<T>(base: string, what: string, probe: (signal: AbortSignal) => Promise<unknown>,
  work: (signal: AbortSignal) => Promise<T>, opts: HubWatchOptions = {}): Promise<T> {
  const gaveUp = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, gaveUp.signal]) : gaveUp.signal;
  const downAfter = opts.downAfter ?? 2;
  let downInARow = 0;
  let verdict: HubStoppedAnsweringError | undefined;
  const loop = new PollLoop(async (tickSignal) => {
    try {
      await probe(AbortSignal.any([tickSignal, signal]));
      downInARow = 0;
    } catch (e) {
      if (!isHubDown(e)) return;
      if (++downInARow < downAfter || verdict) return;
      verdict = new HubStoppedAnsweringError(base, what, e);
      gaveUp.abort();
    }
  }, { intervalMs: opts.everyMs ?? 3000 });
  loop.start(opts.everyMs ?? 3000);
  try {
    return await work(signal);
  } catch (e) {
    throw verdict ?? e;
  } finally {
    loop.dispose();
  }
}
