// Memory per worker split like Dask's own "Bytes stored per worker" chart (distributed/dashboard/components/
// scheduler.py WorkersMemory, MemoryState in scheduler.py): managed, unmanaged (old), unmanaged (recent) and spilled,
// against the worker's limit, with the same colours, from identity.json's heartbeat metrics.
//
// Dask's scheduler keeps "unmanaged old" (the minimum unmanaged memory over the last recent-to-old-time, 30 s) for
// itself and serves it nowhere; UnmanagedHistory recomputes it from the samples this poller sees.
import type { IdentityWorkerEntry } from './identityWorkers';
import type { SchedulerProbe } from './schedulerProbe';
import { finite, isRecord } from '../../shared/validate';
import type { MemoryBarColor } from '../../shared/dashboard/workerFields';


export interface WorkerMemorySplit {
  address: string;
  name: string;
  /** Process memory (RSS) = managed + unmanagedOld + unmanagedRecent. */
  process: number;
  /** Sum of sizeof() of the results held in RAM. */
  managed: number;
  unmanagedOld: number;
  unmanagedRecent: number;
  /** Bytes of results spilled to disk (drawn after the process memory, in grey). */
  spilled: number;
  limit?: number;
  /** Dask's bar colour: blue, orange past the spill/target threshold, red past terminate or when not running. */
  color: MemoryBarColor;
}



/** distributed.worker.memory.{target, spill, terminate} as fractions of the limit; `false` turns one off. */
export interface MemoryThresholds {
  target: number | false;
  spill: number | false;
  terminate: number | false;
}

/** Dask's defaults (distributed.yaml); the scheduler does not serve the configured ones. */
export const DEFAULT_MEMORY_THRESHOLDS: MemoryThresholds = { target: 0.6, spill: 0.7, terminate: 0.95 };

/** Dask's MemoryColor._memory_color. */
export function memoryColor(process: number, limit: number | undefined, status: string | undefined, t = DEFAULT_MEMORY_THRESHOLDS): MemoryBarColor {
  if (status !== undefined && status !== 'running') return 'red';
  if (!limit) return 'blue';
  const orange = Math.min(t.target || Infinity, t.spill || Infinity);
  const red = Math.min(t.terminate || Infinity, 1);
  if (process >= limit * red) return 'red';
  if (process >= limit * orange) return 'orange';
  return 'blue';
}

export type MemoryReading =
  | { kind: 'ok'; split: WorkerMemorySplit }
  /** No heartbeat yet, or the metrics lack process/managed memory. */
  | { kind: 'missing'; address: string; name: string; reason: string };

/** Keeps per-worker unmanaged-memory samples for `windowMs` to tell old from recent (Dask: recent-to-old-time, 30 s). */
export class UnmanagedHistory {
  private readonly history = new Map<string, Array<{ at: number; bytes: number }>>();

  constructor(private readonly windowMs = 30_000) {}

  /** Records a sample and returns the minimum over the window (Dask's unmanaged_old). */
  observe(address: string, at: number, unmanaged: number): number {
    let samples = this.history.get(address);
    if (!samples) this.history.set(address, (samples = []));
    // In place, without allocating: this runs for every worker on every poll (1,000 workers within the tick budget).
    let keep = 0;
    let min = unmanaged;
    for (const s of samples) {
      if (s.at < at - this.windowMs || s.at > at) continue;
      samples[keep++] = s;
      if (s.bytes < min) min = s.bytes;
    }
    samples.length = keep;
    // A poll between two heartbeats repeats the last one: nothing new to keep.
    const last = samples[keep - 1];
    if (!last || last.at !== at || last.bytes !== unmanaged) samples.push({ at, bytes: unmanaged });
    return min;
  }

  /** Drops workers that are gone. */
  retain(addresses: Iterable<string>): void {
    const keep = new Set(addresses);
    for (const a of [...this.history.keys()]) if (!keep.has(a)) this.history.delete(a);
  }
}

/**
 * One worker's split. `at` is when the sample was taken (ms); the heartbeat's own `metrics.time` is used when present
 * so that repeated polls between two heartbeats do not count as new samples.
 */
export function workerMemorySplit(w: IdentityWorkerEntry, history: UnmanagedHistory, at: number, thresholds = DEFAULT_MEMORY_THRESHOLDS): MemoryReading {
  const m = w.metrics;
  const process = finite(m?.memory);
  const managedTotal = finite(m?.managed_bytes);
  if (!m || process === undefined || managedTotal === undefined) {
    return { kind: 'missing', address: w.address, name: w.name, reason: m ? 'The worker\'s metrics have no memory readings.' : 'No heartbeat from this worker yet.' };
  }
  const spilledBytes = isRecord(m.spilled_bytes) ? m.spilled_bytes : {};
  const spilledInMemorySize = finite(spilledBytes.memory) ?? 0;
  const spilled = Math.max(0, finite(spilledBytes.disk) ?? 0);
  // MemoryState: managed_in_memory = min(process, nbytes - spilled (their in-memory size)), never negative.
  const managed = Math.min(process, Math.max(0, managedTotal - spilledInMemorySize));
  const unmanaged = process - managed;
  const heartbeat = finite(m.time);
  const old = Math.min(unmanaged, history.observe(w.address, heartbeat !== undefined ? heartbeat * 1000 : at, unmanaged));
  return {
    kind: 'ok',
    split: {
      address: w.address, name: w.name, process, managed, unmanagedOld: old, unmanagedRecent: unmanaged - old, spilled,
      limit: w.memoryLimit, color: memoryColor(process, w.memoryLimit, w.status, thresholds),
    },
  };
}

/** Every worker's split (workers that are gone leave the history). */
export function workersMemorySplit(workers: IdentityWorkerEntry[], history: UnmanagedHistory, at: number, thresholds = DEFAULT_MEMORY_THRESHOLDS): MemoryReading[] {
  history.retain(workers.map((w) => w.address));
  return workers.map((w) => workerMemorySplit(w, history, at, thresholds));
}

/**
 * The split as the scheduler itself computes it (MemoryState, with its own unmanaged-old history), from the kernel
 * probe: exact where identity.json only lets us estimate, and available while identity.json answers 500 (newer Dask).
 */
export function memorySplitFromProbe(probe: SchedulerProbe, thresholds = DEFAULT_MEMORY_THRESHOLDS): MemoryReading[] {
  return Object.entries(probe.workers).map(([address, w]): MemoryReading => {
    const m = w.memory;
    if (!m) return { kind: 'missing', address, name: w.name, reason: 'The scheduler has no memory readings for this worker yet.' };
    return {
      kind: 'ok',
      split: {
        address, name: w.name, process: m.process, managed: m.managed, unmanagedOld: m.unmanagedOld, unmanagedRecent: m.unmanagedRecent,
        spilled: m.spilled, limit: w.memoryLimit, color: memoryColor(m.process, w.memoryLimit, w.status, thresholds),
      },
    };
  });
}
