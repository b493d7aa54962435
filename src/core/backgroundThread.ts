// Lowers the calling thread's CPU priority: a worker thread's reading must not hold a core the extension host's main
// thread (every extension's UI requests) is waiting for. Linux only, where a thread id given as the pid changes that
// one thread's nice value (setpriority(2)); raising it needs no privileges. Elsewhere a no-op.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice 10: the kernel gives the thread ~1/10 of a core the main thread also wants, and every idle core. */
export const BACKGROUND_NICE = 10;

/** Returns the thread's id when its priority was lowered, undefined where it could not be (not Linux, no /proc). */
export function lowerThisThreadsPriority(nice = BACKGROUND_NICE): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return tid;
  } catch {
    return undefined;
  }
}
