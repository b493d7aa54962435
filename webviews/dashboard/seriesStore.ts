// The webview's copy of the cluster history, in ring buffers like the host's, as uPlot-ready arrays.
import { RingBuffer } from '../../src/core/ringBuffer';
import type { SampleSummary, SeriesSnapshot } from '../shared/protocol';

export const TASK_STATES = ['processing', 'waiting', 'memory', 'erred'] as const;

export class SeriesStore {
  readonly time: RingBuffer;
  readonly workers: RingBuffer;
  readonly threads: RingBuffer;
  readonly used: RingBuffer;
  readonly limit: RingBuffer;
  readonly tasks: Record<(typeof TASK_STATES)[number], RingBuffer>;

  constructor(readonly capacity = 720) {
    const rb = () => new RingBuffer(capacity);
    this.time = rb();
    this.workers = rb();
    this.threads = rb();
    this.used = rb();
    this.limit = rb();
    this.tasks = { processing: rb(), waiting: rb(), memory: rb(), erred: rb() };
  }

  load(s: SeriesSnapshot): void {
    for (const b of [this.time, this.workers, this.threads, this.used, this.limit, ...Object.values(this.tasks)]) b.clear();
    // null (a gap) is kept as NaN in the buffers; a missing value is 0.
    const v = (x: number | null | undefined) => (x === null ? NaN : x ?? 0);
    for (let i = 0; i < s.time.length; i++) {
      this.time.push(s.time[i]! / 1000);
      this.workers.push(v(s.workers[i]));
      this.threads.push(v(s.threads[i]));
      this.used.push(v(s.memoryUsedBytes[i]));
      this.limit.push(v(s.memoryLimitBytes[i]));
      for (const st of TASK_STATES) this.tasks[st].push(v(s.tasks[st]?.[i]));
    }
  }

  /** The scheduler stopped answering at `timeMs`: a point without values, so lines break there. */
  addGap(timeMs: number): void {
    this.time.push(timeMs / 1000);
    for (const b of [this.workers, this.threads, this.used, this.limit, ...Object.values(this.tasks)]) b.push(NaN);
  }

  add(s: SampleSummary): void {
    this.time.push(s.time / 1000);
    this.workers.push(s.workers);
    this.threads.push(s.threads);
    this.used.push(s.memoryUsedBytes);
    this.limit.push(s.memoryLimitBytes);
    for (const st of TASK_STATES) this.tasks[st].push(s.tasks[st] ?? 0);
  }
}

/** uPlot draws null as a gap (NaN would be drawn as a break in some paths and as 0 in others). */
export function chartValues(b: RingBuffer): (number | null)[] {
  return b.toArray().map((v) => (Number.isNaN(v) ? null : v));
}
