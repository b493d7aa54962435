// Waits for a NotebookKernel to reach a state (at once if it is there), failing with where it is after `timeoutMs`.
import type { KernelState, NotebookKernel } from '../../../src/kernels/notebookKernel';

export function waitForState(kernel: NotebookKernel, state: KernelState, timeoutMs: number): Promise<void> {
  if (kernel.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`state ${state} not reached in ${timeoutMs} ms (now ${kernel.state})`));
    }, timeoutMs);
    const sub = kernel.onDidChangeState((c) => {
      if (c.state !== state) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}
