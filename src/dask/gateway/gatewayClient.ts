// REST client for Dask Gateway's /api/v1 (dask_gateway_server/routes.py; errors are {"error": "..."}).
// Cluster models are read field by field so tls_key never enters the program, let alone a log line.
import { HttpClient } from '../../core/http/httpClient';
import { InvalidInputError, isPangeoError, PangeoError, UnauthorizedError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import {
  arrayOf, checkedBody, maybe, num, oneOf, plainObject, recordOf, shape, str, unknownValue, type Answerer, type Guard,
} from '../../core/http/responseCheck';
import { parseOptionFields, type ClusterOptionField, type ClusterOptionValues } from '../clusterOptions';
import { gatewayAuthHeader, type GatewayAuth } from './gatewayAuth';

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
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The JupyterHub whose tokens the gateway checks (default: derived from a …/services/dask-gateway/ address). */
  hubUrl?: string;
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

  constructor(private readonly opts: GatewayClientOptions) {
    this.url = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
    this.hubUrl = opts.hubUrl ?? /^(.*\/)services\/dask-gateway\/$/.exec(this.url)?.[1];
    this.http = new HttpClient({
      baseUrl: this.url,
      authorization: () => gatewayAuthHeader(opts.auth),
      timeoutMs: opts.timeoutMs ?? 30_000,
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
    return toCluster(await this.call({
      path: `api/v1/clusters/${encodeURIComponent(name)}`, query: opts.wait ? { wait: '1' } : undefined,
      timeoutMs: opts.wait ? 60_000 : undefined, signal: opts.signal,
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

  /**
   * The gateway's error in words a user can act on. A 500 "Permission failure verifying user's JupyterHub API token"
   * means the hub answered 403 to the gateway's check: either the user's token is bad (JupyterHub ≥ 2 answers 403 to
   * an unknown token) or the gateway's hub service may not read users. We ask the hub ourselves which one it is.
   */
  private async explain(e: unknown): Promise<unknown> {
    if (!isPangeoError(e) || e.status !== 500 || !/permission failure verifying user's JupyterHub API token/i.test(e.serverMessage ?? '')) {
      return explainGatewayError(e);
    }
    const verdict = await this.tokenAcceptedByHub();
    if (verdict === false) return new UnauthorizedError(this.hubUrl ?? this.url, 'the hub refused the JupyterHub API token the Dask Gateway was given', 500);
    const why = `The Dask Gateway cannot verify tokens with its JupyterHub (${e.serverMessage}).`;
    if (verdict === true) {
      return new PangeoError('UnexpectedResponse', why,
        'Your sign-in is fine (the hub accepts your token): the gateway\'s own set-up is wrong. Contact the hub\'s administrator.', e.details);
    }
    return new PangeoError('UnexpectedResponse', why,
      'Either your token is no longer valid (sign in again), or the gateway cannot check tokens with its hub (contact the hub\'s administrator).', e.details);
  }

  /** true/false when the hub says whether it accepts our token; undefined when that cannot be asked. */
  private async tokenAcceptedByHub(): Promise<boolean | undefined> {
    if (!this.hubUrl || this.opts.auth.type !== 'jupyterhub') return undefined;
    try {
      const token = await this.opts.auth.token();
      if (!token) return false;
      const res = await this.http.withBase(this.hubUrl, { retries: 0, timeoutMs: 10_000 }).request({
        path: 'hub/api/user', anonymous: true, headers: { Authorization: `token ${token}` }, acceptStatuses: [401, 403, 404],
      });
      await res.text();
      // 404: not a hub there (the gateway reached without its hub's address): unknown, not a bad token.
      return res.status === 200 ? true : res.status === 401 || res.status === 403 ? false : undefined;
    } catch {
      return undefined;
    }
  }

  /** The public dashboard link for a route the gateway returned. */
  dashboardUrl(route: string | null): string | undefined {
    if (!route) return undefined;
    return `${this.url.replace(/\/$/, '')}${route}`;
  }

  /** A request whose answer has no body (DELETE answers 204). */
  private async send(req: Parameters<HttpClient['request']>[0]): Promise<void> {
    try {
      await (await this.http.request(req)).text();
    } catch (e) {
      throw await this.explain(e);
    }
  }

  /**
   * Scale and adapt answer 200 `{"ok": bool, "msg": str | null}` (routes.py since 0.9): ok false with a message when
   * the request was clamped to the cluster's limit. An older gateway's empty body counts as ok without a message.
   */
  private async answer(req: Parameters<HttpClient['request']>[0]): Promise<GatewayAnswer> {
    let text: string;
    try {
      text = await (await this.http.request(req)).text();
    } catch (e) {
      throw await this.explain(e);
    }
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
    let res;
    try {
      res = await this.http.request({ ...req, headers: { Accept: 'application/json', ...req.headers } });
    } catch (e) {
      throw await this.explain(e);
    }
    return checkedBody(res, guard, this.answerer, res.url || this.http.resolve(req.path, req.query).toString());
  }
}

function explainGatewayError(e: unknown): unknown {
  if (!isPangeoError(e)) return e;
  const msg = e.serverMessage;
  if (e.status === 422) {
    return new InvalidInputError(`The Dask Gateway refused the request: ${msg ?? 'invalid options'}.`, 'Check the cluster options (pangeo-compute dask options).');
  }
  if (e.status === 500 && msg && /verifying user's JupyterHub API token/i.test(msg)) {
    return new UnauthorizedError(e.details.url ?? 'the Dask Gateway', `${msg} (the hub did not accept the token)`, 500);
  }
  if (e.status === 409) {
    return new PangeoError('Conflict', `The Dask Gateway says: ${msg ?? 'conflict'}.`, 'The cluster may have stopped or failed: refresh the list.', e.details);
  }
  return e;
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
