// The per-worker entries of /json/identity.json with the fields the worker charts read, checked at the boundary.
// Same shape in distributed 2022.12 and 2026 (newer versions add n_workers/total_threads/total_memory at the top).
import { finite, isRecord, malformed, ok, SourceResult } from './sourceResult';

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

export function readIdentityWorkers(body: unknown): SourceResult<IdentityWorkerEntry[]> {
  if (!isRecord(body) || !isRecord(body.workers)) return malformed('identity.json has no "workers" object: not a Dask scheduler\'s answer.');
  const out: IdentityWorkerEntry[] = [];
  for (const [address, w] of Object.entries(body.workers)) {
    if (!isRecord(w)) continue;
    const name = typeof w.name === 'string' || typeof w.name === 'number' ? String(w.name) : address;
    const limit = finite(w.memory_limit);
    out.push({
      address,
      name,
      status: typeof w.status === 'string' ? w.status : undefined,
      nthreads: finite(w.nthreads),
      memoryLimit: limit && limit > 0 ? limit : undefined,
      metrics: isRecord(w.metrics) ? w.metrics : undefined,
    });
  }
  return ok(out);
}
