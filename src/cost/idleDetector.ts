// Notices a cluster that has had no work for N minutes, once per idle stretch.

export interface IdleObservation {
  /** Tasks processing/waiting/queued now. */
  activeTasks: number;
  /** From /api/v1/check_idle when served: epoch ms idle since, or null when busy. */
  idleSince?: number | null;
}

export interface IdleVerdict {
  idleForMs: number;
  /** True on the one observation that first passes the limit in this idle stretch. */
  nudge: boolean;
}

export class IdleDetector {
  private since?: number;
  private nudged = false;

  constructor(readonly idleAfterMs: number) {}

  observe(t: number, o: IdleObservation): IdleVerdict {
    const busy = o.idleSince === null || (o.idleSince === undefined && o.activeTasks > 0);
    if (busy) {
      this.since = undefined;
      this.nudged = false;
      return { idleForMs: 0, nudge: false };
    }
    // The scheduler's own idle_since wins; a later one means it was busy in between: a new stretch.
    if (typeof o.idleSince === 'number') {
      if (this.since !== undefined && o.idleSince > this.since) this.nudged = false;
      this.since = o.idleSince;
    } else this.since ??= t;
    const idleForMs = Math.max(0, t - this.since);
    const nudge = !this.nudged && idleForMs >= this.idleAfterMs;
    if (nudge) this.nudged = true;
    return { idleForMs, nudge };
  }
}
