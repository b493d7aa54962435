// The cluster-level history a dashboard draws, kept in ring buffers of one fixed capacity.
import type { ClusterSample } from './clusterSample';
import { RingBuffer } from '../../core/ringBuffer';

/** Task states that get their own series; others are summed into "other". */
export const CHARTED_TASK_STATES = ['processing', 'waiting', 'memory', 'erred'] as const;

/** null marks a gap: the cluster did not answer then, so charts break the line instead of drawing a ramp. */
export type SeriesValue = number | null;

export interface SeriesSnapshot {
  /** Epoch milliseconds. */
  time: number[];
  workers: SeriesValue[];
  threads: SeriesValue[];
  memoryUsedBytes: SeriesValue[];
  memoryLimitBytes: SeriesValue[];
  tasks: Record<(typeof CHARTED_TASK_STATES)[number], SeriesValue[]>;
}

/** Gaps are NaN inside the ring buffers (Float64Array) and null outside. */
const withGaps = (values: number[]): SeriesValue[] => values.map((v) => (Number.isNaN(v) ? null : v));

export class SampleSeries {
  private readonly time: RingBuffer;
  private readonly workers: RingBuffer;
  private readonly threads: RingBuffer;
  private readonly used: RingBuffer;
  private readonly limit: RingBuffer;
  private readonly tasks: Record<string, RingBuffer> = {};

  constructor(readonly capacity = 720) {
    this.time = new RingBuffer(capacity);
    this.workers = new RingBuffer(capacity);
    this.threads = new RingBuffer(capacity);
    this.used = new RingBuffer(capacity);
    this.limit = new RingBuffer(capacity);
    for (const s of CHARTED_TASK_STATES) this.tasks[s] = new RingBuffer(capacity);
  }

  get length(): number {
    return this.time.length;
  }

  add(s: ClusterSample): void {
    this.time.push(s.time);
    this.workers.push(s.workers);
    this.threads.push(s.threads);
    this.used.push(s.memoryUsedBytes);
    this.limit.push(s.memoryLimitBytes);
    for (const state of CHARTED_TASK_STATES) this.tasks[state]!.push(s.tasks[state] ?? 0);
  }

  /** A point with no values at `time`: the scheduler did not answer from then until the next sample. */
  addGap(time: number): void {
    this.time.push(time);
    for (const b of [this.workers, this.threads, this.used, this.limit, ...Object.values(this.tasks)]) b.push(NaN);
  }

  snapshot(): SeriesSnapshot {
    const tasks = {} as SeriesSnapshot['tasks'];
    for (const state of CHARTED_TASK_STATES) tasks[state] = withGaps(this.tasks[state]!.toArray());
    return {
      time: this.time.toArray(),
      workers: withGaps(this.workers.toArray()),
      threads: withGaps(this.threads.toArray()),
      memoryUsedBytes: withGaps(this.used.toArray()),
      memoryLimitBytes: withGaps(this.limit.toArray()),
      tasks,
    };
  }
}
