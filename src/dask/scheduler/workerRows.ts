// Worker rows from identity.json (every declared field; the compiler checks the literal), on top of the memory split and activity
// parsers (src/dask/scheduler/workerMemorySplit.ts, workerActivity.ts).
import { finite, type IdentityWorker, type SchedulerIdentity } from './schedulerPayloads';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import { identityEntry, type IdentityWorkerEntry } from './identityWorkers';
import { UnmanagedHistory, workerMemorySplit, type WorkerMemorySplit } from './workerMemorySplit';
import { workerActivity, type WorkerActivity } from './workerActivity';

/** What a row is read from: the checked identity entry, and the parsers' view of it. */
interface Source {
  address: string;
  w: IdentityWorker;
  entry: IdentityWorkerEntry;
  memory?: WorkerMemorySplit;
  activity: WorkerActivity;
}

/**
 * One row. An object literal typed as WorkerRow: the compiler wants every declared field here and no other (one fixed
 * shape is also what keeps 1,000 rows a tick cheap to build, diff and serialize).
 */
function rowOf(s: Source): WorkerRow {
  const { w, memory, activity } = s;
  return {
    address: s.address,
    name: s.entry.name,
    threads: w.nthreads ?? 0,
    // Process memory even when the split cannot be made (a heartbeat without managed_bytes).
    memoryBytes: memory?.process ?? finite(w.metrics.memory) ?? 0,
    memoryLimitBytes: w.memory_limit ?? 0,
    managedBytes: memory?.managed ?? 0,
    unmanagedOldBytes: memory?.unmanagedOld ?? 0,
    unmanagedRecentBytes: memory?.unmanagedRecent ?? 0,
    spilledBytes: memory?.spilled ?? 0,
    memoryColor: memory?.color ?? 'blue',
    cpuPercent: activity.cpu ?? 0,
    executing: activity.executing ?? 0,
    ready: activity.ready ?? 0,
    waitingForData: activity.waitingForData ?? 0,
    inMemory: activity.inMemory ?? 0,
    transferInBytes: activity.transfer?.incomingBytes ?? 0,
    transferOutBytes: activity.transfer?.outgoingBytes ?? 0,
    lastSeen: w.last_seen ? Math.round(w.last_seen * 1000) : 0,
    status: w.status ?? 'running',
    // Filled in by the kernel probe (probeOverlay.ts), when one answers.
    occupancySeconds: -1,
    processing: -1,
    currentWork: '',
  };
}

/** Per-scheduler state the rows need across samples (Dask's "unmanaged old" is a 30 s minimum). */
export interface RowContext {
  history: UnmanagedHistory;
  /** Epoch ms of the sample. */
  at: number;
  /** The last rows by address with what they were read from: a worker without a new heartbeat keeps its row. */
  previous?: Map<string, { w: IdentityWorker; row: WorkerRow }>;
}

/**
 * Whether two identity entries of one worker carry the same heartbeat. Workers report every 0.5 s (few workers) to
 * ~6 s (1,000 workers), so most polls of a big cluster see most workers unchanged: their rows are kept as they are.
 */
function sameHeartbeat(a: IdentityWorker, b: IdentityWorker): boolean {
  return a.last_seen === b.last_seen && a.metrics.time === b.metrics.time && a.status === b.status && a.name === b.name &&
    a.nthreads === b.nthreads && a.memory_limit === b.memory_limit;
}

export function workerRow(address: string, w: IdentityWorker, ctx: RowContext): WorkerRow {
  const entry = identityEntry(address, w);
  const memory = workerMemorySplit(entry, ctx.history, ctx.at);
  return rowOf({ address, w, entry, memory: memory.kind === 'ok' ? memory.split : undefined, activity: workerActivity(entry) });
}

/** Rows in identity.json's order; workers that left are dropped from the context's history. */
export function workerRows(identity: SchedulerIdentity, ctx: RowContext = { history: new UnmanagedHistory(), at: Date.now() }): WorkerRow[] {
  const addresses = Object.keys(identity.workers);
  ctx.history.retain(addresses);
  const next = new Map<string, { w: IdentityWorker; row: WorkerRow }>();
  const rows = addresses.map((address) => {
    const w = identity.workers[address]!;
    const before = ctx.previous?.get(address);
    const row = before && w.last_seen !== undefined && sameHeartbeat(before.w, w) ? before.row : workerRow(address, w, ctx);
    next.set(address, { w, row });
    return row;
  });
  if (ctx.previous) ctx.previous = next;
  return rows;
}
