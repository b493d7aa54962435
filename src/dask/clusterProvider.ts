// One interface for every system that runs Dask clusters (local processes, a scheduler address, Dask Gateway, Coiled),
// so the tree, the CLI and the notebook code see the same model whichever provider runs the cluster.
import type { ClusterOptionField, ClusterOptionValues } from './clusterOptions';

/** Every provider kind, once: presets, the tree, the CLI and kernel discovery all take their names from here. */
export const PROVIDER_KINDS = ['gateway', 'coiled', 'local', 'scheduler'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Lifecycle of a cluster as the user sees it; `unreachable` = it should run but its scheduler does not answer. */
export type ClusterStatus = 'pending' | 'running' | 'stopping' | 'stopped' | 'failed' | 'unreachable';

export interface WorkerSummary {
  /** Scheduler-side address (tcp://host:port) or the provider's worker id. */
  id: string;
  name: string;
  threads: number;
  /** Memory limit in bytes (0 when unknown). */
  memoryLimit: number;
  /** Resident memory in bytes, when the scheduler reports it. */
  memoryUsed?: number;
  /** CPU use in percent, when reported. */
  cpu?: number;
  status?: string;
  host?: string;
}

export interface ClusterSummary {
  /** Stable id within the provider (the Gateway/local name, Coiled's numeric id as text, the dashboard URL). */
  id: string;
  name: string;
  status: ClusterStatus;
  workers: number;
  threads: number;
  /** Total memory limit in bytes. */
  memory: number;
  /** Epoch milliseconds. */
  startedAt?: number;
  dashboardUrl?: string;
  schedulerAddress?: string;
  provider: ProviderKind;
  /**
   * Set while the cluster follows its adaptive target; a null bound is one the provider cannot tell (a null maximum
   * with a known minimum: the cluster adapts without a maximum).
   */
  adaptive?: { minimum: number | null; maximum: number | null };
  /** Why the provider cannot tell whether the cluster adapts (then `adaptive` is unset, and nothing is claimed). */
  adaptiveUnknown?: string;
  /** Why the cluster is failed/unreachable/stopped, in the provider's words. */
  message?: string;
  /** Per-cluster refinements of the provider's capabilities (e.g. a scheduler without the /api/v1 routes). */
  capabilities?: Partial<ProviderCapabilities>;
}

/** What a client (notebook, dashboard view) needs to talk to the cluster. */
export interface ConnectionInfo {
  schedulerAddress: string;
  dashboardUrl?: string;
  /** Headers the dashboard needs (e.g. a Gateway's Authorization); empty for open dashboards. */
  dashboardAuth: Record<string, string>;
  /** The dashboard's Authorization as of now, asked at each request and reconnect (a hub token is renewed and the old one revoked). */
  dashboardAuthorization?: () => Promise<string | undefined>;
  /** Python that connects a notebook to this cluster, auth included by reference (never a literal secret). */
  clientCode: string;
}

/** Tells the user something now (a warning from the provider), without ending the call. */
export type Notify = (message: string) => void;

/** What this provider can do, so the UI hides what it cannot. */
export interface ProviderCapabilities {
  create: boolean;
  options: boolean;
  scaleUp: boolean;
  scaleDown: boolean;
  adapt: boolean;
  stop: boolean;
  workers: boolean;
}

export interface ClusterProvider {
  readonly kind: ProviderKind;
  /** Unique among configured providers, e.g. `gateway:https://hub/services/dask-gateway/`. */
  readonly id: string;
  readonly label: string;
  readonly capabilities: ProviderCapabilities;
  list(signal?: AbortSignal): Promise<ClusterSummary[]>;
  optionsSchema(signal?: AbortSignal): Promise<ClusterOptionField[]>;
  /** Starts a cluster; resolves when the provider has accepted it (it may still be pending). */
  create(options: ClusterOptionValues, signal?: AbortSignal): Promise<ClusterSummary>;
  get(id: string, signal?: AbortSignal): Promise<ClusterSummary>;
  /**
   * Fixed size: turns adaptive scaling off. `notify` hears at once, while the call still waits, what the provider did
   * differently (e.g. a Gateway lowering the request to its limit, or waiting for a cluster that is still starting).
   */
  scale(id: string, workers: number, signal?: AbortSignal, notify?: Notify): Promise<void>;
  adapt(id: string, minimum: number, maximum: number, signal?: AbortSignal, notify?: Notify): Promise<void>;
  stop(id: string, signal?: AbortSignal): Promise<void>;
  connectionInfo(id: string, signal?: AbortSignal): Promise<ConnectionInfo>;
  workers(id: string, signal?: AbortSignal): Promise<WorkerSummary[]>;
  /** A cluster the provider still knows though it no longer lists it (a Gateway keeps stopped ones a while); undefined when none. */
  findEnded?(idOrName: string, signal?: AbortSignal): Promise<ClusterSummary | undefined>;
  /** Stops background work (adaptive followers, timers); clusters keep running. */
  dispose?(): void;
}

export const NO_CAPABILITIES: ProviderCapabilities = {
  create: false, options: false, scaleUp: false, scaleDown: false, adapt: false, stop: false, workers: false,
};

/** The provider's capabilities refined by what one cluster allows. */
export function capabilitiesOf(provider: ClusterProvider, cluster?: ClusterSummary): ProviderCapabilities {
  return { ...provider.capabilities, ...cluster?.capabilities };
}

/** Finds a cluster by id or by name (the CLI takes either). */
export async function findCluster(provider: ClusterProvider, idOrName: string, signal?: AbortSignal): Promise<ClusterSummary | undefined> {
  const clusters = await provider.list(signal);
  return clusters.find((c) => c.id === idOrName) ?? clusters.find((c) => c.name === idOrName);
}

/** "3 workers · 6 threads · 12 GiB" for tree items and CLI tables. */
export function describeSize(c: Pick<ClusterSummary, 'workers' | 'threads' | 'memory'>): string {
  const parts = [`${c.workers} worker${c.workers === 1 ? '' : 's'}`];
  if (c.threads) parts.push(`${c.threads} thread${c.threads === 1 ? '' : 's'}`);
  if (c.memory) parts.push(formatBytes(c.memory));
  return parts.join(' · ');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * "adaptive 1–3", "adaptive from 0 (no maximum)", "adaptive (bounds unknown)" when the provider cannot tell the bounds,
 * "adaptive or fixed: unknown" when it cannot tell whether the cluster adapts; '' when it is known not to adapt.
 */
export function describeAdaptive(c: Pick<ClusterSummary, 'adaptive' | 'adaptiveUnknown'>, dash = '–'): string {
  const a = c.adaptive;
  if (!a) return c.adaptiveUnknown ? 'adaptive or fixed: unknown' : '';
  if (a.minimum !== null && a.maximum === null) return `adaptive from ${a.minimum} (no maximum)`;
  if (a.minimum === null || a.maximum === null) return 'adaptive (bounds unknown)';
  return `adaptive ${a.minimum}${dash}${a.maximum}`;
}

/** The status as a user reads it: a pending cluster is "starting". */
export function describeStatus(status: ClusterStatus): string {
  return status === 'pending' ? 'starting' : status;
}

/** "5 min", "2 h 10 min", "3 d" since `startedAt`. */
export function formatAge(startedAt: number | undefined, now = Date.now()): string {
  if (!startedAt) return '';
  const s = Math.max(0, Math.round((now - startedAt) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d`;
}
