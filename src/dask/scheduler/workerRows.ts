// Worker rows from identity.json: one reader per declared field (the compiler wants one for each), on top of the
// memory split and activity parsers (src/dask/metrics/workerMemorySplit.ts, workerActivity.ts).
import { finite, type IdentityWorker, type SchedulerIdentity } from './schedulerPayloads';
import { WORKER_FIELD_NAMES, type WorkerField, type WorkerRow } from './workerFields';
import type { IdentityWorkerEntry } from '../metrics/identityWorkers';
import { UnmanagedHistory, workerMemorySplit, type WorkerMemorySplit } from '../metrics/workerMemorySplit';
import { workerActivity, type WorkerActivity } from '../metrics/workerActivity';

/** What a row is read from: the checked identity entry, and the parsers' view of it. */
interface Source {
  address: string;
  w: IdentityWorker;
  entry: IdentityWorkerEntry;
  memory?: WorkerMemorySplit;
  activity: WorkerActivity;
}

const READ: { [K in WorkerField]: (s: Source) => WorkerRow[K] } = {
  address: (s) => s.address,
  name: (s) => s.entry.name,
  threads: (s) => s.w.nthreads ?? 0,
  // Process memory even when the split cannot be made (a heartbeat without managed_bytes).
  memoryBytes: (s) => s.memory?.process ?? finite(s.w.metrics.memory) ?? 0,
  memoryLimitBytes: (s) => s.w.memory_limit ?? 0,
  managedBytes: (s) => s.memory?.managed ?? 0,
  unmanagedOldBytes: (s) => s.memory?.unmanagedOld ?? 0,
  unmanagedRecentBytes: (s) => s.memory?.unmanagedRecent ?? 0,
  spilledBytes: (s) => s.memory?.spilled ?? 0,
  memoryColor: (s) => s.memory?.color ?? 'blue',
  cpuPercent: (s) => s.activity.cpu ?? 0,
  executing: (s) => s.activity.executing ?? 0,
  ready: (s) => s.activity.ready ?? 0,
  waitingForData: (s) => s.activity.waitingForData ?? 0,
  inMemory: (s) => s.activity.inMemory ?? 0,
  transferInBytes: (s) => s.activity.transfer?.incomingBytes ?? 0,
  transferOutBytes: (s) => s.activity.transfer?.outgoingBytes ?? 0,
  lastSeen: (s) => (s.w.last_seen ? Math.round(s.w.last_seen * 1000) : 0),
  status: (s) => s.w.status ?? 'running',
};

/** Per-scheduler state the rows need across samples (Dask's "unmanaged old" is a 30 s minimum). */
export interface RowContext {
  history: UnmanagedHistory;
  /** Epoch ms of the sample. */
  at: number;
}

function entryOf(address: string, w: IdentityWorker): IdentityWorkerEntry {
  const limit = w.memory_limit;
  return {
    address, name: w.name === undefined ? address : String(w.name), status: w.status, nthreads: w.nthreads,
    memoryLimit: limit && limit > 0 ? limit : undefined, metrics: Object.keys(w.metrics).length ? w.metrics : undefined,
  };
}

export function workerRow(address: string, w: IdentityWorker, ctx: RowContext): WorkerRow {
  const entry = entryOf(address, w);
  const memory = workerMemorySplit(entry, ctx.history, ctx.at);
  const source: Source = { address, w, entry, memory: memory.kind === 'ok' ? memory.split : undefined, activity: workerActivity(entry) };
  const row: Partial<Record<WorkerField, string | number>> = {};
  for (const f of WORKER_FIELD_NAMES) row[f] = READ[f](source);
  return row as WorkerRow;
}

/** Rows in identity.json's order; workers that left are dropped from the context's history. */
export function workerRows(identity: SchedulerIdentity, ctx: RowContext = { history: new UnmanagedHistory(), at: Date.now() }): WorkerRow[] {
  const addresses = Object.keys(identity.workers);
  ctx.history.retain(addresses);
  return addresses.map((address) => workerRow(address, identity.workers[address]!, ctx));
}
