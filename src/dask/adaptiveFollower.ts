// Keeps a cluster at its scheduler's adaptive target within [minimum, maximum], the way distributed's
// deploy/adaptive_core.py does: scale up at once, scale down only after `waitCount` consecutive lower targets.
import type { Logger } from '../core/log';
import { silentLogger } from '../core/log';

export interface AdaptiveBounds {
  minimum: number;
  maximum: number;
}

/** Decides a new size from (current, scheduler's target); remembers how often in a row it wanted to shrink. */
export class AdaptivePolicy {
  private downVotes = 0;

  constructor(readonly bounds: AdaptiveBounds, private readonly waitCount = 3) {
    if (!Number.isInteger(bounds.minimum) || !Number.isInteger(bounds.maximum) || bounds.minimum < 0 || bounds.maximum < bounds.minimum) {
      throw new RangeError(`adaptive bounds must satisfy 0 ≤ minimum ≤ maximum, got ${bounds.minimum}…${bounds.maximum}`);
    }
  }

  clamp(target: number): number {
    return Math.min(this.bounds.maximum, Math.max(this.bounds.minimum, Math.round(target)));
  }

  /** The size to scale to now, or undefined to stay. */
  decide(current: number, schedulerTarget: number): number | undefined {
    const want = this.clamp(schedulerTarget);
    if (want > current) {
      this.downVotes = 0;
      return want;
    }
    if (want < current) {
      this.downVotes++;
      if (this.downVotes >= this.waitCount) {
        this.downVotes = 0;
        return want;
      }
      return undefined;
    }
    this.downVotes = 0;
    return undefined;
  }
}

export interface AdaptiveTargetSource {
  /** Workers the cluster has now. */
  current(signal?: AbortSignal): Promise<number>;
  /** The scheduler's wish (`/api/v1/adaptive_target`). */
  target(signal?: AbortSignal): Promise<number>;
  scaleTo(workers: number, signal?: AbortSignal): Promise<void>;
}

export interface AdaptiveFollowerOptions {
  intervalMs?: number;
  waitCount?: number;
  logger?: Logger;
  /** Called on each failed step; return false to stop following (e.g. the cluster is gone). */
  onError?: (e: unknown) => boolean;
}

/** Polls the target and scales; one step at a time, never overlapping. */
export class AdaptiveFollower {
  private readonly policy: AdaptivePolicy;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private running = false;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(private readonly source: AdaptiveTargetSource, readonly bounds: AdaptiveBounds, private readonly opts: AdaptiveFollowerOptions = {}) {
    this.policy = new AdaptivePolicy(bounds, opts.waitCount ?? 3);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** One decision: returns the size scaled to, or undefined when nothing changed. */
  async step(): Promise<number | undefined> {
    const signal = this.abort.signal;
    const [current, target] = await Promise.all([this.source.current(signal), this.source.target(signal)]);
    const next = this.policy.decide(current, target);
    if (next === undefined || next === current) return undefined;
    (this.opts.logger ?? silentLogger).info(`adaptive: scheduler wants ${target}, scaling ${current} → ${next} (bounds ${this.bounds.minimum}…${this.bounds.maximum})`);
    await this.source.scaleTo(next, signal);
    return next;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    const loop = async () => {
      if (!this.running) return;
      try {
        await this.step();
      } catch (e) {
        if (!this.running) return;
        (this.opts.logger ?? silentLogger).warn(`adaptive step failed: ${e instanceof Error ? e.message : String(e)}`);
        if (this.opts.onError && !this.opts.onError(e)) {
          this.stop();
          return;
        }
      }
      if (this.running) this.timer = setTimeout(() => void loop(), this.opts.intervalMs ?? 1000);
    };
    this.timer = setTimeout(() => void loop(), 0);
    return this;
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    this.resolveDone();
  }

  get active(): boolean {
    return this.running;
  }
}
