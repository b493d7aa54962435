// THE cluster-level history a dashboard draws, declared once (SERIES) and kept in ring buffers of one capacity.
// The host keeps one, the webview keeps its copy (the same class), and the protocol check is derived from SERIES.
import { RingBuffer } from '../ringBuffer';
import type { SampleSummary } from './sampleSummary';

/** Task states that get their own series. */
export const CHARTED_TASK_STATES = ['processing', 'waiting', 'memory', 'erred'] as const;
export type ChartedTaskState = (typeof CHARTED_TASK_STATES)[number];
export type TaskSeriesKey = `tasks.${ChartedTaskState}`;

type Read = (s: SampleSummary) => number;
const taskSeries = Object.fromEntries(CHARTED_TASK_STATES.map((st) => [`tasks.${st}`, (s: SampleSummary) => s.tasks[st] ?? 0])) as Record<TaskSeriesKey, Read>;

/** Every series over time, and how each is read from a sample. */
export const SERIES = {
  workers: (s) => s.workers,
  threads: (s) => s.threads,
  memoryUsedBytes: (s) => s.memoryUsedBytes,
  memoryLimitBytes: (s) => s.memoryLimitBytes,
  spilledBytes: (s) => s.spilledBytes,
  transferBytes: (s) => s.transferBytes,
  executing: (s) => s.executing,
  ...taskSeries,
} satisfies Record<string, Read>;

export type SeriesKey = keyof typeof SERIES;
export const SERIES_KEYS = Object.keys(SERIES) as SeriesKey[];

/** null marks a gap: the cluster did not answer then, so charts break the line instead of drawing a ramp. */
export type SeriesValue = number | null;

export interface SeriesSnapshot {
  /** Epoch milliseconds. */
  time: number[];
  values: Record<SeriesKey, SeriesValue[]>;
}

/** Gaps are NaN inside the ring buffers (Float64Array) and null outside. */
export const withGaps = (values: number[]): SeriesValue[] => values.map((v) => (Number.isNaN(v) ? null : v));

export class SampleSeries {
  readonly time: RingBuffer;
  private readonly buffers = {} as Record<SeriesKey, RingBuffer>;

  constructor(readonly capacity = 720) {
    this.time = new RingBuffer(capacity);
    for (const k of SERIES_KEYS) this.buffers[k] = new RingBuffer(capacity);
  }

  get length(): number {
    return this.time.length;
  }

  add(s: SampleSummary): void {
    this.time.push(s.time);
    for (const k of SERIES_KEYS) this.buffers[k].push(SERIES[k](s));
  }

  /** A point with no values at `time`: the scheduler did not answer from then until the next sample. */
  addGap(time: number): void {
    this.time.push(time);
    for (const k of SERIES_KEYS) this.buffers[k].push(NaN);
  }

  /** One series, oldest first, gaps as null (what uPlot draws as a break). */
  values(key: SeriesKey): SeriesValue[] {
    return withGaps(this.buffers[key].toArray());
  }

  snapshot(): SeriesSnapshot {
    const values = {} as SeriesSnapshot['values'];
    for (const k of SERIES_KEYS) values[k] = this.values(k);
    return { time: this.time.toArray(), values };
  }

  /** Replaces everything with a snapshot (the webview's copy on init); a missing value counts as 0. */
  load(snap: SeriesSnapshot): void {
    this.time.clear();
    for (const k of SERIES_KEYS) this.buffers[k].clear();
    for (let i = 0; i < snap.time.length; i++) {
      this.time.push(snap.time[i]!);
      for (const k of SERIES_KEYS) {
        const v = snap.values[k]?.[i];
        this.buffers[k].push(v === null ? NaN : v ?? 0);
      }
    }
  }
}
