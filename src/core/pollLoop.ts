// Runs a tick on an interval while switched on, slowing down while the target is down; never overlaps ticks.

export interface PollLoopOptions {
  intervalMs: number;
  /** Interval used while `slowDown()` says so (e.g. a stopped cluster). */
  slowIntervalMs?: number;
  /** The wait before the next tick, asked after each one (e.g. a back-off schedule); overrides the intervals. */
  nextDelayMs?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class PollLoop {
  private handle: unknown;
  private running = false;
  private inFlight?: Promise<void>;
  private abort?: AbortController;
  private slow = false;

  constructor(private readonly tick: (signal: AbortSignal) => Promise<void>, private readonly opts: PollLoopOptions) {}

  get active(): boolean {
    return this.running;
  }

  /** Starts ticking, the first time after `firstTickMs` (default now); idempotent. */
  start(firstTickMs = 0): void {
    if (this.running) return;
    this.running = true;
    this.schedule(firstTickMs);
  }

  /** Stops after the current tick, cancelling its requests. */
  stop(): void {
    this.running = false;
    this.abort?.abort();
    if (this.handle !== undefined) (this.opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.handle);
    this.handle = undefined;
  }

  setSlow(slow: boolean): void {
    this.slow = slow;
  }

  /** Resolves when the tick in flight (if any) has finished. */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  private schedule(ms: number): void {
    const set = this.opts.setTimer ?? ((fn, delay) => setTimeout(fn, delay));
    this.handle = set(() => void this.run(), ms);
  }

  private async run(): Promise<void> {
    if (!this.running) return;
    this.abort = new AbortController();
    this.inFlight = this.tick(this.abort.signal).catch(() => undefined);
    await this.inFlight;
    this.inFlight = undefined;
    if (this.running) this.schedule(this.opts.nextDelayMs?.() ?? (this.slow ? this.opts.slowIntervalMs ?? this.opts.intervalMs * 6 : this.opts.intervalMs));
  }
}
