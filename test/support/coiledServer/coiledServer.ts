// A CONTRACT test server for Coiled's /api/v2, following shared/API-CONTRACTS.md and the calls the Python client makes
// (coiled/v2/core.py: _list_clusters_page, _create_cluster, _get_cluster_details, _get_cluster_state, _delete_cluster,
// _scale_up, _scale_down). It checks the `Authorization: ApiToken <t>` header and the workspace, pages lists with
// limit/offset (an empty page ends a listing), and moves clusters/workers through Coiled's states on timers.
// No real cloud machines start: this checks our requests and our reading of the answers, nothing more.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

interface Proc {
  name: string;
  created: string;
  current_state: { state: string; reason: string; updated: string };
  instance: null;
}

export interface ContractCluster {
  id: number;
  name: string;
  workspace: string;
  state: string;
  created: string;
  workers: Proc[];
  scheduler: Proc & { dashboard_address: string };
  request: Record<string, unknown>;
  dashboardToken: string;
  tlsKey: string;
}

export interface CoiledContractServer {
  url: string;
  token: string;
  workspace: string;
  clusters: Map<number, ContractCluster>;
  /** Every request as "METHOD path?query", to check what the client sent. */
  requests: string[];
  /** Largest page the server serves, whatever limit is asked (as real APIs cap it). */
  close(): Promise<void>;
}

const now = () => new Date().toISOString();
const proc = (name: string, state: string): Proc => ({ name, created: now(), current_state: { state, reason: '', updated: now() }, instance: null });

export async function startCoiledContractServer(opts: { token?: string; workspace?: string; readyAfterMs?: number; maxPageSize?: number } = {}): Promise<CoiledContractServer> {
  const token = opts.token ?? `coiled-${randomBytes(12).toString('hex')}`;
  const workspace = opts.workspace ?? 'pangeo-lab';
  const clusters = new Map<number, ContractCluster>();
  const requests: string[] = [];
  let nextId = 100;
  const readyAfter = opts.readyAfterMs ?? 50;

  const setState = (p: { current_state: { state: string; updated: string } }, state: string) => {
    p.current_state.state = state;
    p.current_state.updated = now();
  };
  const later = (fn: () => void) => setTimeout(fn, readyAfter).unref();

  function addWorkers(c: ContractCluster, n: number): Proc[] {
    const added = Array.from({ length: n }, () => proc(`${c.name}-worker-${randomBytes(3).toString('hex')}`, 'pending'));
    c.workers.push(...added);
    later(() => added.forEach((w) => w.current_state.state === 'pending' && setState(w, 'started')));
    return added;
  }

  function details(c: ContractCluster) {
    return {
      id: c.id, name: c.name, created: c.created,
      current_state: { state: c.state, reason: c.state === 'error' ? 'instance quota exceeded' : '', updated: now() },
      scheduler: c.scheduler, workers: c.workers, scheduler_port: 8786,
      cluster_options: { tls_cert: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----', tls_key: c.tlsKey },
      cluster_infra: { give_scheduler_public_ip: true },
    };
  }

  async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  }

  function send(res: ServerResponse, status: number, payload?: unknown): void {
    if (payload === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(payload));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    void (async () => {
      // Django REST framework's answers for auth problems.
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('ApiToken ')) return send(res, 401, { detail: 'Authentication credentials were not provided.' });
      if (auth.slice('ApiToken '.length) !== token) return send(res, 401, { detail: 'Invalid token.' });

      const m = /^\/api\/v2\/(clusters|workers)\/account\/([^/]+)\/(?:(?:id|cluster)\/(\d+)(\/state)?\/?)?$/.exec(url.pathname);
      if (!m) return send(res, 404, { detail: 'Not found.' });
      const [, kind, ws, idText, state] = m;
      if (decodeURIComponent(ws!) !== workspace) return send(res, 403, { detail: `You do not have permission to access workspace ${decodeURIComponent(ws!)}.` });
      const id = idText ? Number(idText) : undefined;
      const cluster = id !== undefined ? clusters.get(id) : undefined;
      if (id !== undefined && !cluster) return send(res, 404, { detail: 'Not found.' });

      if (kind === 'clusters' && id === undefined && req.method === 'GET') {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 100), opts.maxPageSize ?? 100);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const all = [...clusters.values()].sort((a, b) => b.id - a.id);
        return send(res, 200, all.slice(offset, offset + limit).map(details));
      }
      if (kind === 'clusters' && id === undefined && req.method === 'POST') {
        const b = await body(req);
        if (typeof b.name !== 'string' || !b.name) return send(res, 400, { name: ['This field is required.'] });
        if (!Array.isArray(b.worker_instance_types) || !Array.isArray(b.scheduler_instance_types)) {
          return send(res, 400, { message: 'worker_instance_types and scheduler_instance_types must be lists' });
        }
        const live = [...clusters.values()].find((c) => c.name === b.name && !['stopped', 'error'].includes(c.state));
        if (live) return send(res, 201, { id: live.id, existing: true });
        const c: ContractCluster = {
          id: nextId++, name: b.name, workspace, state: 'pending', created: now(), workers: [], request: b,
          scheduler: { ...proc(`${b.name}-scheduler`, 'pending'), dashboard_address: '' },
          dashboardToken: randomBytes(8).toString('hex'), tlsKey: `-----BEGIN PRIVATE KEY-----\n${randomBytes(16).toString('hex')}\n-----END PRIVATE KEY-----`,
        };
        c.scheduler.dashboard_address = `https://cluster-${c.id}.dask.host/status?token=${c.dashboardToken}`;
        clusters.set(c.id, c);
        addWorkers(c, Number(b.workers ?? 0));
        later(() => {
          if (c.state !== 'pending') return;
          c.state = 'ready';
          setState(c.scheduler, 'started');
        });
        return send(res, 201, { id: c.id, existing: false });
      }
      if (kind === 'clusters' && cluster && state && req.method === 'GET') {
        return send(res, 200, { state: cluster.state, reason: '', updated: now() });
      }
      if (kind === 'clusters' && cluster && req.method === 'GET') return send(res, 200, details(cluster));
      if (kind === 'clusters' && cluster && req.method === 'DELETE') {
        cluster.state = 'stopping';
        later(() => {
          cluster.state = 'stopped';
          cluster.workers.forEach((w) => setState(w, 'stopped'));
          setState(cluster.scheduler, 'stopped');
        });
        return send(res, 200, {});
      }
      if (kind === 'workers' && cluster && req.method === 'POST') {
        const b = await body(req);
        const n = b.n_workers;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return send(res, 400, { n_workers: ['A valid integer ≥ 1 is required.'] });
        if (!['ready', 'scaling', 'pending'].includes(cluster.state)) return send(res, 409, { message: `Cluster is ${cluster.state}` });
        return send(res, 201, addWorkers(cluster, n));
      }
      if (kind === 'workers' && cluster && req.method === 'DELETE') {
        const names = url.searchParams.getAll('name');
        if (!names.length) return send(res, 400, { message: 'name is required' });
        for (const w of cluster.workers) if (names.includes(w.name)) setState(w, 'stopping');
        later(() => cluster.workers.forEach((w) => w.current_state.state === 'stopping' && setState(w, 'stopped')));
        return send(res, 204);
      }
      if (kind === 'workers' && cluster && req.method === 'GET') {
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return send(res, 200, cluster.workers.slice(offset, offset + limit));
      }
      return send(res, 405, { detail: `Method "${req.method}" not allowed.` });
    })().catch((e: unknown) => send(res, 500, { detail: String(e) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    workspace,
    clusters,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
