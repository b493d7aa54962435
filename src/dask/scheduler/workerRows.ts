// Worker rows from identity.json: one reader per declared field (the compiler wants one for each), nothing else.
import { finite, isRecord, type IdentityWorker, type SchedulerIdentity } from './schedulerPayloads';
import { WORKER_FIELD_NAMES, type WorkerField, type WorkerRow } from './workerFields';

const metric = (w: IdentityWorker, key: string): number => finite(w.metrics[key]) ?? 0;
const nested = (w: IdentityWorker, key: string, inner: string): number => {
  const v = w.metrics[key];
  return isRecord(v) ? finite(v[inner]) ?? 0 : 0;
};

/** Managed bytes still in memory: the worker's managed total minus what it spilled, never more than the process holds. */
function managedInMemory(w: IdentityWorker): number {
  return Math.max(0, Math.min(metric(w, 'memory'), metric(w, 'managed_bytes') - nested(w, 'spilled_bytes', 'memory')));
}

const READ: { [K in WorkerField]: (address: string, w: IdentityWorker) => WorkerRow[K] } = {
  address: (address) => address,
  name: (address, w) => (w.name === undefined ? address : String(w.name)),
  threads: (_a, w) => w.nthreads ?? 0,
  memoryBytes: (_a, w) => metric(w, 'memory'),
  memoryLimitBytes: (_a, w) => w.memory_limit ?? 0,
  managedBytes: (_a, w) => managedInMemory(w),
  unmanagedBytes: (_a, w) => Math.max(0, metric(w, 'memory') - managedInMemory(w)),
  spilledBytes: (_a, w) => nested(w, 'spilled_bytes', 'disk'),
  cpuPercent: (_a, w) => metric(w, 'cpu'),
  executing: (_a, w) => nested(w, 'task_counts', 'executing') + nested(w, 'task_counts', 'long-running'),
  ready: (_a, w) => nested(w, 'task_counts', 'ready') + nested(w, 'task_counts', 'constrained'),
  inMemory: (_a, w) => nested(w, 'task_counts', 'memory'),
  transferInBytes: (_a, w) => nested(w, 'transfer', 'incoming_bytes'),
  transferOutBytes: (_a, w) => nested(w, 'transfer', 'outgoing_bytes'),
  lastSeen: (_a, w) => (w.last_seen ? Math.round(w.last_seen * 1000) : 0),
  status: (_a, w) => w.status ?? 'running',
};

export function workerRow(address: string, w: IdentityWorker): WorkerRow {
  const row: Partial<Record<WorkerField, string | number>> = {};
  for (const f of WORKER_FIELD_NAMES) row[f] = READ[f](address, w);
  return row as WorkerRow;
}

/** Rows in identity.json's order. */
export function workerRows(identity: SchedulerIdentity): WorkerRow[] {
  return Object.entries(identity.workers).map(([address, w]) => workerRow(address, w));
}
