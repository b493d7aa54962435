// THE client for a Dask scheduler's own HTTP routes (distributed/http/*): health, identity, counts, /metrics, plots and
// the /api/v1 routes. Every answer is checked once here (schedulerPayloads.ts); a body that is not what a scheduler
// sends becomes one typed error naming the URL.
import { HttpClient, type AuthHeader, type HttpRequest } from '../../core/http/httpClient';
import { isPangeoError, PangeoError } from '../../core/http/errors';
import { redactUrl, registerSecret } from '../../core/http/redact';
import type { Logger } from '../../core/log';
import type { WorkerSummary } from '../clusterProvider';
import {
  readAdaptiveTarget, readCounts, readIdentity, readIdleSince, readPlots, readRetired, type SchedulerCounts, type SchedulerIdentity,
} from './schedulerPayloads';
import { workerRows } from './workerRows';

export type { SchedulerCounts, SchedulerIdentity, IdentityWorker } from './schedulerPayloads';

export interface RetireResult {
  /** Addresses of the workers the scheduler retired. */
  retired: string[];
}

export interface SchedulerHttpOptions {
  /** Headers the dashboard needs (e.g. Authorization for a Gateway or a hub service); their secrets are redacted. */
  headers?: Record<string, string>;
  /** The current Authorization, asked at each request (wins over `headers`). */
  authorization?: AuthHeader;
  timeoutMs?: number;
  retries?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  /** An existing client whose auth and logger to keep (e.g. the Gateway's). */
  base?: HttpClient;
}

export class SchedulerHttp {
  /** `http`'s base is the scheduler's HTTP root, e.g. http://127.0.0.1:8787/ (a Gateway adds /clusters/<name>/). */
  constructor(readonly http: HttpClient) {}

  /** `dashboardUrl` may be any dashboard link (…/status, a Gateway's …/clusters/<name>/status). */
  static at(dashboardUrl: string, opts: SchedulerHttpOptions = {}): SchedulerHttp {
    const baseUrl = normalizeDashboardRoot(dashboardUrl);
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (/^(authorization|cookie)$/i.test(k)) registerSecret(v.replace(/^\S+\s+/, ''));
    }
    const timeoutMs = opts.timeoutMs ?? 5000;
    const retries = opts.retries ?? 1;
    return new SchedulerHttp(opts.base
      ? opts.base.withBase(baseUrl, { timeoutMs, retries, ...(opts.headers ? { headers: opts.headers } : {}), ...(opts.authorization ? { authorization: opts.authorization } : {}) })
      : new HttpClient({ baseUrl, headers: opts.headers, authorization: opts.authorization, timeoutMs, retries, logger: opts.logger, fetch: opts.fetch }));
  }

  get baseUrl(): string {
    return this.http.baseUrl;
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
    return this.checked({ path: 'json/identity.json', signal }, readIdentity);
  }

  /**
   * identity.json undecoded, for a reader that parses it off the extension host's thread (~0.8 MB at 1,000 workers);
   * `url` names it in errors (notAScheduler).
   */
  async identityBytes(signal?: AbortSignal): Promise<{ url: string; bytes: Uint8Array }> {
    const req = { path: 'json/identity.json', signal, headers: { Accept: 'application/json' } };
    const res = await this.http.request(req);
    return { url: res.url || this.http.resolve(req.path).toString(), bytes: await res.bytes() };
  }

  counts(signal?: AbortSignal): Promise<SchedulerCounts> {
    return this.checked({ path: 'json/counts.json', signal }, readCounts);
  }

  /** The Prometheus text at /metrics; undefined when the scheduler has no prometheus_client (404). */
  async metricsText(signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.http.request({ path: 'metrics', signal, acceptStatuses: [404], headers: { Accept: 'text/plain' } });
    return res.status === 404 ? undefined : res.text();
  }

  /** Title → path of each individual-* bokeh plot; empty without bokeh (or when the route is missing). */
  async plotPaths(signal?: AbortSignal): Promise<Record<string, string>> {
    const res = await this.http.request({ path: 'individual-plots.json', signal, acceptStatuses: [404], headers: { Accept: 'application/json' } });
    return res.status === 404 ? {} : readPlots(await this.body(res));
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

  adaptiveTarget(signal?: AbortSignal): Promise<number> {
    return this.checked({ path: 'api/v1/adaptive_target', signal }, readAdaptiveTarget);
  }

  /** Gracefully retires workers (their data moves elsewhere first): by address, or `n` chosen by the scheduler. */
  async retireWorkers(which: { workers: string[] } | { n: number }, signal?: AbortSignal): Promise<RetireResult> {
    return { retired: await this.checked({ method: 'POST', path: 'api/v1/retire_workers', json: which, signal, timeoutMs: 60_000 }, readRetired) };
  }

  /** `idle_since` (epoch ms, null while busy) from /api/v1/check_idle (distributed ≥ 2023.3.2); undefined when not served. */
  async idleSince(signal?: AbortSignal): Promise<number | null | undefined> {
    const res = await this.http.request({ path: 'api/v1/check_idle', signal, acceptStatuses: [404, 405], headers: { Accept: 'application/json' } });
    return res.status === 200 ? readIdleSince(await this.body(res)) : undefined;
  }

  private async checked<T>(req: HttpRequest, read: (body: unknown) => T): Promise<T> {
    const res = await this.http.request({ ...req, headers: { Accept: 'application/json', ...req.headers } });
    return this.parse(res.url || this.http.resolve(req.path).toString(), await this.body(res), read);
  }

  private async body(res: { text(): Promise<string>; url: string }): Promise<unknown> {
    const text = await res.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw notAScheduler(res.url, 'the answer is not JSON');
    }
  }

  private parse<T>(url: string, body: unknown, read: (body: unknown) => T): T {
    try {
      return read(body);
    } catch (e) {
      throw notAScheduler(url, (e as Error).message);
    }
  }
}

/** The typed error for an answer that is not a scheduler's (`why`: what is wrong with it). */
export function notAScheduler(url: string, why: string): PangeoError {
  return new PangeoError('UnexpectedResponse', `${redactUrl(url)} is not a Dask scheduler dashboard: ${why}.`,
    'Check the dashboard URL (it usually ends in :8787/ or /status).', { url });
}

/** Accepts http://host:8787, .../status or a Gateway's .../clusters/<name>/status; returns the HTTP root with a slash. */
export function normalizeDashboardRoot(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  u.pathname = u.pathname.replace(/\/status\/?$/, '/').replace(/\/?$/, '/');
  return u.toString();
}

/** The provider-neutral worker list (tree, CLI), from the same rows the dashboard shows, sorted by name. */
export function workersFromIdentity(identity: SchedulerIdentity): WorkerSummary[] {
  return workerRows(identity)
    .map((r) => ({
      id: r.address, name: r.name, threads: r.threads, memoryLimit: r.memoryLimitBytes,
      memoryUsed: r.memoryBytes, cpu: r.cpuPercent, status: r.status, host: identity.workers[r.address]?.host,
    }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Worker count, threads, memory and start time as the scheduler reports them. */
export function sizeFromIdentity(identity: SchedulerIdentity): { workers: number; threads: number; memory: number; startedAt?: number } {
  const rows = workerRows(identity);
  return {
    workers: rows.length,
    threads: rows.reduce((s, w) => s + w.threads, 0),
    memory: rows.reduce((s, w) => s + w.memoryLimitBytes, 0),
    startedAt: identity.started ? Math.round(identity.started * 1000) : undefined,
  };
}
