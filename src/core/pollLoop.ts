// Runs a tick on an interval while switched on, slowing down while the target is down; never overlaps ticks.
// Disposing it ends it for good: no tick starts and none reschedules afterwards, even one that was in flight.
import type { IDisposable } from './lifecycle';

export interface PollLoopOptions {
  intervalMs: number;
  /** Interval used while `setSlow(true)` (e.g. a stopped cluster). */
  slowIntervalMs?: number;
  /** The wait before the next tick, asked after each one (e.g. a back-off schedule); overrides the intervals. */
  nextDelayMs?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** The clock `tickWithin` compares due times on (tests pass the one their timers use). */
  now?: () => number;
}

export class PollLoop implements IDisposable {
  private handle: unknown;
  /** When the armed timer fires (clock of `opts.now`). */
  private dueAt = 0;
  private running = false;
  private disposed = false;
  /** Bumped by stop(): a tick of an earlier run does not reschedule. */
  private generation = 0;
  private inFlight?: Promise<void>;
  private abort?: AbortController;
  /** A tick asked for (tickWithin) while one was in flight: the next comes no later than this. */
  private wantedBy?: number;
  private slow = false;

  constructor(private readonly tick: (signal: AbortSignal) => Promise<void>, private readonly opts: PollLoopOptions) {}

  get active(): boolean {
    return this.running;
  }

  /** Starts ticking, the first time after `firstTickMs` (default now); idempotent; nothing after dispose(). */
  start(firstTickMs = 0): void {
    if (this.running || this.disposed) return;
    this.running = true;
    this.arm(firstTickMs);
  }

  /** Stops after the current tick, cancelling its requests; start() may run it again. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.wantedBy = undefined;
    this.abort?.abort();
    this.disarm();
  }

  /** Stops for good (idempotent): a tick in flight is aborted and schedules nothing. */
  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  /** Something happened: the next tick comes within `ms` (never later than it was due); the one in flight finishes first. */
  tickWithin(ms: number): void {
    if (!this.running) return;
    const due = this.now() + ms;
    if (this.inFlight) this.wantedBy = Math.min(this.wantedBy ?? due, due);
    else if (this.handle === undefined || due < this.dueAt) {
      this.disarm();
      this.arm(ms);
    }
  }

  setSlow(slow: boolean): void {
    this.slow = slow;
  }

  private arm(ms: number): void {
    const set = this.opts.setTimer ?? ((fn, delay) => setTimeout(fn, delay));
    this.dueAt = this.now() + ms;
    this.handle = set(() => {
      this.handle = undefined;
      void this.run();
    }, ms);
  }

  private disarm(): void {
    if (this.handle !== undefined) (this.opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout)))(this.handle);
    this.handle = undefined;
  }

  private async run(): Promise<void> {
    const generation = this.generation;
    // Stopped and started again while a tick ran: that (aborted) tick ends first, so ticks never overlap.
    await this.inFlight;
    if (!this.running || generation !== this.generation) return;
    const abort = (this.abort = new AbortController());
    const tick = (this.inFlight = this.tick(abort.signal).catch(() => undefined));
    await tick;
    if (this.inFlight === tick) this.inFlight = undefined;
    if (!this.running || generation !== this.generation) return;
    const wanted = this.wantedBy === undefined ? Infinity : Math.max(0, this.wantedBy - this.now());
    this.wantedBy = undefined;
    this.arm(Math.min(wanted, this.nextDelay()));
  }

  private nextDelay(): number {
    return this.opts.nextDelayMs?.() ?? (this.slow ? this.opts.slowIntervalMs ?? this.opts.intervalMs * 6 : this.opts.intervalMs);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
