// THE worker model, declared once: every field a worker row carries and its kind. The row type, the row builder
// (workerRows.ts), the webview diff, the protocol check and the charts all derive from this table, so a field added
// here reaches the webview or the compiler says where it is missing. No imports: the webview bundles this too.

export const WORKER_FIELDS = {
  /** Scheduler-side address (tcp://host:port): the row's key. */
  address: 'string',
  name: 'string',
  threads: 'number',
  /** Process memory (RSS) in bytes. */
  memoryBytes: 'number',
  memoryLimitBytes: 'number',
  /** Dask's split of process memory: data it tracks (in memory), the rest of the process, and data spilled to disk. */
  managedBytes: 'number',
  unmanagedBytes: 'number',
  spilledBytes: 'number',
  /** Percent of one core, as the worker reports it (can exceed 100 with several threads). */
  cpuPercent: 'number',
  /** Tasks running now, and tasks queued on the worker ready to run. */
  executing: 'number',
  ready: 'number',
  /** Results the worker holds. */
  inMemory: 'number',
  /** Bytes being fetched from / sent to other workers now. */
  transferInBytes: 'number',
  transferOutBytes: 'number',
  /** Epoch milliseconds of the worker's last heartbeat. */
  lastSeen: 'number',
  status: 'string',
} as const;

type Declared = typeof WORKER_FIELDS;
export type WorkerField = keyof Declared;

export type WorkerRow = { readonly [K in WorkerField]: Declared[K] extends 'string' ? string : number };

export const WORKER_FIELD_NAMES = Object.keys(WORKER_FIELDS) as WorkerField[];
