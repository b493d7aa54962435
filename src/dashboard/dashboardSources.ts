// What the dashboard needs from the Dask area: find a cluster, its dashboard connection, and scale/adapt it.
import type { DashboardConnection } from './metrics/schedulerSampler';
import type { ClusterStatus } from '../dask/clusterProvider';
import type { AdaptiveBounds } from '../shared/protocol/panels';
import { encodeResourceId } from '../shared/resourceIds';

export interface DashboardTarget {
  /** The cluster's (or bare address's) resource id, saved in the panel state so the panel can be restored. */
  id: string;
  name: string;
  /** Asked on every (re)connect so refreshed credentials are used. */
  connection(): Promise<DashboardConnection>;
  /** `notify` hears at once what the provider did differently (a gateway's limit, a cluster still starting). */
  scale?(workers: number, notify?: (message: string) => void): Promise<void>;
  adapt?(minimum: number, maximum: number, notify?: (message: string) => void): Promise<void>;
  /** The adaptive bounds the provider knows now (null: fixed size); undefined when it cannot tell. */
  adaptive?(): AdaptiveBounds | null | undefined;
  /**
   * Asked when the scheduler stops answering: whether the provider says the cluster stopped ('gone': no longer
   * listed), so the panel can say so instead of blaming the network.
   */
  lifecycle?(): Promise<ClusterStatus | 'gone' | undefined>;
}

export interface DashboardSources {
  /** The argument of `pangeo.dashboard.open` (a tree item or a cluster id) → a target, if it names a cluster. */
  resolve(arg: unknown): Promise<DashboardTarget | undefined>;
  /** The clusters the Dask view lists now, offered when the command is run without one (from the command palette). */
  known?(): KnownCluster[];
}

export interface KnownCluster {
  /** Cluster name, as its provider gave it (shown as plain text). */
  name: string;
  /** Provider label, status and size. */
  description: string;
  /** What `resolve` takes for it. */
  arg: unknown;
}

/** A read-only target for a bare dashboard URL (no scale/adapt, no headers). */
export function urlTarget(dashboardUrl: string): DashboardTarget {
  const url = new URL(dashboardUrl);
  return { id: encodeResourceId({ kind: 'dashboard', url: url.toString() }), name: url.host, connection: async () => ({ dashboardUrl: url.toString() }) };
}

/**
 * A target from `{dashboardUrl, headers?, title?}` (what the Dask tree passes to `pangeo.dashboard.open`).
 * Headers stay in memory only; a restored panel asks `DashboardSources.resolve` again by id.
 */
export function connectionTarget(arg: unknown): DashboardTarget | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { dashboardUrl, headers, title } = arg as { dashboardUrl?: unknown; headers?: unknown; title?: unknown };
  if (typeof dashboardUrl !== 'string' || !/^https?:\/\//.test(dashboardUrl)) return undefined;
  const safeHeaders: Record<string, string> = {};
  if (typeof headers === 'object' && headers !== null) {
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') safeHeaders[k] = v;
  }
  const base = urlTarget(dashboardUrl);
  return { ...base, name: typeof title === 'string' && title ? title : base.name, connection: async () => ({ dashboardUrl, headers: safeHeaders }) };
}
