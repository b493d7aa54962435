// What each worker is doing: task counts by worker-side state, CPU, spilled and transfer bytes from identity.json
// (every version), and, where the kernel probe ran, the scheduler's occupancy, processing count and executing keys.
import type { IdentityWorkerEntry } from './identityWorkers';
import type { SchedulerProbe } from './schedulerProbe';
import { finite, isRecord } from '../../shared/validate';

export interface WorkerActivity {
  address: string;
  name: string;
  nthreads?: number;
  /** CPU % of the worker process at its last heartbeat (100 = one core). */
  cpu?: number;
  /** Tasks running in a thread now (executing + long-running); undefined before the first heartbeat. */
  executing?: number;
  /** Tasks assigned to the worker and ready to run (ready + constrained). */
  ready?: number;
  /** Tasks waiting for data from other workers (waiting + fetch + flight + missing). */
  waitingForData?: number;
  /** Results held (in memory or spilled). */
  inMemory?: number;
  /** Bytes of results spilled to disk now. */
  spilledBytes?: number;
  /** Open transfers now (bytes coming in / going out) and transfers since the worker started (counts). */
  transfer?: { incomingBytes: number; outgoingBytes: number; incomingCountTotal: number; outgoingCountTotal: number };
  /** The raw worker-side counts (keys differ a little between Dask versions). */
  taskCounts?: Record<string, number>;
  /** From the kernel probe only: the scheduler's expected seconds of queued work. */
  occupancySeconds?: number;
  /** From the kernel probe only: tasks the scheduler has assigned to this worker. */
  processing?: number;
  /** From the kernel probe only: keys executing at the last heartbeat and for how long (s); empty when idle. */
  executingKeys?: Array<{ key: string; seconds: number }>;
}

const EXECUTING = ['executing', 'long-running'];
const READY = ['ready', 'constrained'];
const WAITING_FOR_DATA = ['waiting', 'fetch', 'flight', 'missing'];
const IN_MEMORY = ['memory'];

function sum(counts: Record<string, number>, states: readonly string[]): number {
  let n = 0;
  for (const s of states) n += counts[s] ?? 0;
  return n;
}

/** One worker's activity; the probe (same scheduler) adds occupancy and executing keys when given. */
export function workerActivity(w: IdentityWorkerEntry, probe?: SchedulerProbe): WorkerActivity {
  const out: WorkerActivity = { address: w.address, name: w.name, nthreads: w.nthreads, cpu: finite(w.metrics?.cpu) };
  const raw = w.metrics?.task_counts;
  if (isRecord(raw)) {
    const counts: Record<string, number> = {};
    // for…in and fixed state lists: no per-worker arrays (this runs for 1,000 workers on every poll).
    for (const state in raw) {
      const v = finite(raw[state]);
      if (v !== undefined) counts[state] = v;
    }
    out.taskCounts = counts;
    out.executing = sum(counts, EXECUTING);
    out.ready = sum(counts, READY);
    out.waitingForData = sum(counts, WAITING_FOR_DATA);
    out.inMemory = sum(counts, IN_MEMORY);
  }
  if (isRecord(w.metrics?.spilled_bytes)) out.spilledBytes = finite(w.metrics.spilled_bytes.disk);
  const t = w.metrics?.transfer;
  if (isRecord(t)) {
    out.transfer = {
      incomingBytes: finite(t.incoming_bytes) ?? 0, outgoingBytes: finite(t.outgoing_bytes) ?? 0,
      incomingCountTotal: finite(t.incoming_count_total) ?? 0, outgoingCountTotal: finite(t.outgoing_count_total) ?? 0,
    };
  }
  const p = probe?.workers[w.address];
  if (p) {
    out.occupancySeconds = p.occupancy;
    out.processing = p.processing;
    // The scheduler keeps the keys of the last heartbeat: a worker with nothing assigned is executing nothing.
    out.executingKeys = p.processing > 0 ? p.executing : [];
  }
  return out;
}

export function workersActivity(workers: IdentityWorkerEntry[], probe?: SchedulerProbe): WorkerActivity[] {
  return workers.map((w) => workerActivity(w, probe));
}
