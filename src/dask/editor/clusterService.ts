// The state behind the Dask Clusters view: each provider's last listing or error, polled on its own back-off schedule
// only while the view is visible, plus the clusters found in notebooks. No vscode import: the tree reads it, tests fake it.
import { isPangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { Emitter, type Event } from '../../core/emitter';
import { PollLoop } from '../../core/pollLoop';
import type { ClusterProvider, ClusterSummary } from '../clusterProvider';
import { BackoffSchedule, VanishedClusters } from '../clusterWatch';
import type { DiscoveredCluster } from '../notebook/kernelClusterDiscovery';

export interface ProviderSnapshot {
  provider: ClusterProvider;
  clusters?: ClusterSummary[];
  error?: unknown;
  loading: boolean;
  /** Epoch ms of the last successful listing. */
  updatedAt?: number;
}

interface Watch {
  snapshot: ProviderSnapshot;
  schedule: BackoffSchedule;
  vanished: VanishedClusters;
  /** Lists the provider while the view is visible, waiting as its back-off schedule says between listings. */
  loop: PollLoop;
  inFlight?: Promise<void>;
}

export interface NotebookClusters {
  uri: string;
  label: string;
  clusters: DiscoveredCluster[];
}

export interface ClusterServiceOptions {
  providers: () => ClusterProvider[];
  logger: Logger;
  pollMs?: () => number;
  maxPollMs?: number;
}

export class ClusterService {
  private readonly watches = new Map<string, Watch>();
  private readonly changes: Emitter<void>;
  /** Fires when a listing, a cluster or the notebook clusters changed. */
  readonly onDidChange: Event<void>;
  private readonly notebooks = new Map<string, NotebookClusters>();
  private visible = false;
  private disposed = false;

  constructor(private readonly opts: ClusterServiceOptions) {
    this.changes = new Emitter<void>((e) => opts.logger.warn(`dask view listener failed: ${(e as Error).message}`));
    this.onDidChange = this.changes.event;
  }

  private fire(): void {
    this.changes.fire();
  }

  /** Snapshots in provider order; providers added or removed since the last call are picked up here. */
  snapshots(): ProviderSnapshot[] {
    const providers = this.opts.providers();
    const ids = new Set(providers.map((p) => p.id));
    for (const [id, w] of this.watches) {
      if (!ids.has(id)) {
        w.loop.dispose();
        this.watches.delete(id);
      }
    }
    return providers.map((p) => this.watch(p).snapshot);
  }

  snapshot(providerId: string): ProviderSnapshot | undefined {
    return this.snapshots().find((s) => s.provider.id === providerId);
  }

  private watch(provider: ClusterProvider): Watch {
    let w = this.watches.get(provider.id);
    if (!w || w.snapshot.provider !== provider) {
      w?.loop.dispose();
      const schedule = new BackoffSchedule(this.opts.pollMs?.() ?? 5000, this.opts.maxPollMs ?? 60_000);
      const fresh: Watch = {
        snapshot: { provider, loading: false },
        schedule,
        vanished: new VanishedClusters(),
        loop: new PollLoop(() => this.poll(fresh), { intervalMs: schedule.nextDelay(), nextDelayMs: () => schedule.nextDelay() }),
      };
      w = fresh;
      this.watches.set(provider.id, w);
      if (this.visible && !this.disposed) w.loop.start(0);
    }
    return w;
  }

  /** Lists one provider (or all) now; errors are kept in the snapshot for the tree, never thrown. */
  async refresh(providerId?: string): Promise<void> {
    const targets = this.snapshots().filter((s) => !providerId || s.provider.id === providerId);
    await Promise.all(targets.map((s) => this.poll(this.watches.get(s.provider.id)!)));
  }

  /** Polls while visible (each provider on its own schedule); stops all timers while hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const s of this.snapshots()) {
      const w = this.watches.get(s.provider.id)!;
      w.loop.stop();
      // A listing fresher than the schedule's wait is not repeated at once.
      if (visible && !this.disposed) w.loop.start(s.updatedAt && Date.now() - s.updatedAt < w.schedule.nextDelay() ? w.schedule.nextDelay() : 0);
    }
  }

  private poll(w: Watch): Promise<void> {
    // One listing per provider at a time: a refresh during a slow poll joins it.
    w.inFlight ??= (async () => {
      const s = w.snapshot;
      s.loading = true;
      try {
        const listed = await s.provider.list();
        s.clusters = w.vanished.reconcile(listed);
        s.error = undefined;
        s.updatedAt = Date.now();
        w.schedule.succeeded();
      } catch (e) {
        s.error = e;
        w.schedule.failed();
        this.opts.logger.warn(`${s.provider.label}: listing failed (${isPangeoError(e) ? e.userMessage : (e as Error).message}); next try in ${Math.round(w.schedule.nextDelay() / 1000)} s`);
      } finally {
        s.loading = false;
        w.inFlight = undefined;
        this.fire();
      }
    })();
    return w.inFlight;
  }

  /** Drops a cluster the user detached: it still runs, so it must not come back as a "stopped" ghost. */
  forget(providerId: string, clusterId: string): void {
    const w = this.watches.get(providerId);
    if (!w) return;
    w.vanished.forget(clusterId);
    if (w.snapshot.clusters) w.snapshot.clusters = w.snapshot.clusters.filter((c) => c.id !== clusterId);
    this.fire();
  }

  cluster(providerId: string, clusterId: string): ClusterSummary | undefined {
    return this.snapshot(providerId)?.clusters?.find((c) => c.id === clusterId);
  }

  setNotebookClusters(entry: NotebookClusters): void {
    if (entry.clusters.length) this.notebooks.set(entry.uri, entry);
    else this.notebooks.delete(entry.uri);
    this.fire();
  }

  notebookClusters(): NotebookClusters[] {
    return [...this.notebooks.values()];
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watches.values()) w.loop.dispose();
    this.watches.clear();
    this.changes.dispose();
  }
}
