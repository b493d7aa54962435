// One observation of a Dask cluster, built from counts.json, identity.json and (when served) /metrics.
import type { CountsJson, IdentityJson } from './schedulerPayloads';
import { byLabel, PromSample, single, workerTotal } from './prometheusText';

export interface WorkerRow {
  address: string;
  name: string;
  threads: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  /** Percent of one core, as the worker reports it (can exceed 100 with several threads). */
  cpuPercent: number;
  /** Epoch milliseconds of the worker's last heartbeat. */
  lastSeen: number;
  status: string;
}

/** Task counts by scheduler state (processing, waiting, memory, erred, released, queued, no-worker, ...). */
export type TaskCounts = Record<string, number>;

export interface ClusterSample {
  /** Epoch milliseconds on this machine when the sample was taken. */
  time: number;
  schedulerId: string;
  /** Epoch milliseconds the scheduler started; a change means it restarted. */
  schedulerStarted?: number;
  workers: number;
  threads: number;
  memoryUsedBytes: number;
  memoryLimitBytes: number;
  tasks: TaskCounts;
  clients: number;
  desiredWorkers?: number;
  /** Whether /metrics answered (needs prometheus_client on the scheduler). */
  metricsAvailable: boolean;
  workerRows: WorkerRow[];
}

export function buildSample(time: number, counts: CountsJson, identity: IdentityJson, metrics?: PromSample[]): ClusterSample {
  const workerRows: WorkerRow[] = [];
  let threads = 0;
  let used = 0;
  let limit = 0;
  for (const [address, w] of Object.entries(identity.workers)) {
    const row: WorkerRow = {
      address,
      name: w.name === undefined ? address : String(w.name),
      threads: w.nthreads ?? 0,
      memoryBytes: w.metrics?.memory ?? 0,
      memoryLimitBytes: w.memory_limit ?? 0,
      cpuPercent: w.metrics?.cpu ?? 0,
      lastSeen: w.last_seen ? Math.round(w.last_seen * 1000) : 0,
      status: w.status ?? 'running',
    };
    threads += row.threads;
    used += row.memoryBytes;
    limit += row.memoryLimitBytes;
    workerRows.push(row);
  }
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
    time,
    schedulerId: identity.id,
    schedulerStarted: identity.started ? Math.round(identity.started * 1000) : undefined,
    // identity.json lists each worker; the others are cross-checks when it is empty but counts are not.
    workers: workerRows.length || counts.workers || promWorkers || 0,
    threads: threads || counts.cores,
    memoryUsedBytes: used,
    memoryLimitBytes: limit,
    tasks,
    clients: (metrics && single(metrics, 'dask_scheduler_clients')) ?? counts.clients,
    desiredWorkers: (metrics && single(metrics, 'dask_scheduler_desired_workers')) ?? counts.desired_workers,
    metricsAvailable: metrics !== undefined,
    workerRows,
  };
}

/** Tasks that mean the cluster is busy (for idle detection). */
export function activeTasks(tasks: TaskCounts): number {
  return (tasks.processing ?? 0) + (tasks.waiting ?? 0) + (tasks.queued ?? 0) + (tasks['no-worker'] ?? 0);
}
