// The scheduler's JSON answers (distributed/http/scheduler/{json,api}.py), checked once here at the boundary:
// every reader takes `unknown` and returns a typed value, or throws a message naming what is missing.
import { finite, isRecord } from '../../shared/validate';

/** One worker as identity.json lists it; fields of the wrong type are left out, never cast. */
export interface IdentityWorker {
  name?: string | number;
  nthreads?: number;
  memory_limit?: number;
  host?: string;
  status?: string;
  /** Epoch seconds of the last heartbeat. */
  last_seen?: number;
  /** The worker's heartbeat metrics (cpu, memory, managed_bytes, spilled_bytes, task_counts, transfer, ...), unchecked until read. */
  metrics: Record<string, unknown>;
}

export interface SchedulerIdentity {
  type?: string;
  id: string;
  address: string;
  services?: Record<string, number>;
  /** Epoch seconds. */
  started?: number;
  workers: Record<string, IdentityWorker>;
}

export interface SchedulerCounts {
  workers: number;
  cores: number;
  memory: number;
  processing: number;
  waiting: number;
  erred: number;
  released: number;
  unrunnable: number;
  clients: number;
  desired_workers?: number;
  bytes?: number;
}

export { finite, isRecord };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads counts.json; a body that is not an object with a numeric `workers` is rejected. */
export function readCounts(body: unknown): SchedulerCounts {
  if (!isRecord(body) || finite(body.workers) === undefined) throw new Error('counts.json has no "workers" number');
  const n = (k: string) => finite(body[k]) ?? 0;
  return {
    workers: n('workers'), cores: n('cores'), memory: n('memory'), processing: n('processing'), waiting: n('waiting'),
    erred: n('erred'), released: n('released'), unrunnable: n('unrunnable'), clients: n('clients'),
    desired_workers: finite(body.desired_workers), bytes: finite(body.bytes),
  };
}

function readWorker(w: Record<string, unknown>): IdentityWorker {
  const name = typeof w.name === 'number' || typeof w.name === 'string' ? w.name : undefined;
  return {
    name, nthreads: finite(w.nthreads), memory_limit: finite(w.memory_limit), host: str(w.host), status: str(w.status),
    last_seen: finite(w.last_seen), metrics: isRecord(w.metrics) ? w.metrics : {},
  };
}

/** Reads identity.json; worker entries that are not objects are dropped. */
export function readIdentity(body: unknown): SchedulerIdentity {
  if (!isRecord(body) || !isRecord(body.workers)) throw new Error('identity.json has no "workers" object');
  const workers: Record<string, IdentityWorker> = {};
  for (const [address, w] of Object.entries(body.workers)) if (isRecord(w)) workers[address] = readWorker(w);
  const services: Record<string, number> = {};
  if (isRecord(body.services)) for (const [k, v] of Object.entries(body.services)) if (finite(v) !== undefined) services[k] = v as number;
  return { type: str(body.type), id: str(body.id) ?? '', address: str(body.address) ?? '', services, started: finite(body.started), workers };
}

/** individual-plots.json maps a title to a path (e.g. "Task Stream" → "/individual-task-stream"); `{}` without bokeh. */
export function readPlots(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(body)) return out;
  for (const [title, path] of Object.entries(body)) if (typeof path === 'string') out[title] = path;
  return out;
}

/** /api/v1/adaptive_target → `{"workers": n}`. */
export function readAdaptiveTarget(body: unknown): number {
  const n = isRecord(body) ? finite(body.workers) : undefined;
  if (n === undefined) throw new Error('adaptive_target answered without a worker count');
  return n;
}

/** /api/v1/retire_workers → `{address: worker identity, ...}`: the addresses retired. */
export function readRetired(body: unknown): string[] {
  return isRecord(body) ? Object.keys(body) : [];
}

/** /api/v1/check_idle → `{"idle_since": epoch seconds | null}`: epoch ms, or null while busy. */
export function readIdleSince(body: unknown): number | null {
  const t = isRecord(body) ? finite(body.idle_since) : undefined;
  return t === undefined ? null : Math.round(t * 1000);
}
