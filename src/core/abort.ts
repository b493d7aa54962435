// Waiting on what cannot be cancelled itself (a stream read, a kernel reply, an event) until a signal says stop, such
// as AbortSignal.timeout(ms): one helper instead of hand-written Promise.race + setTimeout + clearTimeout.
// Listeners are removed when the wait ends, so a long-lived signal (a session's) collects none.

/**
 * Settles as `work` does, or rejects with `reason(signal)` as soon as one of `signals` aborts (at once if one has).
 * `work` itself goes on: cancel it through its own means if it must stop.
 */
export function untilAborted<T>(work: Promise<T>, signals: ReadonlyArray<AbortSignal | undefined>, reason: (aborted: AbortSignal) => Error): Promise<T> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  const already = live.find((s) => s.aborted);
  if (already) {
    // Its late failure is nobody's business now.
    work.catch(() => undefined);
    return Promise.reject(reason(already));
  }
  return new Promise<T>((resolve, reject) => {
    const listeners = live.map((signal) => ({ signal, onAbort: () => settle(() => reject(reason(signal))) }));
    const settle = (then: () => void) => {
      for (const { signal, onAbort } of listeners) signal.removeEventListener('abort', onAbort);
      then();
    };
    for (const { signal, onAbort } of listeners) signal.addEventListener('abort', onAbort, { once: true });
    // The work's own failure passes through unchanged, whatever it is.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    work.then((value) => settle(() => resolve(value)), (e: unknown) => settle(() => reject(e)));
  });
}

/**
 * A signal that follows `source` until release(): e.g. a request's timeout that covers its headers but not its body,
 * which may stream for minutes.
 */
export function releasableSignal(source: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const follow = () => controller.abort(source.reason);
  if (source.aborted) follow();
  else source.addEventListener('abort', follow, { once: true });
  return { signal: controller.signal, release: () => source.removeEventListener('abort', follow) };
}
