// A notebook's kernel as a target for shared AWS credentials: code run silently (no input broadcast, no history, no
// execution count) and its outputs kept from the notebook.
import type { CredentialTarget, SilentRunResult } from '../aws/remoteCredentials';
import type { CellRunRequest, CellRunResult } from './notebookKernel';
import { stdoutText } from './stdoutText';

/** Stdout of a silent run, read from its outputs (its error stays with the caller, which redacts it). */
function silentResult(result: CellRunResult): SilentRunResult {
  return { status: result.status, stdout: stdoutText(result.outputs), error: result.error ? { ename: result.error.ename, evalue: result.error.evalue } : undefined };
}

export function kernelCredentialTarget(id: string, label: string,
  kernel: { run(req: CellRunRequest): Promise<CellRunResult>; runAhead?(code: string): Promise<CellRunResult>; state?: string }): CredentialTarget {
  return {
    id,
    label,
    isGone: () => kernel.state === 'shut-down',
    // Ahead of the queue: a new kernel's first cell waits for these credentials (waitUntil), so they must not wait for it.
    runSilently: async (code) => silentResult(await (kernel.runAhead
      ? kernel.runAhead(code)
      : kernel.run({ code, silent: true, storeHistory: false, onChange: () => undefined }))),
  };
}
