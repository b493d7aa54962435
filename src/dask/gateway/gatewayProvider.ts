// Dask Gateway as a ClusterProvider: the REST calls of GatewayClient, plus worker counts read from each cluster's
// dashboard through the gateway's proxy (/clusters/<name>/json/identity.json), so scaling is confirmed by the scheduler.
import { InvalidInputError, PangeoError, TimeoutError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import { validateOptions, type ClusterOptionField, type ClusterOptionValues } from '../clusterOptions';
import type { ClusterProvider, ClusterStatus, ClusterSummary, ConnectionInfo, ProviderCapabilities, WorkerSummary } from '../clusterProvider';
import { pythonClientCode } from '../clientCode';
import { SchedulerHttp, sizeFromIdentity, workersFromIdentity } from '../scheduler/schedulerHttp';
import { gatewayAuthHeader, type GatewayAuth } from './gatewayAuth';
import { GatewayClient, type GatewayCluster } from './gatewayClient';

export const GATEWAY_CAPABILITIES: ProviderCapabilities = {
  create: true, options: true, scaleUp: true, scaleDown: true, adapt: true, stop: true, workers: true,
};

export interface GatewayProviderOptions {
  url: string;
  auth: GatewayAuth;
  /** Where schedulers are reached (`gateway://host:port`); default: the gateway's own host and port. */
  proxyAddress?: string;
  logger?: Logger;
  label?: string;
  /** How long scale() waits for the scheduler to report the new size; 0 = return once the gateway accepted. */
  confirmTimeoutMs?: number;
  fetch?: typeof fetch;
}

const STATUS: Record<GatewayCluster['status'], ClusterStatus> = {
  PENDING: 'pending', RUNNING: 'running', STOPPING: 'stopping', STOPPED: 'stopped', FAILED: 'failed',
};

export class GatewayProvider implements ClusterProvider {
  readonly kind = 'gateway' as const;
  readonly id: string;
  readonly label: string;
  readonly capabilities = GATEWAY_CAPABILITIES;
  readonly client: GatewayClient;
  private readonly logger: Logger;
  /** Adaptive bounds we set, shown in the tree (the gateway does not report them). */
  private readonly adaptive = new Map<string, { minimum: number; maximum: number }>();

  constructor(private readonly opts: GatewayProviderOptions) {
    this.client = new GatewayClient({ url: opts.url, auth: opts.auth, logger: opts.logger, fetch: opts.fetch });
    this.id = `gateway:${this.client.url}`;
    this.label = opts.label ?? `Dask Gateway ${new URL(this.client.url).host}`;
    this.logger = opts.logger ?? silentLogger;
  }

  get schedulerProxy(): string {
    if (this.opts.proxyAddress) {
      const p = this.opts.proxyAddress.replace(/^\w+:\/\//, '');
      return `gateway://${p.replace(/\/.*$/, '')}`;
    }
    const u = new URL(this.client.url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `gateway://${u.hostname}:${port}`;
  }

  async list(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const clusters = await this.client.list(['PENDING', 'RUNNING'], signal);
    return Promise.all(clusters.map((c) => this.summarize(c, signal)));
  }

  optionsSchema(signal?: AbortSignal): Promise<ClusterOptionField[]> {
    return this.client.options(signal);
  }

  async create(options: ClusterOptionValues, signal?: AbortSignal): Promise<ClusterSummary> {
    // Checked here first so the user hears about every bad field before a round trip; the gateway checks again.
    const checked = validateOptions(await this.client.options(signal), options);
    const name = await this.client.create(checked, signal);
    this.logger.info(`gateway cluster ${name} submitted`);
    return this.get(name, signal);
  }

  async get(id: string, signal?: AbortSignal): Promise<ClusterSummary> {
    return this.summarize(await this.client.get(id, { signal }), signal);
  }

  /** Waits (long-polling `?wait`) until the cluster leaves PENDING. */
  async waitUntilRunning(id: string, timeoutMs = 120_000, signal?: AbortSignal): Promise<ClusterSummary> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.client.get(id, { wait: true, signal });
      if (c.status === 'RUNNING') return this.summarize(c, signal);
      if (c.status !== 'PENDING') {
        throw new PangeoError('Conflict', `Gateway cluster ${id} is ${c.status.toLowerCase()} instead of starting.`, 'See the gateway\'s logs for the reason.');
      }
      if (Date.now() > deadline) throw new TimeoutError(`gateway cluster ${id}`, timeoutMs);
    }
  }

  async workers(id: string, signal?: AbortSignal): Promise<WorkerSummary[]> {
    return workersFromIdentity(await this.dashboard(id).identity(signal));
  }

  async connectionInfo(id: string, signal?: AbortSignal): Promise<ConnectionInfo> {
    const c = await this.client.get(id, { signal });
    const header = await gatewayAuthHeader(this.opts.auth);
    return {
      schedulerAddress: `${this.schedulerProxy}/${c.name}`,
      dashboardUrl: this.client.dashboardUrl(c.dashboardRoute),
      dashboardAuth: header ? { Authorization: header } : {},
      clientCode: pythonClientCode({
        kind: 'gateway', gatewayUrl: this.client.url.replace(/\/$/, ''), clusterName: c.name,
        auth: this.opts.auth.type, proxyAddress: this.opts.proxyAddress,
      }),
    };
  }

  async scale(id: string, workers: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(workers) || workers < 0) throw new InvalidInputError(`Worker count must be a whole number ≥ 0, got ${workers}.`);
    // As in dask_gateway's GatewayCluster.scale: a fixed size switches adaptive scaling off first.
    if (this.adaptive.has(id)) {
      await this.client.adapt(id, null, null, false, signal);
      this.adaptive.delete(id);
    }
    await this.client.scale(id, workers, signal);
    const timeoutMs = this.opts.confirmTimeoutMs ?? 120_000;
    if (timeoutMs > 0) await this.confirmSize(id, workers, timeoutMs, signal);
  }

  async adapt(id: string, minimum: number, maximum: number, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum < minimum) {
      throw new InvalidInputError(`Adaptive bounds must satisfy 0 ≤ minimum ≤ maximum, got ${minimum}…${maximum}.`);
    }
    await this.client.adapt(id, minimum, maximum, true, signal);
    this.adaptive.set(id, { minimum, maximum });
  }

  async stop(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.stop(id, signal);
    this.adaptive.delete(id);
  }

  private dashboard(name: string): SchedulerHttp {
    return new SchedulerHttp(this.client.http.withBase(`${this.client.url}clusters/${encodeURIComponent(name)}/`, { timeoutMs: 5000, retries: 0 }));
  }

  private async summarize(c: GatewayCluster, signal?: AbortSignal): Promise<ClusterSummary> {
    const summary: ClusterSummary = {
      id: c.name, name: c.name, status: STATUS[c.status], workers: 0, threads: 0, memory: 0, startedAt: c.startTime,
      dashboardUrl: this.client.dashboardUrl(c.dashboardRoute), schedulerAddress: `${this.schedulerProxy}/${c.name}`,
      provider: 'gateway', adaptive: this.adaptive.get(c.name),
    };
    if (c.status !== 'RUNNING') return summary;
    try {
      const identity = await this.dashboard(c.name).identity(signal);
      return { ...summary, ...sizeFromIdentity(identity), startedAt: c.startTime };
    } catch (e) {
      if (e instanceof PangeoError && e.kind === 'Cancelled') throw e;
      // The gateway says running but its scheduler does not answer: say so instead of showing 0 workers.
      return { ...summary, status: 'unreachable', message: `The scheduler does not answer: ${e instanceof PangeoError ? e.message : String(e)}` };
    }
  }

  /** Polls until the scheduler reports `target` workers (or the gateway's maximum, when it clamped the request). */
  private async confirmSize(id: string, target: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    let stable = 0;
    for (;;) {
      const c = await this.client.get(id, { signal });
      if (c.status !== 'RUNNING') {
        throw new PangeoError('Conflict', `Gateway cluster ${id} became ${c.status.toLowerCase()} while scaling to ${target} workers.`,
          'Its workers are gone; create a new cluster if you still need one.');
      }
      try {
        const n = Object.keys((await this.dashboard(id).identity(signal)).workers).length;
        if (n === target) return;
        // A gateway clamps requests above its limit: a size that holds still below the target is accepted after a while.
        stable = n === last ? stable + 1 : 0;
        last = n;
        if (n < target && stable >= 20 && n > 0) {
          this.logger.warn(`gateway cluster ${id} settled at ${n} workers (asked ${target}): the gateway's limit`);
          return;
        }
      } catch (e) {
        if (e instanceof PangeoError && e.kind === 'Cancelled') throw e;
      }
      if (Date.now() > deadline) {
        throw new PangeoError('Timeout', `Gateway cluster ${id} did not reach ${target} workers within ${Math.round(timeoutMs / 1000)} s (last seen: ${last < 0 ? 'unknown' : last}).`,
          'The gateway may be short of resources; check the cluster in a minute.');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
