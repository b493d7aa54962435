// Attaches to schedulers started elsewhere, by their HTTP dashboard address (http://host:8787): read-only, except
// retiring workers through /api/v1/retire_workers when the scheduler serves that route.
import { InvalidInputError, PangeoError, TimeoutError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import type { ClusterOptionField } from '../clusterOptions';
import type { ClusterProvider, ClusterSummary, ConnectionInfo, ProviderCapabilities, WorkerSummary } from '../clusterProvider';
import { pythonClientCode } from '../clientCode';
import { normalizeDashboardRoot, SchedulerHttp, sizeFromIdentity, workersFromIdentity } from './schedulerHttp';

export const SCHEDULER_CAPABILITIES: ProviderCapabilities = {
  create: false, options: false, scaleUp: false, scaleDown: true, adapt: false, stop: false, workers: true,
};

export interface SchedulerAddressProviderOptions {
  /** The dashboard addresses the user attached (read on every list, so the editor can change them). */
  addresses: () => string[];
  logger?: Logger;
  timeoutMs?: number;
}

export class SchedulerAddressProvider implements ClusterProvider {
  readonly kind = 'scheduler' as const;
  readonly id = 'scheduler';
  readonly label = 'Scheduler addresses';
  readonly capabilities = SCHEDULER_CAPABILITIES;
  private readonly apiRoutes = new Map<string, boolean>();

  constructor(private readonly opts: SchedulerAddressProviderOptions) {}

  private client(id: string): SchedulerHttp {
    return SchedulerHttp.at(id, { timeoutMs: this.opts.timeoutMs ?? 5000 });
  }

  /** One row per scheduler: two addresses of the same one (localhost and 127.0.0.1) are listed once, as first attached. */
  async list(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const ids = [...new Set(this.opts.addresses().map(normalizeDashboardRoot))];
    const all = await Promise.all(ids.map((id) => this.summarize(id, signal)));
    const seen = new Set<string>();
    return all.filter(({ schedulerId }) => {
      if (!schedulerId) return true;
      if (seen.has(schedulerId)) return false;
      seen.add(schedulerId);
      return true;
    }).map((x) => x.summary);
  }

  async optionsSchema(): Promise<ClusterOptionField[]> {
    return [];
  }

  async create(): Promise<ClusterSummary> {
    throw new InvalidInputError('A scheduler address cannot create clusters.', 'Attach a running scheduler by its dashboard URL instead.');
  }

  async get(idOrUrl: string, signal?: AbortSignal): Promise<ClusterSummary> {
    return (await this.summarize(idOrUrl, signal)).summary;
  }

  /** The summary, and the scheduler's own id (identity.json `id`, unique per scheduler) when it answered. */
  private async summarize(idOrUrl: string, signal?: AbortSignal): Promise<{ summary: ClusterSummary; schedulerId?: string }> {
    const id = normalizeDashboardRoot(idOrUrl);
    const name = new URL(id).host;
    const base: ClusterSummary = {
      id, name, status: 'running', workers: 0, threads: 0, memory: 0, provider: 'scheduler', dashboardUrl: `${id}status`,
    };
    const http = this.client(id);
    try {
      const identity = await http.identity(signal);
      if (!this.apiRoutes.has(id)) this.apiRoutes.set(id, await http.hasApi(signal));
      const canRetire = this.apiRoutes.get(id) === true;
      return {
        schedulerId: typeof identity.id === 'string' ? identity.id : undefined,
        summary: {
          ...base, ...sizeFromIdentity(identity), schedulerAddress: identity.address,
          capabilities: { scaleDown: canRetire },
          message: canRetire ? undefined : 'Read-only: this scheduler does not serve /api/v1/retire_workers.',
        },
      };
    } catch (e) {
      if (e instanceof PangeoError && e.kind === 'Cancelled') throw e;
      return { summary: { ...base, status: 'unreachable', capabilities: { scaleDown: false }, message: e instanceof PangeoError ? e.userMessage : String(e) } };
    }
  }

  async workers(id: string, signal?: AbortSignal): Promise<WorkerSummary[]> {
    return workersFromIdentity(await this.client(id).identity(signal));
  }

  async connectionInfo(id: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const root = normalizeDashboardRoot(id);
    const identity = await this.client(root).identity(signal);
    return { schedulerAddress: identity.address, dashboardUrl: `${root}status`, dashboardAuth: {}, clientCode: pythonClientCode({ kind: 'address', address: identity.address }) };
  }

  /** Shrinks by retiring workers (the scheduler picks which, moving their data first). Growing is not possible here. */
  async scale(id: string, workers: number, signal?: AbortSignal): Promise<void> {
    const http = this.client(id);
    const current = Object.keys((await http.identity(signal)).workers).length;
    if (!Number.isInteger(workers) || workers < 0) throw new InvalidInputError(`Worker count must be a whole number ≥ 0, got ${workers}.`);
    if (workers > current) {
      throw new InvalidInputError(`This scheduler has ${current} worker(s); an attached scheduler can only shrink.`,
        'Start more workers where the scheduler runs, or use a provider that manages the cluster.');
    }
    if (workers === current) return;
    if (!(await http.hasApi(signal))) {
      throw new InvalidInputError('This scheduler does not serve /api/v1/retire_workers.',
        'Add "distributed.http.scheduler.api" to distributed.scheduler.http.routes where the scheduler runs.');
    }
    const { retired } = await http.retireWorkers({ n: current - workers }, signal);
    (this.opts.logger ?? silentLogger).info(`retired ${retired.length} worker(s) of ${id}`);
    const deadline = Date.now() + 30_000;
    while (Object.keys((await http.identity(signal)).workers).length > workers) {
      if (Date.now() > deadline) throw new TimeoutError(`retiring workers of ${id}`, 30_000);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async adapt(): Promise<void> {
    throw new InvalidInputError('An attached scheduler cannot scale adaptively.', 'Adaptive scaling needs a provider that can start workers.');
  }

  async stop(): Promise<void> {
    throw new InvalidInputError('An attached scheduler is not ours to stop.', 'Detach it from the list instead.');
  }
}
