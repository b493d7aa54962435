// REST client for Dask Gateway's /api/v1 (dask_gateway_server/routes.py; errors are {"error": "..."}).
// Cluster models are read field by field so tls_key never enters the program, let alone a log line.
import { HttpClient } from '../../core/http/httpClient';
import { CancelledError, isPangeoError, PangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import {
  arrayOf, checkedBody, maybe, num, oneOf, plainObject, recordOf, shape, str, unknownValue, type Answerer, type Guard,
} from '../../core/http/responseCheck';
import { parseOptionFields, type ClusterOptionField, type ClusterOptionValues } from '../clusterOptions';
import { gatewayAuthHeader, type GatewayAuth } from './gatewayAuth';
import { explainGatewayError, type HubVerdict } from './gatewayErrors';

export type GatewayClusterStatus = 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

export interface GatewayCluster {
  name: string;
  status: GatewayClusterStatus;
  /** "/clusters/<name>/status" while RUNNING, else null. */
  dashboardRoute: string | null;
  /** Epoch ms. */
  startTime?: number;
  stopTime?: number;
  options: Record<string, unknown>;
  /** Whether the gateway handed out TLS credentials (we never keep the key). */
  hasTls: boolean;
}

export interface GatewayClientOptions {
  /** The gateway's public address, e.g. https://hub.example.org/services/dask-gateway/ */
  url: string;
  auth: GatewayAuth;
  logger?: Logger;
  /** How long one call may take in all, its retries included (default 30 s): a hung gateway ends after this. */
  timeoutMs?: number;
  /** What the user can do when a call took too long (the CLI names its --timeout; the editor says retry). */
  timeoutHint?: string;
  fetch?: typeof fetch;
  /** The JupyterHub whose tokens the gateway checks (default: derived from a …/services/dask-gateway/ address). */
  hubUrl?: string;
  /** Where browsers reach the gateway (gateway.public-address): the root of dashboard links; default `url`. */
  publicUrl?: string;
  /** Where the address was configured (DASK_GATEWAY__ADDRESS, a Dask config file), named when it does not answer. */
  addressSource?: string;
}

/** What the gateway said to a scale or adapt request. */
export interface GatewayAnswer {
  /** False when the gateway changed the request (e.g. lowered it to its worker limit). */
  ok: boolean;
  /** The gateway's own words, e.g. "Scale request of 6 workers would exceed resource limit of 4 workers. Scaling to 4 instead." */
  message?: string;
}

/** A cluster model as routes.py sends it; tls_key is never read (not even checked). */
interface RawCluster {
  name: string;
  status: GatewayClusterStatus;
  dashboard_route?: string | null;
  start_time?: number | null;
  stop_time?: number | null;
  options?: Record<string, unknown> | null;
  tls_cert?: string | null;
}

const isRawCluster = shape<RawCluster>({
  name: str, status: oneOf('PENDING', 'RUNNING', 'STOPPING', 'STOPPED', 'FAILED'), dashboard_route: maybe(str),
  start_time: maybe(num), stop_time: maybe(num), options: maybe(plainObject), tls_cert: maybe(str),
});

/** `GET /api/v1/options`: each field's spec is read by parseOptionFields, which words its own errors. */
const isOptionsBody = shape<{ cluster_options: { field: string; label?: string | null; default?: unknown; spec: { type: string } }[] }>({
  cluster_options: arrayOf(shape<{ field: string; label?: string | null; default?: unknown; spec: { type: string } }>({
    field: str, label: maybe(str), default: unknownValue, spec: shape<{ type: string }>({ type: str }),
  })),
});

export class GatewayClient {
  readonly http: HttpClient;
  readonly url: string;
  private readonly hubUrl?: string;

  /** The budget of one call, retries included. */
  readonly timeoutMs: number;
  /** The gateway's name as a hub service (…/services/<name>/), whose access scope the gateway may require. */
  private readonly serviceName?: string;

  constructor(private readonly opts: GatewayClientOptions) {
    this.url = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
    const service = /^(.*\/)services\/([^/]+)\/$/.exec(this.url);
    this.serviceName = service?.[2] ? decodeURIComponent(service[2]) : undefined;
    this.hubUrl = opts.hubUrl ?? (this.serviceName === 'dask-gateway' ? service?.[1] : undefined);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.http = new HttpClient({
      baseUrl: this.url,
      authorization: () => gatewayAuthHeader(opts.auth),
      // Each try may use the whole budget; the budget itself is kept by within() over all tries.
      timeoutMs: this.timeoutMs,
      logger: opts.logger,
      fetch: opts.fetch,
    });
  }

  /** Who answers, for errors about a body of the wrong shape. */
  private get answerer(): Answerer {
    return { who: 'The Dask Gateway', hint: `Is ${this.url} a Dask Gateway (on a hub, usually …/services/dask-gateway/)? Check the address.` };
  }

  /** `{status: "pass"|"fail", ...}`; 503 when failing (answered, not thrown). */
  async health(signal?: AbortSignal): Promise<{ status: string }> {
    const res = await this.http.request({ path: 'api/health', anonymous: true, acceptStatuses: [503], signal });
    return checkedBody(res, shape<{ status: string }>({ status: str }), this.answerer, this.http.resolve('api/health').toString());
  }

  async version(signal?: AbortSignal): Promise<string> {
    return (await this.call({ path: 'api/version', anonymous: true, signal }, shape<{ version: string }>({ version: str }))).version;
  }

  async options(signal?: AbortSignal): Promise<ClusterOptionField[]> {
    return parseOptionFields(await this.call({ path: 'api/v1/options', signal }, isOptionsBody));
  }

  async list(statuses: GatewayClusterStatus[] = ['PENDING', 'RUNNING'], signal?: AbortSignal): Promise<GatewayCluster[]> {
    const body = await this.call({ path: 'api/v1/clusters/', query: { status: statuses.join(',') }, signal }, recordOf(isRawCluster));
    return Object.values(body).map(toCluster);
  }

  /** Returns the new cluster's name; a 422 becomes InvalidInputError carrying the gateway's words. */
  async create(options: ClusterOptionValues, signal?: AbortSignal): Promise<string> {
    const body = await this.call({ method: 'POST', path: 'api/v1/clusters/', json: { cluster_options: options }, signal }, shape<{ name: string }>({ name: str }));
    return body.name;
  }

  /** With `wait`, the gateway holds the request until the cluster's status changes (or its own timeout). */
  async get(name: string, opts: { wait?: boolean; signal?: AbortSignal } = {}): Promise<GatewayCluster> {
    // The gateway holds a ?wait request up to its own period: that call gets at least a minute.
    return toCluster(await this.call({
      path: `api/v1/clusters/${encodeURIComponent(name)}`, query: opts.wait ? { wait: '1' } : undefined,
      timeoutMs: opts.wait ? Math.max(60_000, this.timeoutMs) : undefined, signal: opts.signal,
    }, isRawCluster));
  }

  async stop(name: string, signal?: AbortSignal): Promise<void> {
    await this.send({ method: 'DELETE', path: `api/v1/clusters/${encodeURIComponent(name)}`, signal });
  }

  /**
   * Asks for `count` workers. Resolves once accepted (not yet reached) with the gateway's answer: above its
   * `cluster_max_workers` it scales to that limit instead and says so in `message`.
   */
  async scale(name: string, count: number, signal?: AbortSignal): Promise<GatewayAnswer> {
    return this.answer({ method: 'POST', path: `api/v1/clusters/${encodeURIComponent(name)}/scale`, json: { count }, signal });
  }

  /** Like scale: bounds above the gateway's limit are lowered to it, and `message` says which were used. */
  async adapt(name: string, minimum: number | null, maximum: number | null, active = true, signal?: AbortSignal): Promise<GatewayAnswer> {
    return this.answer({ method: 'POST', path: `api/v1/clusters/${encodeURIComponent(name)}/adapt`, json: { minimum, maximum, active }, signal });
  }

  /** The hub's verdict on our token (and the token's scopes, as /hub/api/user lists them); undefined when it cannot be asked. */
  private async hubVerdict(): Promise<HubVerdict> {
    if (!this.hubUrl || this.opts.auth.type !== 'jupyterhub') return undefined;
    try {
      const token = await this.opts.auth.token();
      if (!token) return { accepted: false };
      const res = await this.http.withBase(this.hubUrl, { retries: 0, timeoutMs: 10_000 }).request({
        path: 'hub/api/user', anonymous: true, headers: { Authorization: `token ${token}` }, acceptStatuses: [401, 403, 404],
      });
      const text = await res.text();
      // 404: not a hub there (the gateway reached without its hub's address): unknown, not a bad token.
      if (res.status === 401 || res.status === 403) return { accepted: false };
      if (res.status !== 200) return undefined;
      const scopes = (JSON.parse(text) as { scopes?: unknown }).scopes;
      return { accepted: true, scopes: Array.isArray(scopes) ? scopes.filter((x): x is string => typeof x === 'string') : undefined };
    } catch {
      return undefined;
    }
  }

  /** The public dashboard link for a route the gateway returned. */
  dashboardUrl(route: string | null): string | undefined {
    if (!route) return undefined;
    return `${(this.opts.publicUrl ?? this.url).replace(/\/$/, '')}${route}`;
  }

  /**
   * Runs one call within the budget (timeoutMs, or the request's own), all retries included, so a hung gateway ends
   * when the message says it did; its failure is explained in words that name the cause.
   */
  private async within<T>(req: Parameters<HttpClient['request']>[0], run: (req: Parameters<HttpClient['request']>[0]) => Promise<T>): Promise<T> {
    const budgetMs = req.timeoutMs ?? this.timeoutMs;
    const deadline = AbortSignal.timeout(budgetMs);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline]) : deadline;
    try {
      return await run({ ...req, signal, timeoutMs: budgetMs });
    } catch (e) {
      if (deadline.aborted && !req.signal?.aborted && (isPangeoError(e, 'Cancelled') || isPangeoError(e, 'Timeout'))) {
        const secs = Math.round(budgetMs / 1000);
        throw new PangeoError('Timeout', `The Dask Gateway at ${this.url}${this.opts.addressSource ? ` (set by ${this.opts.addressSource})` : ''} did not answer within ${secs} s.`,
          this.opts.timeoutHint ?? 'It may be hung or overloaded: retry later, or tell its admin.', { url: this.url });
      }
      if (req.signal?.aborted && !isPangeoError(e, 'Cancelled')) throw new CancelledError();
      throw await explainGatewayError(e, {
        url: this.url, auth: this.opts.auth, serviceName: this.serviceName, hubVerdict: () => this.hubVerdict(), addressSource: this.opts.addressSource,
      });
    }
  }

  /** A request whose answer has no body (DELETE answers 204). */
  private async send(req: Parameters<HttpClient['request']>[0]): Promise<void> {
    await this.within(req, async (r) => {
      await (await this.http.request(r)).text();
    });
  }

  /**
   * Scale and adapt answer 200 `{"ok": bool, "msg": str | null}` (routes.py since 0.9): ok false with a message when
   * the request was clamped to the cluster's limit. An older gateway's empty body counts as ok without a message.
   */
  private async answer(req: Parameters<HttpClient['request']>[0]): Promise<GatewayAnswer> {
    const text = await this.within(req, async (r) => (await this.http.request(r)).text());
    let body: unknown;
    try {
      body = text.trim() ? JSON.parse(text) : {};
    } catch {
      return { ok: true };
    }
    const { ok, msg } = (body ?? {}) as { ok?: unknown; msg?: unknown };
    return { ok: ok !== false, message: typeof msg === 'string' && msg ? msg : undefined };
  }

  /** One request with the gateway's error conventions turned into messages a user can act on; the answer is checked. */
  private async call<T>(req: Parameters<HttpClient['request']>[0], guard: Guard<T>): Promise<T> {
    return this.within({ ...req, headers: { Accept: 'application/json', ...req.headers } }, async (r) => {
      const res = await this.http.request(r);
      return checkedBody(res, guard, this.answerer, res.url || this.http.resolve(req.path, req.query).toString());
    });
  }
}

function toCluster(c: RawCluster): GatewayCluster {
  return {
    name: c.name,
    status: c.status,
    dashboardRoute: c.dashboard_route ?? null,
    startTime: c.start_time ?? undefined,
    stopTime: c.stop_time ?? undefined,
    options: c.options ?? {},
    hasTls: typeof c.tls_cert === 'string' && c.tls_cert.length > 0,
  };
}
