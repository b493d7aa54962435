// What one observation of a Dask cluster holds, declared once for the host (which builds it:
// src/dashboard/metrics/clusterSample.ts) and the webview (which draws it).
import type { WorkerField, WorkerRow } from './workerFields';

/** Task counts by scheduler state (processing, waiting, memory, erred, released, queued, no-worker, ...). */
export type TaskCounts = Record<string, number>;

/** Rows of a per-prefix chart, or a sentence saying why there are none (the scheduler does not serve them). */
export interface PrefixRows<T> {
  rows: T[];
  missing?: string;
  /** Where the rows come from, when not the obvious place. */
  note?: string;
}

/** One prefix's bar: the parts add up to `total`. */
export interface PrefixProgress {
  prefix: string;
  /** Tasks submitted (entries into `waiting`). */
  total: number;
  /** Not started yet (waiting for dependencies, queued, or no worker). */
  waiting: number;
  processing: number;
  /** Done and the result is still held. */
  memory: number;
  /** Done and the result was released (or forgotten). */
  released: number;
  erred: number;
}

export interface PrefixTiming {
  prefix: string;
  /** Seconds spent computing tasks of this prefix, summed over all threads. */
  computeSeconds: number;
  /** Seconds spent fetching this prefix's results between workers (undefined where not known). */
  transferSeconds?: number;
  /** Bytes of this prefix's results in memory now (undefined where not known). */
  outputBytes?: number;
  /**
   * Task stream only: seconds the tasks of this prefix waited on disk (spilling to make room, reading inputs back).
   * Bytes are not in the stream: a bar's nbytes is the size of its task's result, not of what moved.
   */
  diskSeconds?: number;
}

/** Worker fields the cluster totals sum (sample field ← worker field), in one pass over the rows. */
export const CLUSTER_TOTALS = {
  threads: 'threads',
  memoryUsedBytes: 'memoryBytes',
  memoryLimitBytes: 'memoryLimitBytes',
  managedBytes: 'managedBytes',
  spilledBytes: 'spilledBytes',
  transferBytes: 'transferInBytes',
  executing: 'executing',
} as const satisfies Record<string, WorkerField>;
export type ClusterTotal = keyof typeof CLUSTER_TOTALS;

export type ClusterSample = { [K in ClusterTotal]: number } & {
  /** Epoch milliseconds on this machine when the sample was taken. */
  time: number;
  schedulerId: string;
  /** The scheduler's own address (identity.json), e.g. tcp://10.0.0.5:8786. */
  schedulerAddress?: string;
  /** Epoch milliseconds the scheduler started; a change means it restarted. */
  schedulerStarted?: number;
  workers: number;
  tasks: TaskCounts;
  clients: number;
  desiredWorkers?: number;
  /** Whether /metrics answered (needs prometheus_client on the scheduler). */
  metricsAvailable: boolean;
  /** Progress per task prefix (each prefix's current or last run), from /metrics. */
  prefixes: PrefixRows<PrefixProgress>;
  /** Compute/transfer seconds per prefix from /metrics (distributed ≥ 2023.1.1); the task stream can fill in. */
  prefixTimes: PrefixRows<PrefixTiming>;
  workerRows: WorkerRow[];
};
