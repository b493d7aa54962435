// Task time per prefix ("Task time by prefix"): compute and transfer seconds and bytes held, from the scheduler's
// /metrics where it exports them (distributed ≥ 2023.1.1), or summed from task-stream bars (any version).
import { findFamily, isSchedulerPage, MetricsPage } from './metricsPage';
import { malformed, notServed, ok, SourceResult } from './sourceResult';
import type { TaskBar } from './taskStream';

export interface PrefixTiming {
  prefix: string;
  /** Seconds spent computing tasks of this prefix, summed over all threads. */
  computeSeconds: number;
  /** Seconds spent fetching this prefix's results between workers (undefined where not known). */
  transferSeconds?: number;
  /** Bytes of this prefix's results in memory now (undefined where not known). */
  outputBytes?: number;
  /** Task stream only: bytes of this prefix's results moved between workers, and written to / read from disk. */
  transferBytes?: number;
  spillBytes?: { written: number; read: number };
}

const COMPUTE = ['dask_scheduler_tasks_compute_seconds_total', 'dask_scheduler_tasks_compute_seconds'];
const TRANSFER = ['dask_scheduler_tasks_transfer_seconds_total', 'dask_scheduler_tasks_transfer_seconds'];
const OUTPUT = ['dask_scheduler_tasks_output_bytes'];

/** Per-prefix time from /metrics; distributed 2022.12 does not export it ("not served": use the task stream instead). */
export function readPrefixTimings(page: MetricsPage | undefined): SourceResult<PrefixTiming[]> {
  if (!page) return notServed('The scheduler does not serve /metrics (prometheus_client is not installed there).');
  if (!isSchedulerPage(page)) return malformed('The /metrics page has no dask_scheduler_* metrics: it is not a Dask scheduler\'s.');
  const compute = findFamily(page, COMPUTE);
  if (!compute) {
    return notServed('This Dask version does not export task time per prefix on /metrics (added in distributed 2023.1.1); '
      + 'the task stream can supply it while it is open.');
  }
  const byPrefix = new Map<string, PrefixTiming>();
  const entry = (prefix: string) => {
    let t = byPrefix.get(prefix);
    if (!t) byPrefix.set(prefix, (t = { prefix, computeSeconds: 0 }));
    return t;
  };
  for (const s of compute.samples) {
    const prefix = s.labels.task_prefix_name;
    if (prefix !== undefined && Number.isFinite(s.value)) entry(prefix).computeSeconds += s.value;
  }
  const transfer = findFamily(page, TRANSFER);
  for (const s of transfer?.samples ?? []) {
    const prefix = s.labels.task_prefix_name;
    if (prefix !== undefined && Number.isFinite(s.value)) entry(prefix).transferSeconds = (entry(prefix).transferSeconds ?? 0) + s.value;
  }
  const output = findFamily(page, OUTPUT);
  for (const s of output?.samples ?? []) {
    const prefix = s.labels.task_prefix_name;
    if (prefix !== undefined && Number.isFinite(s.value)) entry(prefix).outputBytes = (entry(prefix).outputBytes ?? 0) + s.value;
  }
  return ok([...byPrefix.values()]);
}

/**
 * Per-prefix time and bytes summed from task-stream bars, for schedulers whose /metrics lacks them (2022.12).
 * Covers only the tasks seen while the stream was open.
 */
export function prefixTimingsFromBars(bars: Iterable<TaskBar>): PrefixTiming[] {
  const byPrefix = new Map<string, PrefixTiming>();
  for (const bar of bars) {
    let t = byPrefix.get(bar.prefix);
    if (!t) {
      t = { prefix: bar.prefix, computeSeconds: 0, transferSeconds: 0, transferBytes: 0, spillBytes: { written: 0, read: 0 } };
      byPrefix.set(bar.prefix, t);
    }
    const seconds = Math.max(0, bar.stop - bar.start) / 1000;
    const bytes = bar.nbytes ?? 0;
    if (bar.action === 'compute') t.computeSeconds += seconds;
    else if (bar.action === 'transfer') {
      t.transferSeconds! += seconds;
      t.transferBytes! += bytes;
    } else if (bar.action === 'disk-write') t.spillBytes!.written += bytes;
    else if (bar.action === 'disk-read') t.spillBytes!.read += bytes;
  }
  return [...byPrefix.values()];
}
