// One observation of a Dask cluster, built from counts.json, identity.json and (when served) /metrics.
import type { SchedulerCounts, SchedulerIdentity } from '../scheduler/schedulerPayloads';
import { workerRows, type RowContext } from '../scheduler/workerRows';
import type { WorkerField, WorkerRow } from '../scheduler/workerFields';
import { byLabel, single, workerTotal } from './prometheusText';
import type { MetricsPage } from './metricsPage';
import { PrefixRunTracker, readPrefixStateTotals, type PrefixProgress } from './taskPrefixProgress';
import { readPrefixTimings, type PrefixTiming } from './prefixTimings';
import { UnmanagedHistory } from './workerMemorySplit';

export type { WorkerRow };

/** Task counts by scheduler state (processing, waiting, memory, erred, released, queued, no-worker, ...). */
export type TaskCounts = Record<string, number>;

/** Rows of a per-prefix chart, or a sentence saying why there are none (the scheduler does not serve them). */
export interface PrefixRows<T> {
  rows: T[];
  missing?: string;
  /** Where the rows come from, when not the obvious place. */
  note?: string;
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
const TOTAL_NAMES = Object.keys(CLUSTER_TOTALS) as ClusterTotal[];

export type ClusterSample = { [K in ClusterTotal]: number } & {
  /** Epoch milliseconds on this machine when the sample was taken. */
  time: number;
  schedulerId: string;
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

/** What samples of one scheduler carry from one to the next (unmanaged-memory history, prefix runs). */
export class SampleContext {
  readonly history = new UnmanagedHistory();
  readonly prefixRuns = new PrefixRunTracker();
  /** Rows of the last sample, kept for workers whose heartbeat has not changed since. */
  readonly rows: RowContext = { history: this.history, at: 0, previous: new Map() };
}

export function buildSample(time: number, counts: SchedulerCounts, identity: SchedulerIdentity, metrics?: MetricsPage, context = new SampleContext()): ClusterSample {
  context.rows.at = time;
  return sampleFromRows(time, counts, identity, workerRows(identity, context.rows), metrics, context);
}

/** The same from worker rows already read (identityRows.ts, possibly on a worker thread); `identity.workers` is not read. */
export function sampleFromRows(time: number, counts: SchedulerCounts, identity: Pick<SchedulerIdentity, 'id' | 'started'>, rows: WorkerRow[],
  metrics?: MetricsPage, context = new SampleContext()): ClusterSample {
  const totals = {} as Record<ClusterTotal, number>;
  for (const t of TOTAL_NAMES) totals[t] = 0;
  for (const row of rows) for (const t of TOTAL_NAMES) totals[t] += row[CLUSTER_TOTALS[t]];
  const samples = metrics?.samples;
  const tasksFromMetrics = samples ? byLabel(samples, 'dask_scheduler_tasks', 'state') : {};
  const tasks: TaskCounts = Object.keys(tasksFromMetrics).length
    ? tasksFromMetrics
    : {
      processing: counts.processing,
      waiting: counts.waiting,
      memory: counts.memory,
      erred: counts.erred,
      released: counts.released,
      'no-worker': counts.unrunnable,
    };
  const promWorkers = samples ? workerTotal(byLabel(samples, 'dask_scheduler_workers', 'state')) : undefined;
  const prefixTotals = readPrefixStateTotals(metrics);
  const timings = readPrefixTimings(metrics);
  return {
    ...totals,
    time,
    schedulerId: identity.id,
    schedulerStarted: identity.started ? Math.round(identity.started * 1000) : undefined,
    // identity.json lists each worker; the others are cross-checks when it is empty but counts are not.
    workers: rows.length || counts.workers || promWorkers || 0,
    threads: totals.threads || counts.cores,
    tasks,
    clients: (samples && single(samples, 'dask_scheduler_clients')) ?? counts.clients,
    desiredWorkers: (samples && single(samples, 'dask_scheduler_desired_workers')) ?? counts.desired_workers,
    metricsAvailable: metrics !== undefined,
    prefixes: prefixTotals.kind === 'ok' ? { rows: context.prefixRuns.update(prefixTotals.value) } : { rows: [], missing: prefixTotals.reason },
    prefixTimes: timings.kind === 'ok' ? { rows: timings.value } : { rows: [], missing: timings.reason },
    workerRows: rows,
  };
}

/** Tasks that mean the cluster is busy (for idle detection). */
export function activeTasks(tasks: TaskCounts): number {
  return (tasks.processing ?? 0) + (tasks.queued ?? 0) + (tasks.waiting ?? 0) + (tasks['no-worker'] ?? 0);
}
