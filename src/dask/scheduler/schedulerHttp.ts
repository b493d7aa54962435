// Client for a Dask scheduler's own HTTP routes (distributed/http/*): health, identity, counts and the /api/v1 routes.
import { HttpClient } from '../../core/http/httpClient';
import { isPangeoError } from '../../core/http/errors';
import type { WorkerSummary } from '../clusterProvider';

export interface SchedulerWorkerInfo {
  name?: string | number;
  id?: string;
  nthreads?: number;
  memory_limit?: number;
  host?: string;
  status?: string;
  last_seen?: number;
  metrics?: { cpu?: number; memory?: number };
}

export interface SchedulerIdentity {
  type: string;
  id: string;
  address: string;
  services?: Record<string, number>;
  /** Epoch seconds. */
  started?: number;
  workers: Record<string, SchedulerWorkerInfo>;
}

export interface SchedulerCounts {
  workers: number;
  cores: number;
  memory: number;
  tasks: number;
  processing: number;
  clients: number;
  desired_workers?: number;
  [key: string]: number | undefined;
}

export interface RetireResult {
  /** Addresses of the workers the scheduler retired. */
  retired: string[];
}

export class SchedulerHttp {
  /** `dashboardUrl` is the scheduler's HTTP root, e.g. http://127.0.0.1:8787/ (a Gateway adds /clusters/<name>/). */
  constructor(readonly http: HttpClient) {}

  static at(dashboardUrl: string, base?: HttpClient, timeoutMs = 5000): SchedulerHttp {
    const url = normalizeDashboardRoot(dashboardUrl);
    return new SchedulerHttp(base ? base.withBase(url, { timeoutMs }) : new HttpClient({ baseUrl: url, timeoutMs, retries: 1 }));
  }

  async health(signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.http.request({ path: 'health', signal, retries: 0 });
      return (await res.text()).trim() === 'ok';
    } catch (e) {
      if (isPangeoError(e, 'Cancelled')) throw e;
      return false;
    }
  }

  identity(signal?: AbortSignal): Promise<SchedulerIdentity> {
    return this.http.json<SchedulerIdentity>({ path: 'json/identity.json', signal });
  }

  counts(signal?: AbortSignal): Promise<SchedulerCounts> {
    return this.http.json<SchedulerCounts>({ path: 'json/counts.json', signal });
  }

  /** Whether `distributed.http.scheduler.api` is among the scheduler's routes (it can retire workers then). */
  async hasApi(signal?: AbortSignal): Promise<boolean> {
    try {
      await this.http.request({ path: 'api/v1/get_workers', signal, retries: 0 });
      return true;
    } catch (e) {
      if (isPangeoError(e, 'NotFound')) return false;
      throw e;
    }
  }

  async adaptiveTarget(signal?: AbortSignal): Promise<number> {
    const body = await this.http.json<{ workers: number }>({ path: 'api/v1/adaptive_target', signal });
    if (typeof body?.workers !== 'number') throw new Error('adaptive_target answered without a worker count');
    return body.workers;
  }

  /** Gracefully retires workers (their data moves elsewhere first): by address, or `n` chosen by the scheduler. */
  async retireWorkers(which: { workers: string[] } | { n: number }, signal?: AbortSignal): Promise<RetireResult> {
    const body = await this.http.json<Record<string, unknown>>({
      method: 'POST', path: 'api/v1/retire_workers', json: which, signal, timeoutMs: 60_000,
    });
    return { retired: Object.keys(body ?? {}) };
  }
}

/** Accepts http://host:8787, .../status or a Gateway's .../clusters/<name>/status; returns the HTTP root with a slash. */
export function normalizeDashboardRoot(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/status\/?$/, '/').replace(/\/?$/, '/');
  return u.toString();
}

export function workersFromIdentity(identity: SchedulerIdentity): WorkerSummary[] {
  return Object.entries(identity.workers ?? {})
    .map(([address, w]) => ({
      id: address,
      name: w.name === undefined ? address : String(w.name),
      threads: w.nthreads ?? 0,
      memoryLimit: w.memory_limit ?? 0,
      memoryUsed: w.metrics?.memory,
      cpu: w.metrics?.cpu,
      status: w.status,
      host: w.host,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Worker count, threads, memory and start time as the scheduler reports them. */
export function sizeFromIdentity(identity: SchedulerIdentity): { workers: number; threads: number; memory: number; startedAt?: number } {
  const workers = workersFromIdentity(identity);
  return {
    workers: workers.length,
    threads: workers.reduce((s, w) => s + w.threads, 0),
    memory: workers.reduce((s, w) => s + w.memoryLimit, 0),
    startedAt: identity.started ? Math.round(identity.started * 1000) : undefined,
  };
}
