// Runs the scheduler probe (src/dask/scheduler/schedulerProbe.ts) in a notebook kernel that holds a Dask client of the
// dashboard's scheduler: every 5 s while the dashboard can be seen, never while that kernel is busy (a kernel runs one
// request at a time, so a probe sent then would wait behind the user's cell and the user's next cell behind the probe).
// While the notebook computes, a probe kernel of our own beside it (same Jupyter server, its own Dask client of the
// same scheduler) answers instead, so occupancy and current work stay live exactly when the user looks at them.
import { untilAborted } from '../core/abort';
import { PollLoop } from '../core/pollLoop';
import type { KernelProbeStatus } from '../shared/dashboard/feedStatus';

import { probeClientCode, readSchedulerProbe, schedulerProbeCode, type SchedulerProbe } from '../dask/scheduler/schedulerProbe';

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
  /**
   * Starts a kernel of our own beside this one (same server, same kernel spec), for the probe while this one is busy;
   * absent when that cannot be done (the Jupyter extension's kernels).
   */
  startSibling?(signal?: AbortSignal): Promise<SiblingKernel>;
}

/** A kernel the dashboard started for itself: nobody else runs code in it. */
export interface SiblingKernel {
  /** Runs code silently; resolves with its stdout, rejects with the kernel's error. */
  run(code: string, signal?: AbortSignal): Promise<string>;
  /** Shuts the kernel down. */
  dispose(): void;
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
  /** identity.json's scheduler address: where the probe kernel connects when no notebook's client has said yet. */
  schedulerAddress?: () => string | undefined;
  /** A probe kernel that takes longer to start (kernel start and Dask client connect) is given up for this round. */
  siblingStartMs?: number;
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
  /** The address each notebook's client reached the scheduler at (from its answers while idle). */
  private readonly addressOf = new Map<string, string>();
  /** Our probe kernel beside a busy notebook kernel, started on the first busy round; shut down when the panel hides. */
  private sibling?: { beside: string; kernel: Promise<SiblingKernel>; connected?: string; failed?: string };

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
      this.stopSibling();
      this.set(OFF);
    }
  }

  dispose(): void {
    this.loop.dispose();
    this.stopSibling();
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
      if (read.value.clientAddress) this.addressOf.set(kernel.id, read.value.clientAddress);
      this.set({ state: 'live', notebook: kernel.label, time: now, message: `Occupancy and current work from the Dask client in ${kernel.label} (read every ${this.everySeconds} s while its kernel is idle; while it runs a cell, through a probe kernel of ours beside it).` });
      return;
    }
    if (busy?.startSibling && await this.throughSibling(busy, schedulerId, now, signal)) return;
    if (signal?.aborted) return;
    this.answer = undefined;
    if (busy) {
      const why = this.sibling?.failed ? ` (the probe kernel beside it could not read the scheduler: ${this.sibling.failed})` : busy.startSibling ? '' : ' (a probe kernel of ours can only be started beside a Pangeo kernel)';
      this.set({ state: 'busy', notebook: busy.label, message: `Occupancy: shown when the notebook's kernel is idle — ${busy.label} is running a cell${why}.` });
    } else this.set(failure ?? { state: 'no-kernel', message: NO_KERNEL });
  }

  private get everySeconds(): number {
    return Math.round((this.opts.intervalMs ?? 5000) / 1000);
  }

  /** The probe through our own kernel beside the busy one; true when it answered for this scheduler. */
  private async throughSibling(busy: ProbeKernel, schedulerId: string, now: number, signal?: AbortSignal): Promise<boolean> {
    const address = this.addressOf.get(busy.id) ?? this.opts.schedulerAddress?.();
    if (!address) return false;
    if (this.sibling && this.sibling.beside !== busy.id) this.stopSibling();
    if (!this.sibling) {
      const started = busy.startSibling!(signal);
      this.sibling = { beside: busy.id, kernel: started };
      // Started but no longer wanted (panel hidden, or another notebook): shut it down once it is up.
      started.catch(() => undefined);
    }
    const sibling = this.sibling;
    try {
      const ms = this.opts.siblingStartMs ?? 60_000;
      const kernel = await untilAborted(sibling.kernel, [signal, AbortSignal.timeout(ms)], () => new Error(`the probe kernel did not start within ${ms / 1000} s`));
      let code = schedulerProbeCode({ schedulerId, limit: 0 });
      // One request: connect (once per address), then probe.
      if (sibling.connected !== address) code = `${probeClientCode(address)}\n${code}`;
      const read = readSchedulerProbe(await this.withinTimeout(kernel.run(code, signal), sibling.connected !== address ? this.opts.siblingStartMs ?? 60_000 : undefined));
      sibling.connected = address;
      if (read.kind !== 'ok' || read.value.schedulerId !== schedulerId) {
        sibling.failed = read.kind === 'ok' ? `${address} is another scheduler` : read.reason;
        return false;
      }
      sibling.failed = undefined;
      this.answer = read.value;
      this.set({ state: 'live', notebook: busy.label, time: now, viaSibling: true,
        message: `Occupancy and current work from the scheduler, read every ${this.everySeconds} s through a probe kernel of ours beside ${busy.label} while it runs a cell.` });
      return true;
    } catch (e) {
      if (signal?.aborted) return false;
      sibling.connected = undefined;
      sibling.failed = e instanceof Error ? e.message : String(e);
      // A kernel that failed to start is tried again next round.
      if (this.sibling === sibling && !(await sibling.kernel.then(() => true, () => false))) this.sibling = undefined;
      return false;
    }
  }

  private stopSibling(): void {
    const sibling = this.sibling;
    this.sibling = undefined;
    void sibling?.kernel.then((k) => k.dispose(), () => undefined);
  }

  private withinTimeout<T>(work: Promise<T>, timeoutMs?: number): Promise<T> {
    const ms = timeoutMs ?? this.opts.timeoutMs ?? 10_000;
    return untilAborted(work, [AbortSignal.timeout(ms)], () => new Error(`no answer within ${ms / 1000} s`));
  }

  private set(status: KernelProbeStatus): void {
    const same = status.state === this.current.state && status.message === this.current.message && status.state !== 'live';
    this.current = status;
    if (!same) this.opts.onUpdate();
  }
}
