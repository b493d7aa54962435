// A task stream bar (what ran where and when) and the stream's state, declared once for the host and the webview.

export interface TaskBar {
  key: string;
  /** Dask's key_split of the key: the task prefix ("load", "sum-aggregate"). */
  prefix: string;
  worker: string;
  /** compute | transfer | disk-read | disk-write | deserialize (other values are kept as they come). */
  action: string;
  /** Epoch milliseconds. */
  start: number;
  stop: number;
  /** Worker the data came from (transfers only). */
  source?: string;
  /** Size of the task's result, when reported. */
  nbytes?: number;
  /** Thread id on the worker (for stacking bars per thread). */
  thread?: number;
  /** OK or error (an erred task's compute bar is black on Dask's dashboard). */
  status: string;
  /** The colour Dask's dashboard gives the bar (a prefix colour for compute, red transfer, orange disk, black error). */
  color?: string;
}

export type TaskStreamState = 'off' | 'connecting' | 'live' | 'failed';

/**
 * How long the task stream keeps bars, on the host (across hidden panels and reloaded pages) and in the chart: two
 * minutes, so the last minute is always there (Dask's status page keeps its last 1,000 tasks, however old).
 */
export const TASK_STREAM_KEEP_MS = 120_000;
/** At most this many bars (~10k tasks a minute on a busy cluster): memory and drawing stay bounded however busy it is. */
export const TASK_STREAM_MAX_BARS = 10_000;

/** Dask's opacity per action on its task stream chart. */
export const DASK_TASK_STREAM_ALPHA: Record<string, number> = { compute: 1, transfer: 0.4, 'disk-write': 0.4, 'disk-read': 0.4, deserialize: 0.4 };
