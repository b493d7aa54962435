// A Dask Gateway test server: the REST contract of dask/dask-gateway, launching REAL dask schedulers and workers.
//
// Follows (read them to check):
//   dask-gateway-server/dask_gateway_server/routes.py   paths, status codes, {"error": reason} bodies, 201/204,
//                                                       422 for bad options or statuses, 403 for other users' clusters,
//                                                       409 "cluster <name> is not running" for scale/adapt
//   dask-gateway-server/dask_gateway_server/auth.py     JupyterHubAuthenticator (`Authorization: jupyterhub <t>` checked
//                                                       with GET {hub}/hub/api/user; hub 404 → 401, hub 403 → 500
//                                                       "Permission failure verifying user's JupyterHub API token",
//                                                       hub 5xx → 502), SimpleAuthenticator (Basic), dask-gateway-<uuid>
//                                                       cookie, 401 with WWW-Authenticate
//   dask-gateway-server/dask_gateway_server/models.py   cluster JSON: name, dashboard_route (/clusters/<name>/status only
//                                                       while RUNNING), status name, start_time/stop_time (ms), options,
//                                                       tls_cert/tls_key (null unless RUNNING)
//   dask-gateway-server/dask_gateway_server/options.py  option spec and validation messages (see serverOptions.ts)
//   dask-gateway-server/dask_gateway_server/backends/db_base.py  list default = active clusters; a scheduler that cannot be
//                                                       messaged marks the cluster FAILED and scale answers 409
//   dask-gateway/dask_gateway/client.py                 what the Python client sends (count, minimum/maximum/active)
//   dask-gateway/dask_gateway/scheduler_preload.py      each change of adaptive scaling is logged through the scheduler's
//                                                       logger ("Enabling adaptive scaling, minimum=%r, maximum=%r",
//                                                       "Disabling adaptive scaling" when a scale or adapt(active=False)
//                                                       ends it), so /clusters/<name>/info/main/logs.html shows it: here
//                                                       by schedulerAdaptiveLog.py, preloaded into each scheduler
//   auth.py JupyterHubAuthenticator (2026.3.0)          with jupyterhub_service_name set (JUPYTERHUB_SERVICE_NAME, as
//                                                       when the gateway is a hub service), a token whose /hub/api/user
//                                                       `scopes` hold neither access:services nor
//                                                       access:services!service=<name> is answered 401 as a bad token is;
//                                                       a non-user kind is named "<kind>:<name>"
//   routes.py scale/adapt                               200 {"ok": bool, "msg": str|null}: above cluster_max_workers the
//                                                       request is lowered to it and msg says so ("Scale request of 6
//                                                       workers would exceed resource limit of 4 workers. Scaling to 4
//                                                       instead."); a body that is not JSON fails in request.json()
//                                                       before any handler code: aiohttp's text/plain 500
//   backends/db_base.py stop_cluster                    DELETE answers 204 at once; the cluster is STOPPING until the
//                                                       backend has stopped it, then STOPPED
//   app.py health()                                     {"status": "pass"}
//   proxy/core.py + aiohttp                             "/" routes to the API server: an unknown path (a dashboard of a
//                                                       cluster that is not running) is aiohttp's text/plain 404
// Measured against dask-gateway-server 2023.1.1 (routes unchanged up to 2026.3.0) for issue 10.
// Differences, on purpose: one process, no TLS proxy (schedulers listen on plain tcp on loopback); the dashboard is proxied
// for GET only; adaptive scaling polls the scheduler's /api/v1/adaptive_target (the real one runs Adaptive inside it).
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../freePort';
import { killTree, startLongRunning, type LongRunningProcess } from '../processes';
import { DASK, SCHEDULER_ROUTES_ENV } from '../dask';
import { DEFAULT_FIELDS, parseOptions, pyRepr, specOf, type ServerField } from './serverOptions';

type Status = 'PENDING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

interface WorkerProc {
  name: string;
  proc: LongRunningProcess;
}

export interface TestGatewayCluster {
  name: string;
  username: string;
  status: Status;
  options: Record<string, unknown>;
  startTime: number;
  stopTime: number | null;
  schedulerPort: number;
  dashboardPort: number;
  scheduler?: LongRunningProcess;
  workers: WorkerProc[];
  nextWorker: number;
  adaptive?: { minimum: number; maximum: number; timer: NodeJS.Timeout; downVotes: number };
  tlsCert: string;
  tlsKey: string;
  /** Serializes worker changes. */
  queue: Promise<void>;
}

export interface GatewayServerOptions {
  /** JupyterHub base URL (with trailing slash): enables `Authorization: jupyterhub <token>`. */
  hubUrl?: string;
  /** Enables Basic auth; any user name, this password. */
  basicPassword?: string;
  fields?: ServerField[];
  /** c.ClusterConfig.cluster_max_workers */
  maxWorkers?: number;
  /** Serve under a prefix like a hub service, e.g. '/services/dask-gateway/'. */
  prefix?: string;
  adaptiveIntervalMs?: number;
  /** Answers every hub check as the hub's 403 would (a gateway whose hub set-up is wrong), whatever the token. */
  hubRefusesGateway?: boolean;
  /** How long a stopping cluster stays STOPPING before its processes are stopped (the real backend takes seconds). */
  stopDelayMs?: number;
  /** JupyterHubAuthenticator.jupyterhub_service_name: set, tokens must hold the service's access scope (use_service_access_scopes). */
  serviceName?: string;
  /** Listen on this port (a hub's service URL is fixed before the gateway starts); default: any free one. */
  port?: number;
}

export interface TestGatewayServer {
  url: string;
  clusters: Map<string, TestGatewayCluster>;
  /** What the server logged (requests, errors), to check that no secret appears in it. */
  log: string[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly reason: string, readonly headers: Record<string, string> = {}) {
    super(reason);
  }
}

/** aiohttp's own answers (unmatched route, unhandled exception): plain text, not the API's {"error"} JSON. */
class PlainHttpError extends HttpError {}

const NOT_FOUND_TEXT = '404: Not Found';
/** Preloaded into each scheduler: logs adaptive changes as the gateway's scheduler extension does. */
const ADAPTIVE_LOG_PRELOAD = join(__dirname, 'schedulerAdaptiveLog.py');
const SERVER_ERROR_TEXT = '500 Internal Server Error\n\nServer got itself in trouble';

interface User {
  name: string;
}

export async function startGatewayServer(opts: GatewayServerOptions = {}): Promise<TestGatewayServer> {
  const fields = opts.fields ?? DEFAULT_FIELDS;
  const maxWorkers = opts.maxWorkers ?? 4;
  const prefix = (opts.prefix ?? '/').replace(/\/?$/, '/');
  const clusters = new Map<string, TestGatewayCluster>();
  const cookies = new Map<string, User>();
  const cookieName = `dask-gateway-${randomUUID().replace(/-/g, '')}`;
  const logDir = mkdtempSync(join(tmpdir(), 'pangeo-gateway-'));
  const log: string[] = [];

  // ---- auth (auth.py) ----
  async function authenticate(req: IncomingMessage): Promise<User> {
    const cookie = /(?:^|;\s*)([^=]+)=([^;]*)/g;
    for (const m of (req.headers.cookie ?? '').matchAll(cookie)) {
      if (m[1] === cookieName && cookies.has(m[2]!)) return cookies.get(m[2]!)!;
    }
    const primary = opts.hubUrl ? 'jupyterhub' : 'Basic';
    const header = req.headers.authorization;
    if (!header) throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': primary });
    const space = header.indexOf(' ');
    const [type, key] = space > 0 ? [header.slice(0, space), header.slice(space + 1)] : [header, ''];
    if (type === 'jupyterhub' && opts.hubUrl) {
      const res = opts.hubRefusesGateway ? new Response('', { status: 403 })
        : await fetch(`${opts.hubUrl}hub/api/user`, { headers: { Authorization: `token ${key}` } });
      if (res.status < 400) {
        const data = (await res.json()) as { name: string; kind?: string; scopes?: string[] };
        const kind = data.kind ?? 'user';
        const name = kind !== 'user' || data.name.includes(':') ? `${kind}:${data.name}` : data.name;
        if (opts.serviceName) {
          const access = ['access:services', `access:services!service=${opts.serviceName}`];
          if (!(data.scopes ?? []).some((x) => access.includes(x))) {
            log.push(`Token for '${name}' does not have access to service '${opts.serviceName}'`);
            throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': 'jupyterhub' });
          }
        }
        return { name };
      }
      if (res.status === 404) throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': 'jupyterhub' });
      if (res.status === 403) throw new HttpError(500, "Permission failure verifying user's JupyterHub API token");
      if (res.status >= 500) throw new HttpError(502, "Upstream failure verifying user's JupyterHub API token");
      throw new HttpError(500, "Failure verifying user's JupyterHub API token");
    }
    if (type === 'Basic' && opts.basicPassword !== undefined) {
      const decoded = Buffer.from(key, 'base64').toString('ascii');
      const colon = decoded.indexOf(':');
      const [user, password] = colon >= 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : [decoded, ''];
      if (opts.basicPassword && password !== opts.basicPassword) throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': 'Basic' });
      return { name: user };
    }
    throw new HttpError(401, 'Authentication required', { 'WWW-Authenticate': primary });
  }

  // ---- cluster model (models.py) ----
  function toDict(c: TestGatewayCluster) {
    const running = c.status === 'RUNNING';
    return {
      name: c.name,
      dashboard_route: running ? `/clusters/${c.name}/status` : null,
      status: c.status,
      start_time: c.startTime,
      stop_time: c.stopTime,
      options: c.options,
      tls_cert: running ? c.tlsCert : null,
      tls_key: running ? c.tlsKey : null,
    };
  }

  function owned(user: User, name: string, verb = 'view'): TestGatewayCluster {
    const c = clusters.get(name);
    if (!c) throw new HttpError(404, `Cluster ${name} not found`);
    if (c.username !== user.name) throw new HttpError(403, `User ${user.name} lacks permissions to ${verb} cluster ${name}`);
    return c;
  }

  // ---- real processes ----
  async function startCluster(c: TestGatewayCluster): Promise<void> {
    c.scheduler = startLongRunning({
      name: `gw-scheduler-${c.name.slice(0, 8)}`, command: DASK, logDir, env: { ...process.env, ...SCHEDULER_ROUTES_ENV, ...optionEnvironment(c.options) },
      args: ['scheduler', '--host', '127.0.0.1', '--port', String(c.schedulerPort), '--dashboard-address', `127.0.0.1:${c.dashboardPort}`,
        '--dashboard-prefix', `/clusters/${c.name}`, '--preload', ADAPTIVE_LOG_PRELOAD],
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && c.status === 'PENDING') {
      if (c.scheduler.hasExited()) break;
      if (await schedulerAnswers(c, 1000)) {
        c.status = 'RUNNING';
        return;
      }
      await sleep(150);
    }
    if (c.status === 'PENDING') await failCluster(c, 'scheduler did not start');
  }

  function dashboardBase(c: TestGatewayCluster): string {
    return `http://127.0.0.1:${c.dashboardPort}/clusters/${c.name}/`;
  }

  async function schedulerAnswers(c: TestGatewayCluster, timeoutMs: number): Promise<boolean> {
    try {
      const res = await fetch(`${dashboardBase(c)}health`, { signal: AbortSignal.timeout(timeoutMs) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async function killAll(c: TestGatewayCluster): Promise<void> {
    if (c.adaptive) clearInterval(c.adaptive.timer);
    c.adaptive = undefined;
    const procs = [...c.workers.map((w) => w.proc), ...(c.scheduler ? [c.scheduler] : [])];
    c.workers = [];
    await Promise.all(procs.map((p) => killTree(p, 'SIGKILL').catch(() => undefined)));
  }

  async function failCluster(c: TestGatewayCluster, why: string): Promise<void> {
    log.push(`cluster ${c.name} failed: ${why}`);
    c.status = 'FAILED';
    c.stopTime = Date.now();
    await killAll(c);
  }

  /** Starts/stops worker processes until `n` run (one change at a time per cluster). */
  function reconcile(c: TestGatewayCluster, n: number): Promise<void> {
    c.queue = c.queue.then(async () => {
      if (c.status !== 'RUNNING') return;
      c.workers = c.workers.filter((w) => !w.proc.hasExited());
      while (c.workers.length < n) {
        const name = `dask-worker-${c.name.slice(0, 8)}-${c.nextWorker++}`;
        const cores = Number(c.options.worker_cores ?? 1);
        const memGiB = Number(c.options.worker_memory ?? 0.5);
        const proc = startLongRunning({
          name, command: DASK, logDir, env: { ...process.env, ...SCHEDULER_ROUTES_ENV, ...optionEnvironment(c.options) },
          args: ['worker', `tcp://127.0.0.1:${c.schedulerPort}`, '--host', '127.0.0.1', '--nthreads', String(cores),
            '--memory-limit', `${Math.round(memGiB * 1024)}MiB`, '--name', name, '--no-nanny', '--dashboard-address', '127.0.0.1:0'],
        });
        c.workers.push({ name, proc });
      }
      if (c.workers.length > n) {
        const victims = c.workers.slice(n);
        c.workers = c.workers.slice(0, n);
        // Like the gateway's scheduler side: retire gracefully (data moves first), then stop the processes.
        try {
          const identity = (await (await fetch(`${dashboardBase(c)}json/identity.json`, { signal: AbortSignal.timeout(3000) })).json()) as { workers: Record<string, { name: string }> };
          const addresses = Object.entries(identity.workers).filter(([, w]) => victims.some((v) => v.name === String(w.name))).map(([a]) => a);
          await fetch(`${dashboardBase(c)}api/v1/retire_workers`, { method: 'POST', body: JSON.stringify({ workers: addresses }), signal: AbortSignal.timeout(10_000) });
        } catch {
          // a hung scheduler: the processes are stopped anyway
        }
        await Promise.all(victims.map((v) => killTree(v.proc, 'SIGKILL').catch(() => undefined)));
      }
    }).catch((e) => {
      log.push(`reconcile ${c.name}: ${(e as Error).message}`);
    });
    return c.queue;
  }

  /** forward_message_to_scheduler: a cluster that is not running, or whose scheduler does not answer, is failed → 409. */
  async function ensureSchedulerReachable(c: TestGatewayCluster): Promise<void> {
    if (c.status !== 'RUNNING') throw new HttpError(409, `cluster ${c.name} is not running`);
    if (c.scheduler?.hasExited() || !(await schedulerAnswers(c, 2000))) {
      await failCluster(c, 'scheduler unreachable');
      throw new HttpError(409, `cluster ${c.name} is not running`);
    }
  }

  /** GatewaySchedulerService.adapt logs each change in the scheduler's log: the same lines, through the preload. */
  async function logAdaptive(c: TestGatewayCluster, change: { active: true; minimum: number; maximum: number } | { active: false }): Promise<void> {
    if (!change.active && !c.adaptive) return; // adapt(active=False) logs only when an adapt task was running
    await fetch(`${dashboardBase(c)}stand-in-adaptive-log`, { method: 'POST', body: JSON.stringify(change), signal: AbortSignal.timeout(5000) })
      .catch((e: unknown) => log.push(`adaptive log ${c.name}: ${(e as Error).message}`));
  }

  function startAdaptive(c: TestGatewayCluster, minimum: number, maximum: number): void {
    if (c.adaptive) clearInterval(c.adaptive.timer);
    const state = { minimum, maximum, downVotes: 0, timer: undefined as unknown as NodeJS.Timeout };
    state.timer = setInterval(() => void (async () => {
      if (c.status !== 'RUNNING' || c.adaptive !== state) return;
      try {
        const res = await fetch(`${dashboardBase(c)}api/v1/adaptive_target`, { signal: AbortSignal.timeout(2000) });
        const target = Math.min(maximum, Math.max(minimum, ((await res.json()) as { workers: number }).workers));
        const current = c.workers.filter((w) => !w.proc.hasExited()).length;
        if (target > current) {
          state.downVotes = 0;
          await reconcile(c, target);
        } else if (target < current && ++state.downVotes >= 3) {
          state.downVotes = 0;
          await reconcile(c, target);
        }
      } catch {
        // the monitor below notices a dead scheduler
      }
    })(), opts.adaptiveIntervalMs ?? 1000);
    c.adaptive = state;
  }

  // A scheduler that dies on its own fails its cluster (the real gateway notices missing heartbeats).
  const monitor = setInterval(() => {
    for (const c of clusters.values()) {
      if (c.status === 'RUNNING' && c.scheduler?.hasExited()) void failCluster(c, 'scheduler exited');
    }
  }, 500);

  // ---- routes (routes.py) ----
  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      // request.json() raises JSONDecodeError outside the handlers' HTTPException wrapper (an empty body too).
      log.push(`error: body is not JSON: ${text.slice(0, 80)}`);
      throw new PlainHttpError(500, SERVER_ERROR_TEXT);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (path === 'api/health' && method === 'GET') return json(200, { status: 'pass' });
    if (path === 'api/version' && method === 'GET') return json(200, { version: '2024.1.0' });

    const dash = /^clusters\/([^/]+)\/(.*)$/.exec(path);
    if (dash && method === 'GET') return proxyDashboard(req, res, dash[1]!, dash[2]!);

    const user = await authenticate(req);
    const cookie = randomBytes(16).toString('hex');
    cookies.set(cookie, user);
    const setCookie = { 'Set-Cookie': `${cookieName}=${cookie}; Max-Age=600; Path=/; HttpOnly` };
    const ok = (status: number, body?: unknown): void => {
      if (body !== undefined) return json(status, body, setCookie);
      res.writeHead(status, setCookie);
      res.end();
    };

    if (path === 'api/v1/options' && method === 'GET') return ok(200, { cluster_options: fields.map(specOf) });

    if (path === 'api/v1/clusters/' && method === 'GET') {
      const status = query.get('status');
      let wanted: Status[];
      if (status === null) wanted = ['PENDING', 'RUNNING'];
      else {
        wanted = status.split(',').map((s) => {
          const up = s.toUpperCase();
          if (!['PENDING', 'RUNNING', 'STOPPING', 'STOPPED', 'FAILED'].includes(up)) throw new HttpError(422, `'${s}' is not a valid ClusterStatus`);
          return up as Status;
        });
      }
      const out: Record<string, unknown> = {};
      for (const c of clusters.values()) if (c.username === user.name && wanted.includes(c.status)) out[c.name] = toDict(c);
      return ok(200, out);
    }

    if (path === 'api/v1/clusters/' && method === 'POST') {
      const msg = (await readJson(req)) as { cluster_options?: unknown };
      let options: Record<string, unknown>;
      try {
        options = parseOptions(fields, msg.cluster_options ?? {});
      } catch (e) {
        log.push(`Error creating new cluster for user ${user.name}: ${(e as Error).message}`);
        throw new HttpError(422, (e as Error).message);
      }
      const [schedulerPort, dashboardPort] = await freePorts(2);
      const name = randomUUID().replace(/-/g, '');
      const c: TestGatewayCluster = {
        name, username: user.name, status: 'PENDING', options, startTime: Date.now(), stopTime: null,
        schedulerPort: schedulerPort!, dashboardPort: dashboardPort!, workers: [], nextWorker: 1, queue: Promise.resolve(),
        tlsCert: `-----BEGIN CERTIFICATE-----\n${randomBytes(24).toString('base64')}\n-----END CERTIFICATE-----\n`,
        tlsKey: `-----BEGIN PRIVATE KEY-----\n${randomBytes(24).toString('base64')}\n-----END PRIVATE KEY-----\n`,
      };
      clusters.set(name, c);
      void startCluster(c);
      return ok(201, { name });
    }

    const one = /^api\/v1\/clusters\/([^/]+)(\/scale|\/adapt)?$/.exec(path);
    if (one) {
      const name = decodeURIComponent(one[1]!);
      const action = one[2];
      if (!action && method === 'GET') {
        let c = owned(user, name);
        if (query.has('wait') && c.status === 'PENDING') {
          const until = Date.now() + 10_000;
          while (c.status === 'PENDING' && Date.now() < until) await sleep(100);
          c = owned(user, name);
        }
        return ok(200, toDict(c));
      }
      if (!action && method === 'DELETE') {
        const c = clusters.get(name);
        if (c) {
          if (c.username !== user.name) throw new HttpError(403, `User ${user.name} lacks permissions to stop cluster ${name}`);
          if (c.status === 'PENDING' || c.status === 'RUNNING') {
            // Answered at once; the backend stops the cluster in the background.
            c.status = 'STOPPING';
            void sleep(opts.stopDelayMs ?? 1500).then(() => killAll(c)).then(() => {
              c.status = 'STOPPED';
              c.stopTime = Date.now();
            });
          }
        }
        return ok(204);
      }
      if (action === '/scale' && method === 'POST') {
        const c = owned(user, name);
        const msg = (await readJson(req)) as { count?: unknown };
        const count = msg.count;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
          // An f-string: str() of the value, so text shows without quotes and null as None.
          throw new HttpError(422, `Scale expects a non-negative integer, got ${typeof count === 'string' ? count : pyRepr(count)}`);
        }
        let n = count;
        let respMsg: string | null = null;
        if (n > maxWorkers) {
          respMsg = `Scale request of ${count} workers would exceed resource limit of ${maxWorkers} workers. Scaling to ${maxWorkers} instead.`;
          n = maxWorkers;
        }
        await ensureSchedulerReachable(c);
        // scheduler_preload.py scale(): adapt(active=False) first.
        await logAdaptive(c, { active: false });
        if (c.adaptive) clearInterval(c.adaptive.timer);
        c.adaptive = undefined;
        void reconcile(c, n);
        return ok(200, { ok: !respMsg, msg: respMsg });
      }
      if (action === '/adapt' && method === 'POST') {
        const c = owned(user, name);
        const msg = (await readJson(req)) as { minimum?: number | null; maximum?: number | null; active?: boolean };
        let minimum = msg.minimum ?? 0;
        let maximum = msg.maximum ?? maxWorkers;
        let respMsg: string | null = null;
        if (maximum > maxWorkers || minimum > maxWorkers) {
          const [origMax, origMin] = [maximum, minimum];
          maximum = Math.min(maxWorkers, maximum);
          minimum = Math.min(maxWorkers, minimum);
          respMsg = `Adapt with \`maximum=${origMax}, minimum=${origMin}\` workers would exceed resource limit of ${maxWorkers} workers. Using \`maximum=${maximum}, minimum=${minimum}\` instead.`;
        }
        await ensureSchedulerReachable(c);
        if (msg.active === false) {
          await logAdaptive(c, { active: false });
          if (c.adaptive) clearInterval(c.adaptive.timer);
          c.adaptive = undefined;
        } else {
          await logAdaptive(c, { active: true, minimum, maximum });
          startAdaptive(c, minimum, maximum);
        }
        return ok(200, { ok: !respMsg, msg: respMsg });
      }
    }
    throw new PlainHttpError(404, NOT_FOUND_TEXT);
  }

  function proxyDashboard(req: IncomingMessage, res: ServerResponse, name: string, rest: string): void {
    const c = clusters.get(name);
    if (!c || c.status !== 'RUNNING') {
      // No proxy route for it: the request falls through to the API server, which knows no such path.
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(NOT_FOUND_TEXT);
      return;
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: c.dashboardPort, path: `/clusters/${name}/${rest}`, method: 'GET', timeout: 30_000 }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'Bad Gateway' }));
    });
    upstream.end();
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    if (!url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(NOT_FOUND_TEXT);
      return;
    }
    route(req, res, url.pathname.slice(prefix.length), url.searchParams).catch((e: unknown) => {
      const err = e instanceof HttpError ? e : new PlainHttpError(500, SERVER_ERROR_TEXT);
      if (!(e instanceof HttpError)) log.push(`error: ${(e as Error).stack}`);
      if (res.headersSent) return res.end();
      if (err instanceof PlainHttpError) {
        res.writeHead(err.status, { 'Content-Type': 'text/plain; charset=utf-8', ...err.headers });
        res.end(err.reason);
        return;
      }
      res.writeHead(err.status, { 'Content-Type': 'application/json; charset=utf-8', ...err.headers });
      res.end(JSON.stringify({ error: err.reason }));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    clusters,
    log,
    async close() {
      clearInterval(monitor);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...clusters.values()].map((c) => killAll(c)));
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Like daskhub's options handler: the `environment` mapping option becomes the scheduler's and workers' environment. */
function optionEnvironment(options: Record<string, unknown>): Record<string, string> {
  const env = options.environment;
  if (!env || typeof env !== 'object' || Array.isArray(env)) return {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}
