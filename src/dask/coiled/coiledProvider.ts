// Coiled as a ClusterProvider: list/create/scale/stop through CoiledClient. Coiled has no REST adaptive scaling
// (its adapt runs inside the Python client), so `adapt` is not offered.
import { InvalidInputError, PangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import { validateOptions, type ClusterOptionField, type ClusterOptionValues } from '../clusterOptions';
import type { ClusterProvider, ClusterStatus, ClusterSummary, ConnectionInfo, ProviderCapabilities, WorkerSummary } from '../clusterProvider';
import { pythonClientCode } from '../clientCode';
import { CoiledClient, type CoiledCluster, type CoiledCreateRequest } from './coiledClient';

export const COILED_CAPABILITIES: ProviderCapabilities = {
  create: true, options: true, scaleUp: true, scaleDown: true, adapt: false, stop: true, workers: true,
};

const STATUS: Record<string, ClusterStatus> = {
  pending: 'pending', queued: 'pending', starting: 'pending', scaling: 'running', ready: 'running', running: 'running',
  stopping: 'stopping', stopped: 'stopped', error: 'failed', failed: 'failed',
};

/** Worker states that count as part of the cluster (not yet gone). */
const LIVE_WORKER = new Set(['pending', 'starting', 'started', 'running', 'queued', 'provisioning']);

export interface CoiledProviderOptions {
  server: string;
  token: string;
  workspace: string;
  logger?: Logger;
  fetch?: typeof fetch;
}

export class CoiledProvider implements ClusterProvider {
  readonly kind = 'coiled' as const;
  readonly id: string;
  readonly label: string;
  readonly capabilities = COILED_CAPABILITIES;
  readonly client: CoiledClient;
  private readonly logger: Logger;

  constructor(private readonly opts: CoiledProviderOptions) {
    if (!opts.workspace) throw new InvalidInputError('Coiled needs a workspace (your account slug).', 'Pass --workspace or set DASK_COILED__WORKSPACE.');
    this.client = new CoiledClient(opts);
    this.id = `coiled:${opts.workspace}`;
    this.label = `Coiled ${opts.workspace}`;
    this.logger = opts.logger ?? silentLogger;
  }

  async optionsSchema(): Promise<ClusterOptionField[]> {
    return [
      { field: 'name', label: 'Cluster name', default: '', spec: { type: 'string' } },
      { field: 'workers', label: 'Workers', default: 4, spec: { type: 'int', min: 0, max: 1000 } },
      { field: 'worker_vm_types', label: 'Worker instance types (comma-separated)', default: 'm6i.xlarge', spec: { type: 'string' } },
      { field: 'scheduler_vm_types', label: 'Scheduler instance types (comma-separated)', default: 'm6i.large', spec: { type: 'string' } },
      { field: 'region', label: 'Region', default: 'us-east-1', spec: { type: 'string' } },
      { field: 'spot_policy', label: 'Spot policy', default: 'on-demand', spec: { type: 'select', options: ['on-demand', 'spot', 'spot_with_fallback'] } },
      { field: 'software', label: 'Software environment (empty: package sync)', default: '', spec: { type: 'string' } },
    ];
  }

  async create(options: ClusterOptionValues, signal?: AbortSignal): Promise<ClusterSummary> {
    const fields = await this.optionsSchema();
    const o = { ...Object.fromEntries(fields.map((f) => [f.field, f.default])), ...validateOptions(fields, options) } as Record<string, unknown>;
    const list = (v: unknown) => String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const name = String(o.name || `pangeo-${Date.now().toString(36)}`);
    const req: CoiledCreateRequest = {
      name,
      workers: Number(o.workers),
      worker_instance_types: list(o.worker_vm_types),
      scheduler_instance_types: list(o.scheduler_vm_types),
      options: { region_name: String(o.region || '') || undefined, spot_policy: String(o.spot_policy) },
      tags: { 'created-by': 'pangeo-compute' },
    };
    if (o.software) req.env_name = String(o.software);
    const { id, existing } = await this.client.create(req, signal);
    this.logger.info(`coiled cluster ${name} (id ${id}) ${existing ? 'already existed' : 'requested'}`);
    return this.get(String(id), signal);
  }

  async list(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const clusters = await this.client.list(signal);
    // Coiled keeps stopped clusters in its history: show the live ones.
    return clusters.filter((c) => !['stopped', 'error'].includes(c.state)).map((c) => this.summarize(c));
  }

  async get(id: string, signal?: AbortSignal): Promise<ClusterSummary> {
    return this.summarize(await this.client.get(this.numericId(id), signal));
  }

  async workers(id: string, signal?: AbortSignal): Promise<WorkerSummary[]> {
    const c = await this.client.get(this.numericId(id), signal);
    return c.workers.filter((w) => LIVE_WORKER.has(w.state)).map((w) => ({ id: w.name, name: w.name, threads: 0, memoryLimit: 0, status: w.state }));
  }

  async connectionInfo(id: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const c = await this.client.get(this.numericId(id), signal);
    return {
      schedulerAddress: `coiled://${this.opts.workspace}/${c.name}`,
      dashboardUrl: c.dashboardAddress,
      dashboardAuth: {},
      clientCode: pythonClientCode({ kind: 'coiled', clusterName: c.name, workspace: this.opts.workspace }),
    };
  }

  /** Adds workers (POST n_workers) or removes the newest ones by name (DELETE ?name=...). */
  async scale(id: string, workers: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(workers) || workers < 0) throw new InvalidInputError(`Worker count must be a whole number ≥ 0, got ${workers}.`);
    const n = this.numericId(id);
    const c = await this.client.get(n, signal);
    if (STATUS[c.state] !== 'running' && STATUS[c.state] !== 'pending') {
      throw new PangeoError('Conflict', `Coiled cluster ${c.name} is ${c.state}${c.reason ? ` (${c.reason})` : ''}; it cannot be scaled.`, 'Refresh the list.');
    }
    const live = c.workers.filter((w) => LIVE_WORKER.has(w.state));
    if (workers > live.length) await this.client.scaleUp(n, workers - live.length, signal);
    else if (workers < live.length) await this.client.scaleDown(n, live.slice(workers).map((w) => w.name), signal);
  }

  async adapt(): Promise<void> {
    throw new InvalidInputError('Coiled clusters scale adaptively from Python (cluster.adapt()), not through its REST API.',
      'Use a fixed size here, or call cluster.adapt(minimum=..., maximum=...) in your notebook.');
  }

  async stop(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.delete(this.numericId(id), signal);
  }

  private numericId(id: string): number {
    const n = Number(id);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidInputError(`"${id}" is not a Coiled cluster id.`, 'Use the numeric id shown by `dask clusters`.');
    return n;
  }

  private summarize(c: CoiledCluster): ClusterSummary {
    return {
      id: String(c.id),
      name: c.name,
      status: STATUS[c.state] ?? 'pending',
      workers: c.workers.filter((w) => w.state === 'started' || w.state === 'running').length,
      threads: 0,
      memory: 0,
      startedAt: c.created,
      dashboardUrl: c.dashboardAddress,
      schedulerAddress: `coiled://${this.opts.workspace}/${c.name}`,
      provider: 'coiled',
      message: c.reason,
    };
  }
}
