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
  /**
   * Dask's split of process memory (its "Bytes stored per worker"): results it tracks in RAM, the rest of the process
   * (old: the minimum over the last 30 s; recent: above that), and results spilled to disk (outside the process).
   */
  managedBytes: 'number',
  unmanagedOldBytes: 'number',
  unmanagedRecentBytes: 'number',
  spilledBytes: 'number',
  /** Dask's bar colour for this worker's memory: blue, orange (may spill), red (near the limit, or not running). */
  memoryColor: 'string',
  /** Percent of one core, as the worker reports it (can exceed 100 with several threads). */
  cpuPercent: 'number',
  /** Tasks running now, and tasks queued on the worker ready to run. */
  executing: 'number',
  ready: 'number',
  /** Tasks waiting for data from other workers. */
  waitingForData: 'number',
  /** Results the worker holds. */
  inMemory: 'number',
  /** Bytes being fetched from / sent to other workers now. */
  transferInBytes: 'number',
  transferOutBytes: 'number',
  /** Epoch milliseconds of the worker's last heartbeat. */
  lastSeen: 'number',
  status: 'string',
  /**
   * From the notebook kernel's probe only (no scheduler HTTP route serves them; src/dashboard/kernelProbeFeed.ts):
   * the scheduler's expected seconds of work assigned to the worker (Dask's "Occupancy"), the tasks it assigned
   * (its processing set), and the keys executing at the last heartbeat, shortened by key prefix ("inc ×3, sum").
   * −1 and '' when unknown (no kernel probe, kernel busy).
   */
  occupancySeconds: 'number',
  processing: 'number',
  currentWork: 'string',
} as const;

type Declared = typeof WORKER_FIELDS;
export type WorkerField = keyof Declared;

export type WorkerRow = { readonly [K in WorkerField]: Declared[K] extends 'string' ? string : number };

export const WORKER_FIELD_NAMES = Object.keys(WORKER_FIELDS) as WorkerField[];

export type MemoryBarColor = 'blue' | 'orange' | 'red';

/** Dask's look: managed, unmanaged old, unmanaged recent in the bar colour at these opacities; spilled in grey. */
export const DASK_MEMORY_BAR_STYLE = {
  managed: { alpha: 1 },
  unmanagedOld: { alpha: 0.7 },
  unmanagedRecent: { alpha: 0.4 },
  spilled: { color: 'grey', alpha: 1 },
} as const;
