// The webview's copy of the cluster history, in ring buffers like the host's, as uPlot-ready arrays.
import { RingBuffer } from '../../src/dask/metrics/ringBuffer';
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
    for (let i = 0; i < s.time.length; i++) {
      this.time.push(s.time[i]! / 1000);
      this.workers.push(s.workers[i] ?? 0);
      this.threads.push(s.threads[i] ?? 0);
      this.used.push(s.memoryUsedBytes[i] ?? 0);
      this.limit.push(s.memoryLimitBytes[i] ?? 0);
      for (const st of TASK_STATES) this.tasks[st].push(s.tasks[st]?.[i] ?? 0);
    }
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
