// The per-worker entries of /json/identity.json with the fields the worker charts read, checked at the boundary.
// Same shape in distributed 2022.12 and 2026 (newer versions add n_workers/total_threads/total_memory at the top).
import { malformed, ok, SourceResult } from './sourceResult';
import { readIdentity, type IdentityWorker } from './schedulerPayloads';

export interface IdentityWorkerEntry {
  address: string;
  /** The worker's name (`--name`), or its address when it has none. */
  name: string;
  status?: string;
  nthreads?: number;
  /** Bytes; undefined when the worker has no limit (Dask reports 0 or null). */
  memoryLimit?: number;
  /** `metrics` as the worker's last heartbeat sent it (undefined before the first one). */
  metrics?: Record<string, unknown>;
}

/** One checked identity.json worker as the chart parsers read it. */
export function identityEntry(address: string, w: IdentityWorker): IdentityWorkerEntry {
  const limit = w.memory_limit;
  return {
    address, name: w.name === undefined ? address : String(w.name), status: w.status, nthreads: w.nthreads,
    memoryLimit: limit && limit > 0 ? limit : undefined, metrics: Object.keys(w.metrics).length ? w.metrics : undefined,
  };
}

/** identity.json's workers, checked once by the scheduler client's reader (schedulerPayloads.readIdentity). */
export function readIdentityWorkers(body: unknown): SourceResult<IdentityWorkerEntry[]> {
  let identity;
  try {
    identity = readIdentity(body);
  } catch {
    return malformed('identity.json has no "workers" object: not a Dask scheduler\'s answer.');
  }
  return ok(Object.entries(identity.workers).map(([address, w]) => identityEntry(address, w)));
}
