// The cluster-level history a dashboard draws, kept in ring buffers of one fixed capacity.
import type { ClusterSample } from './clusterSample';
import { RingBuffer } from './ringBuffer';

/** Task states that get their own series; others are summed into "other". */
export const CHARTED_TASK_STATES = ['processing', 'waiting', 'memory', 'erred'] as const;

export interface SeriesSnapshot {
  /** Epoch milliseconds. */
  time: number[];
  workers: number[];
  threads: number[];
  memoryUsedBytes: number[];
  memoryLimitBytes: number[];
  tasks: Record<(typeof CHARTED_TASK_STATES)[number], number[]>;
}

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

  snapshot(): SeriesSnapshot {
    const tasks = {} as SeriesSnapshot['tasks'];
    for (const state of CHARTED_TASK_STATES) tasks[state] = this.tasks[state]!.toArray();
    return {
      time: this.time.toArray(),
      workers: this.workers.toArray(),
      threads: this.threads.toArray(),
      memoryUsedBytes: this.used.toArray(),
      memoryLimitBytes: this.limit.toArray(),
      tasks,
    };
  }
}
