// Task time per prefix ("Task time by prefix"): compute and transfer seconds and bytes held, from the scheduler's
// /metrics where it exports them (distributed ≥ 2023.1.1), or summed from task-stream bars (any version). Spilled and
// transferred bytes exist per worker only (identity.json; workerActivity.ts), never per prefix.
import { findFamily, isSchedulerPage, MetricsPage } from './metricsPage';
import { malformed, notServed, ok, SourceResult } from '../../dask/scheduler/sourceResult';
import type { TaskBar } from '../../shared/dashboard/taskStreamModel';
import type { PrefixTiming } from '../../shared/dashboard/sampleModel';



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
 * Per-prefix time summed from task-stream bars, for schedulers whose /metrics lacks it (2022.12). Transfer and disk
 * time count against the task that waited for them. Spilled and transferred bytes per worker are in workerActivity.
 * Covers only the tasks seen while the stream was open.
 */
export function prefixTimingsFromBars(bars: Iterable<TaskBar>): PrefixTiming[] {
  const byPrefix = new Map<string, PrefixTiming>();
  for (const bar of bars) {
    let t = byPrefix.get(bar.prefix);
    if (!t) {
      t = { prefix: bar.prefix, computeSeconds: 0, transferSeconds: 0, diskSeconds: 0 };
      byPrefix.set(bar.prefix, t);
    }
    const seconds = Math.max(0, bar.stop - bar.start) / 1000;
    if (bar.action === 'compute') t.computeSeconds += seconds;
    else if (bar.action === 'transfer') t.transferSeconds = (t.transferSeconds ?? 0) + seconds;
    else if (bar.action === 'disk-write' || bar.action === 'disk-read') t.diskSeconds = (t.diskSeconds ?? 0) + seconds;
  }
  return [...byPrefix.values()];
}
