// Is a kernel's shell free? Asked with a kernel_info_request on the shell channel: the kernel answers shell requests in
// order (ipykernel's main shell runs one at a time), so the answer comes only once every request before it is done —
// no answer within a short bound means a cell, ours or another client's, runs or waits there. Not jupyter_server's
// REST `execution_state`, which is wrong both ways: the server's nudge on each websocket connect (a kernel_info_request
// on the control channel too) flips it to idle while a cell runs, and a kernel restarted mid-cell can stay 'busy'.
import type { KernelSession } from '../jupyterServer/jupyterServerClient';

/** How long an idle kernel may take to answer on a busy machine before it is called busy. */
export const SHELL_PROBE_MS = 5_000;

/** True when the shell answered a kernel_info_request within `timeoutMs`; false when it did not (or the socket ended). */
export async function shellAnswers(session: KernelSession, timeoutMs = SHELL_PROBE_MS, signal?: AbortSignal): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const silent = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    onAbort = () => resolve(false);
    if (signal?.aborted) resolve(false);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  // The request waits in the kernel's queue if unanswered; it runs no code, so it is harmless when it is answered late.
  const answered = session.connection.requestKernelInfo().then((reply) => reply !== undefined, () => false);
  try {
    return await Promise.race([answered, silent]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
