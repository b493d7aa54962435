// What the Dask Clusters view polls and remembers, without the editor: a back-off schedule (5 s while visible, doubling
// to 60 s while a provider fails, nothing while hidden) and a memory of clusters that vanished, shown once as stopped.
import type { ClusterSummary } from './clusterProvider';

export class BackoffSchedule {
  private failures = 0;

  constructor(private readonly baseMs = 5000, private readonly maxMs = 60_000) {}

  /** Delay before the next poll: the base when healthy, doubling per consecutive failure up to the cap. */
  nextDelay(): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** this.failures);
  }

  succeeded(): void {
    this.failures = 0;
  }

  failed(): void {
    if (this.baseMs * 2 ** this.failures < this.maxMs) this.failures++;
  }

  get failing(): boolean {
    return this.failures > 0;
  }
}

/**
 * Compares each listing with the previous one: a running cluster that is gone (or dead) now is reported exactly once as
 * `stopped`, so the user sees what happened, and is then dropped instead of being retried forever.
 */
export class VanishedClusters {
  private previous = new Map<string, ClusterSummary>();
  private shown = new Set<string>();

  /** The user removed this cluster from the list on purpose (detached it): no "stopped" ghost for it. */
  forget(id: string): void {
    this.previous.delete(id);
  }

  /** The listing to show: `current` plus a one-time ghost for each cluster that disappeared since the last call. */
  reconcile(current: ClusterSummary[], now = Date.now()): ClusterSummary[] {
    const out = current.filter((c) => {
      const dead = c.status === 'stopped' || c.status === 'failed';
      if (!dead) return true;
      // Providers that report dead clusters themselves (local) are also shown only once.
      if (this.shown.has(c.id)) return false;
      this.shown.add(c.id);
      return true;
    });
    const ids = new Set(current.map((c) => c.id));
    for (const [id, old] of this.previous) {
      if (ids.has(id) || this.shown.has(id) || old.status === 'stopped' || old.status === 'failed') continue;
      this.shown.add(id);
      out.push({ ...old, status: 'stopped', workers: 0, threads: 0, memory: 0, message: old.message ?? `No longer listed by the provider (seen ${new Date(now).toLocaleTimeString()}).` });
    }
    this.previous = new Map(current.map((c) => [c.id, c]));
    // Forget ghosts once they are neither listed nor remembered, so ids reused later show up again.
    for (const id of this.shown) if (!ids.has(id) && !this.previous.has(id)) this.shown.delete(id);
    return out;
  }
}
