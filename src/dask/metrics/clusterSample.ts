// One observation of a Dask cluster, built from counts.json, identity.json and (when served) /metrics.
import type { SchedulerCounts, SchedulerIdentity } from '../scheduler/schedulerPayloads';
import { workerRows } from '../scheduler/workerRows';
import type { WorkerField, WorkerRow } from '../scheduler/workerFields';
import { byLabel, PromSample, single, workerTotal } from './prometheusText';
import { prefixRows, type TaskPrefixes } from './prefixRows';

export type { WorkerRow };

/** Task counts by scheduler state (processing, waiting, memory, erred, released, queued, no-worker, ...). */
export type TaskCounts = Record<string, number>;

/** Worker fields the cluster totals sum (sample field ← worker field), in one pass over the rows. */
export const CLUSTER_TOTALS = {
  threads: 'threads',
  memoryUsedBytes: 'memoryBytes',
  memoryLimitBytes: 'memoryLimitBytes',
  managedBytes: 'managedBytes',
  unmanagedBytes: 'unmanagedBytes',
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
  /** Progress per task prefix from /metrics, or why there is none. */
  prefixes: TaskPrefixes;
  workerRows: WorkerRow[];
};

export function buildSample(time: number, counts: SchedulerCounts, identity: SchedulerIdentity, metrics?: PromSample[]): ClusterSample {
  const rows = workerRows(identity);
  const totals = {} as Record<ClusterTotal, number>;
  for (const t of TOTAL_NAMES) totals[t] = 0;
  for (const row of rows) for (const t of TOTAL_NAMES) totals[t] += row[CLUSTER_TOTALS[t]];
  const tasksFromMetrics = metrics ? byLabel(metrics, 'dask_scheduler_tasks', 'state') : {};
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
  const promWorkers = metrics ? workerTotal(byLabel(metrics, 'dask_scheduler_workers', 'state')) : undefined;
  return {
    ...totals,
    time,
    schedulerId: identity.id,
    schedulerStarted: identity.started ? Math.round(identity.started * 1000) : undefined,
    // identity.json lists each worker; the others are cross-checks when it is empty but counts are not.
    workers: rows.length || counts.workers || promWorkers || 0,
    threads: totals.threads || counts.cores,
    tasks,
    clients: (metrics && single(metrics, 'dask_scheduler_clients')) ?? counts.clients,
    desiredWorkers: (metrics && single(metrics, 'dask_scheduler_desired_workers')) ?? counts.desired_workers,
    metricsAvailable: metrics !== undefined,
    prefixes: prefixRows(metrics),
    workerRows: rows,
  };
}

/** Tasks that mean the cluster is busy (for idle detection). */
export function activeTasks(tasks: TaskCounts): number {
  return (tasks.processing ?? 0) + (tasks.waiting ?? 0) + (tasks.queued ?? 0) + (tasks['no-worker'] ?? 0);
}
