// Keeps a cluster at its scheduler's adaptive target within [minimum, maximum], the way distributed's
// deploy/adaptive_core.py does: scale up at once, scale down only after `waitCount` consecutive lower targets.
import type { IDisposable } from '../core/lifecycle';
import type { Logger } from '../core/log';
import { silentLogger } from '../core/log';
import { PollLoop } from '../core/pollLoop';

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

/** Polls the target and scales; one step at a time, never overlapping. Stopped (or disposed), it is done for good. */
export class AdaptiveFollower implements IDisposable {
  private readonly policy: AdaptivePolicy;
  private readonly loop: PollLoop;
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(private readonly source: AdaptiveTargetSource, readonly bounds: AdaptiveBounds, private readonly opts: AdaptiveFollowerOptions = {}) {
    this.policy = new AdaptivePolicy(bounds, opts.waitCount ?? 3);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.loop = new PollLoop((signal) => this.follow(signal), { intervalMs: opts.intervalMs ?? 1000 });
  }

  /** One decision: returns the size scaled to, or undefined when nothing changed. */
  async step(signal?: AbortSignal): Promise<number | undefined> {
    const [current, target] = await Promise.all([this.source.current(signal), this.source.target(signal)]);
    const next = this.policy.decide(current, target);
    if (next === undefined || next === current) return undefined;
    (this.opts.logger ?? silentLogger).info(`adaptive: scheduler wants ${target}, scaling ${current} → ${next} (bounds ${this.bounds.minimum}…${this.bounds.maximum})`);
    await this.source.scaleTo(next, signal);
    return next;
  }

  start(): this {
    this.loop.start();
    return this;
  }

  stop(): void {
    this.loop.dispose();
    this.resolveDone();
  }

  dispose(): void {
    this.stop();
  }

  get active(): boolean {
    return this.loop.active;
  }

  /** The loop's tick: a failed step is logged, and ends the following when onError says so. */
  private async follow(signal: AbortSignal): Promise<void> {
    try {
      await this.step(signal);
    } catch (e) {
      if (signal.aborted) return;
      (this.opts.logger ?? silentLogger).warn(`adaptive step failed: ${e instanceof Error ? e.message : String(e)}`);
      if (this.opts.onError && !this.opts.onError(e)) this.stop();
    }
  }
}
