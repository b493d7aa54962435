// One observation of a Dask cluster, built from counts.json, identity.json and (when served) /metrics.
import type { SchedulerCounts, SchedulerIdentity } from '../../dask/scheduler/schedulerPayloads';
import { workerRows, type RowContext } from '../../dask/scheduler/workerRows';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import type { ClusterSample, ClusterTotal, TaskCounts } from '../../shared/dashboard/sampleModel';
import { byLabel, single, workerTotal } from './prometheusText';
import type { MetricsPage } from './metricsPage';
import { PrefixRunTracker, readPrefixStateTotals } from './taskPrefixProgress';
import { readPrefixTimings } from './prefixTimings';
import { UnmanagedHistory } from '../../dask/scheduler/workerMemorySplit';






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
export function sampleFromRows(time: number, counts: SchedulerCounts, identity: Pick<SchedulerIdentity, 'id' | 'started'> & Partial<Pick<SchedulerIdentity, 'address'>>, rows: WorkerRow[],
  metrics?: MetricsPage, context = new SampleContext()): ClusterSample {
  const totals = clusterTotals(rows);
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
    schedulerAddress: identity.address || undefined,
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

/**
 * CLUSTER_TOTALS summed over the rows, each field read by its name in one pass: ~10× faster at 5,000 rows than reading
 * the table's fields by computed key (a keyed load that sees 7 names is megamorphic). A unit test checks it against
 * the table (declaredFields.test.ts).
 */
export function clusterTotals(rows: readonly WorkerRow[]): Record<ClusterTotal, number> {
  let threads = 0, memoryUsedBytes = 0, memoryLimitBytes = 0, managedBytes = 0, spilledBytes = 0, transferBytes = 0, executing = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    threads += r.threads;
    memoryUsedBytes += r.memoryBytes;
    memoryLimitBytes += r.memoryLimitBytes;
    managedBytes += r.managedBytes;
    spilledBytes += r.spilledBytes;
    transferBytes += r.transferInBytes;
    executing += r.executing;
  }
  return { threads, memoryUsedBytes, memoryLimitBytes, managedBytes, spilledBytes, transferBytes, executing };
}

/** Tasks that mean the cluster is busy (for idle detection). */
export function activeTasks(tasks: TaskCounts): number {
  return (tasks.processing ?? 0) + (tasks.queued ?? 0) + (tasks.waiting ?? 0) + (tasks['no-worker'] ?? 0);
}
