// REST client for Coiled's /api/v2 (as the Python client's coiled/v2/core.py calls it): `Authorization: ApiToken <t>`,
// lists paged with limit/offset until an empty page. Models are read field by field: cluster_options.tls_key never enters.
import { HttpClient } from '../../core/http/httpClient';
import { registerSecret } from '../../core/http/redact';
import type { Logger } from '../../core/log';
import {
  arrayOf, bool, checkBody, checkedJson, either, num, optional, plainObject, shape, str, unknownValue, type Answerer, type Guard,
} from '../../core/http/responseCheck';
import type { HttpRequest } from '../../core/http/httpClient';

/** The fields of a cluster we rely on; the rest is read field by field below (so tls keys never enter). */
const isRawCluster = shape<{ id: number; name: string }>({ id: num, name: str });
type RawCluster = Record<string, unknown> & { id: number; name: string };
/** A page is a list (current API) or a DRF page `{results: [...]}`. */
const isPage = either(arrayOf(plainObject), shape<{ results: Record<string, unknown>[] }>({ results: arrayOf(plainObject) }));

// The known states, or any other the API adds (`string & {}` keeps the known ones from collapsing into string).
export type CoiledClusterState = 'pending' | 'starting' | 'scaling' | 'ready' | 'stopping' | 'stopped' | 'error' | (string & {});

export interface CoiledProcess {
  name: string;
  state: string;
}

export interface CoiledCluster {
  id: number;
  name: string;
  state: CoiledClusterState;
  reason?: string;
  /** Epoch ms. */
  created?: number;
  dashboardAddress?: string;
  workers: CoiledProcess[];
  schedulerState?: string;
}

export interface CoiledCreateRequest {
  name: string;
  workers: number;
  worker_instance_types: string[];
  scheduler_instance_types: string[];
  env_name?: string;
  tags?: Record<string, string>;
  options: { region_name?: string; spot_policy?: string };
}

export interface CoiledClientOptions {
  server: string;
  token: string;
  workspace: string;
  logger?: Logger;
  fetch?: typeof fetch;
  pageSize?: number;
  /** Stop paging after this many pages (the Python client's default is 20). */
  maxPages?: number;
}

export class CoiledClient {
  readonly http: HttpClient;
  readonly workspace: string;

  constructor(private readonly opts: CoiledClientOptions) {
    registerSecret(opts.token);
    this.workspace = opts.workspace;
    this.http = new HttpClient({
      baseUrl: `${opts.server.replace(/\/+$/, '')}/`,
      authorization: () => `ApiToken ${opts.token}`,
      logger: opts.logger,
      fetch: opts.fetch,
    });
  }

  private get ws(): string {
    return encodeURIComponent(this.workspace);
  }

  /** Who answers, for errors about a body of the wrong shape. */
  private get answerer(): Answerer {
    return { who: 'Coiled', hint: `Is ${this.http.baseUrl} Coiled's API (https://cloud.coiled.io)? Check the Coiled server address.` };
  }

  private json<T>(req: HttpRequest, guard: Guard<T>): Promise<T> {
    return checkedJson(this.http, req, guard, this.answerer);
  }

  private cluster(raw: unknown, path: string): CoiledCluster {
    return parseCluster(checkBody(raw, isRawCluster, this.answerer, this.http.resolve(path).toString()));
  }

  async list(signal?: AbortSignal): Promise<CoiledCluster[]> {
    const limit = this.opts.pageSize ?? 100;
    const out: CoiledCluster[] = [];
    // The offset advances by what arrived, so a server that caps the page size below `limit` skips nothing.
    for (let page = 0, offset = 0; page < (this.opts.maxPages ?? 20); page++) {
      const path = `api/v2/clusters/account/${this.ws}/`;
      const body = await this.json({ path, query: { limit, offset }, signal }, isPage);
      const items = Array.isArray(body) ? body : body.results;
      if (!items.length) break;
      out.push(...items.map((item) => this.cluster(item, path)));
      offset += items.length;
    }
    return out;
  }

  async create(req: CoiledCreateRequest, signal?: AbortSignal): Promise<{ id: number; existing: boolean }> {
    const body = await this.json({ method: 'POST', path: `api/v2/clusters/account/${this.ws}/`, json: req, signal },
      shape<{ id: number; existing?: boolean }>({ id: num, existing: optional(bool) }));
    return { id: body.id, existing: body.existing === true };
  }

  async get(id: number, signal?: AbortSignal): Promise<CoiledCluster> {
    const path = `api/v2/clusters/account/${this.ws}/id/${id}`;
    return this.cluster(await this.json({ path, signal }, unknownValue), path);
  }

  async state(id: number, signal?: AbortSignal): Promise<{ state: string; reason?: string }> {
    const s = await this.json({ path: `api/v2/clusters/account/${this.ws}/id/${id}/state`, signal, retries: 0 }, plainObject);
    return { state: String(s.state ?? s.current_state ?? 'unknown'), reason: typeof s.reason === 'string' ? s.reason : undefined };
  }

  async delete(id: number, signal?: AbortSignal): Promise<void> {
    await (await this.http.request({ method: 'DELETE', path: `api/v2/clusters/account/${this.ws}/id/${id}`, signal })).text();
  }

  /** Adds `n` workers; returns the new workers' names. */
  async scaleUp(id: number, n: number, signal?: AbortSignal): Promise<string[]> {
    const body = await this.json({ method: 'POST', path: `api/v2/workers/account/${this.ws}/cluster/${id}/`, json: { n_workers: n }, signal }, unknownValue);
    return Array.isArray(body) ? body.map((w) => String((w as { name?: unknown }).name ?? '')).filter(Boolean) : [];
  }

  /** Removes the named workers. */
  async scaleDown(id: number, names: string[], signal?: AbortSignal): Promise<void> {
    if (!names.length) return;
    await (await this.http.request({ method: 'DELETE', path: `api/v2/workers/account/${this.ws}/cluster/${id}/`, query: { name: names }, signal })).text();
  }
}

function stateOf(v: unknown): string | undefined {
  const s = (v as { state?: unknown } | undefined)?.state;
  return typeof s === 'string' ? s : undefined;
}

function parseCluster(c: RawCluster): CoiledCluster {
  const scheduler = c.scheduler as Record<string, unknown> | null | undefined;
  const workers = Array.isArray(c.workers) ? c.workers : [];
  const created = typeof c.created === 'string' ? Date.parse(c.created) : undefined;
  const current = c.current_state as { reason?: unknown } | undefined;
  const dashboard = typeof scheduler?.dashboard_address === 'string' ? scheduler.dashboard_address : undefined;
  // Coiled dashboards carry their own access token in the URL: treat it as a secret everywhere.
  if (dashboard) registerSecret(/[?&]token=([^&#]+)/.exec(dashboard)?.[1]);
  return {
    id: c.id,
    name: c.name,
    state: stateOf(c.current_state) ?? 'unknown',
    reason: typeof current?.reason === 'string' ? current.reason : undefined,
    created: created !== undefined && Number.isFinite(created) ? created : undefined,
    dashboardAddress: dashboard,
    workers: workers.map((w) => ({ name: String((w as { name?: unknown }).name ?? ''), state: stateOf((w as { current_state?: unknown }).current_state) ?? 'unknown' })),
    schedulerState: stateOf(scheduler?.current_state),
  };
}
