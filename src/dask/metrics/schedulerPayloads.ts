// Shapes of the scheduler's always-on JSON routes (distributed/http/scheduler/json.py), checked at the boundary.

export interface CountsJson {
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

export interface IdentityWorker {
  name?: string | number;
  nthreads?: number;
  memory_limit?: number;
  host?: string;
  status?: string;
  last_seen?: number;
  metrics?: { cpu?: number; memory?: number; [k: string]: unknown };
}

export interface IdentityJson {
  id: string;
  address?: string;
  started?: number;
  workers: Record<string, IdentityWorker>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Reads counts.json; a body that is not an object with a numeric `workers` is rejected. */
export function readCounts(body: unknown): CountsJson {
  if (!isRecord(body) || typeof body.workers !== 'number') throw new Error('counts.json has no "workers" number');
  return {
    workers: num(body.workers),
    cores: num(body.cores),
    memory: num(body.memory),
    processing: num(body.processing),
    waiting: num(body.waiting),
    erred: num(body.erred),
    released: num(body.released),
    unrunnable: num(body.unrunnable),
    clients: num(body.clients),
    desired_workers: typeof body.desired_workers === 'number' ? body.desired_workers : undefined,
    bytes: typeof body.bytes === 'number' ? body.bytes : undefined,
  };
}

/** Reads identity.json; worker entries that are not objects are dropped. */
export function readIdentity(body: unknown): IdentityJson {
  if (!isRecord(body) || !isRecord(body.workers)) throw new Error('identity.json has no "workers" object');
  const workers: Record<string, IdentityWorker> = {};
  for (const [address, w] of Object.entries(body.workers)) {
    if (isRecord(w)) workers[address] = w as IdentityWorker;
  }
  return {
    id: typeof body.id === 'string' ? body.id : '',
    address: typeof body.address === 'string' ? body.address : undefined,
    started: typeof body.started === 'number' ? body.started : undefined,
    workers,
  };
}

/** individual-plots.json maps a title to a path (e.g. "Task Stream" → "/individual-task-stream"); `{}` without bokeh. */
export function readPlots(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(body)) return out;
  for (const [title, path] of Object.entries(body)) if (typeof path === 'string') out[title] = path;
  return out;
}
