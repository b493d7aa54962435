// Runs the scheduler probe (src/dask/scheduler/schedulerProbe.ts) in a notebook kernel that holds a Dask client of the
// dashboard's scheduler: every 5 s while the dashboard can be seen, never while that kernel is busy (a kernel runs one
// request at a time, so a probe sent then would wait behind the user's cell and the user's next cell behind the probe).
import { untilAborted } from '../core/abort';
import { PollLoop } from '../core/pollLoop';
import type { KernelProbeStatus } from '../shared/dashboard/feedStatus';

import { readSchedulerProbe, schedulerProbeCode, type SchedulerProbe } from '../dask/scheduler/schedulerProbe';

/** A notebook kernel the probe may run in (our own kernel connection, or the Jupyter extension's kernel). */
export interface ProbeKernel {
  /** Stable per notebook (its URI). */
  id: string;
  /** For the user: "analysis.ipynb". */
  label: string;
  /**
   * Runs code silently (no cell output, no execution count, no history) only if the kernel is idle with nothing
   * queued; resolves with its stdout, or undefined when it was busy and nothing was sent.
   */
  runIfIdle(code: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** Notebook kernels that may hold a client of the scheduler with this id (the probe checks which one does). */
export type ProbeKernels = (schedulerId: string) => Promise<ProbeKernel[]>;



export interface KernelProbeFeedOptions {
  kernels: ProbeKernels;
  /** identity.json's id of the dashboard's scheduler; undefined before the first sample. */
  schedulerId: () => string | undefined;
  onUpdate: () => void;
  /** Slower than the HTTP polling: each probe is a kernel round trip plus a scheduler call (docs/dask-dashboard-sources.md). */
  intervalMs?: number;
  /** A probe that takes longer is abandoned (the kernel finishes it; the next one waits for idle again). */
  timeoutMs?: number;
  /** How long a kernel without a client of this scheduler is left alone before it is asked again. */
  recheckMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const NO_KERNEL = 'Occupancy and current work come from a notebook\'s Dask client: no notebook kernel connected to this cluster.';
const OFF: KernelProbeStatus = { state: 'off', message: 'Occupancy and current work: shown while the dashboard is visible.' };
const LOOKING: KernelProbeStatus = { state: 'looking', message: 'Occupancy and current work: looking for a notebook kernel with a Dask client of this cluster…' };

export class KernelProbeFeed {
  private readonly loop: PollLoop;
  private current: KernelProbeStatus = OFF;
  private answer?: SchedulerProbe;
  /** The kernel that answered last: asked first next time. */
  private preferred?: string;
  /** Kernels that had no client of this scheduler, and when they may be asked again. */
  private readonly notHere = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly opts: KernelProbeFeedOptions) {
    this.now = opts.now ?? Date.now;
    this.loop = new PollLoop((signal) => this.tick(signal), { intervalMs: opts.intervalMs ?? 5000, setTimer: opts.setTimer, clearTimer: opts.clearTimer });
  }

  get status(): KernelProbeStatus {
    return this.current;
  }

  /** The last answer, only while it is current (state live). */
  get probe(): SchedulerProbe | undefined {
    return this.current.state === 'live' ? this.answer : undefined;
  }

  get active(): boolean {
    return this.loop.active;
  }

  /** On while the dashboard can be seen; off stops at once (a probe in flight is no longer waited for). */
  setActive(on: boolean): void {
    if (on === this.loop.active) return;
    if (on) {
      this.set(LOOKING);
      this.loop.start();
    } else {
      this.loop.stop();
      this.set(OFF);
    }
  }

  dispose(): void {
    this.loop.dispose();
  }

  /** One round; exposed for tests. */
  async tick(signal?: AbortSignal): Promise<void> {
    const schedulerId = this.opts.schedulerId();
    if (!schedulerId) return;
    const now = this.now();
    const kernels = (await this.opts.kernels(schedulerId)).filter((k) => (this.notHere.get(k.id) ?? 0) <= now);
    kernels.sort((a, b) => Number(b.id === this.preferred) - Number(a.id === this.preferred));
    let busy: ProbeKernel | undefined;
    let failure: KernelProbeStatus | undefined;
    for (const kernel of kernels) {
      if (signal?.aborted) return;
      let output: string | undefined;
      try {
        output = await this.withinTimeout(kernel.runIfIdle(schedulerProbeCode({ schedulerId, limit: 0 }), signal));
      } catch (e) {
        if (signal?.aborted) return;
        failure ??= { state: 'failed', notebook: kernel.label, message: `The probe in ${kernel.label} failed: ${e instanceof Error ? e.message : String(e)}` };
        continue;
      }
      if (signal?.aborted) return;
      if (output === undefined) {
        busy ??= kernel;
        continue;
      }
      const read = readSchedulerProbe(output);
      if (read.kind === 'notServed') {
        this.notHere.set(kernel.id, now + (this.opts.recheckMs ?? 30_000));
        continue;
      }
      if (read.kind === 'malformed' || read.value.schedulerId !== schedulerId) {
        failure ??= { state: 'failed', notebook: kernel.label, message: `The probe in ${kernel.label} gave no usable answer${read.kind === 'malformed' ? `: ${read.reason}` : ' (another scheduler)'}.` };
        continue;
      }
      this.preferred = kernel.id;
      this.answer = read.value;
      this.set({ state: 'live', notebook: kernel.label, time: now, message: `Occupancy and current work from the Dask client in ${kernel.label} (read every ${Math.round((this.opts.intervalMs ?? 5000) / 1000)} s while its kernel is idle).` });
      return;
    }
    this.answer = undefined;
    if (busy) this.set({ state: 'busy', notebook: busy.label, message: `Occupancy: shown when the notebook's kernel is idle — ${busy.label} is running a cell.` });
    else this.set(failure ?? { state: 'no-kernel', message: NO_KERNEL });
  }

  private withinTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.opts.timeoutMs ?? 10_000;
    return untilAborted(work, [AbortSignal.timeout(ms)], () => new Error(`no answer within ${ms / 1000} s`));
  }

  private set(status: KernelProbeStatus): void {
    const same = status.state === this.current.state && status.message === this.current.message && status.state !== 'live';
    this.current = status;
    if (!same) this.opts.onUpdate();
  }
}
