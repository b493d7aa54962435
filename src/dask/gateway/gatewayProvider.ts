// Dask Gateway as a ClusterProvider: the REST calls of GatewayClient, plus worker counts read from each cluster's
// dashboard through the gateway's proxy (/clusters/<name>/json/identity.json), so scaling is confirmed by the scheduler.
import { InvalidInputError, isPangeoError, PangeoError, TimeoutError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import { silentLogger } from '../../core/log';
import { validateOptions, type ClusterOptionField, type ClusterOptionValues } from '../clusterOptions';
import type { ClusterProvider, ClusterStatus, ClusterSummary, ConnectionInfo, Notify, ProviderCapabilities, WorkerSummary } from '../clusterProvider';
import { adaptiveFromSchedulerLog, countFromGatewayMessage, type AdaptiveState } from './gatewayAdaptive';
import { pythonClientCode } from '../clientCode';
import { SchedulerHttp, sizeFromIdentity, workersFromIdentity } from '../scheduler/schedulerHttp';
import { gatewayAuthHeader, type GatewayAuth } from './gatewayAuth';
import { withWorkerEnvironment } from './gatewayEnvironment';
import { GatewayClient, type GatewayAnswer, type GatewayCluster } from './gatewayClient';

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
  /** How long one call to the gateway may take in all, retries included (default 30 s). */
  timeoutMs?: number;
  /** What to do when a call took too long (the CLI names its --timeout). */
  timeoutHint?: string;
  /** The JupyterHub that checks this gateway's tokens (default: derived from a …/services/dask-gateway/ address). */
  hubUrl?: string;
  /** How long scale/adapt wait for a cluster that is still starting before they give up (ms). */
  startTimeoutMs?: number;
  /** Where browsers reach the gateway (gateway.public-address), for dashboard links. */
  publicUrl?: string;
  /** Where the address was configured (DASK_GATEWAY__ADDRESS, a Dask config file), named when it does not answer. */
  addressSource?: string;
  /** Environment for a new cluster's workers (the user's consented AWS credentials), given through the `environment` option when offered. */
  workerEnv?: () => Promise<Record<string, string> | undefined>;
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

  constructor(private readonly opts: GatewayProviderOptions) {
    this.client = new GatewayClient({
      url: opts.url, auth: opts.auth, logger: opts.logger, fetch: opts.fetch, hubUrl: opts.hubUrl, timeoutMs: opts.timeoutMs, timeoutHint: opts.timeoutHint,
      publicUrl: opts.publicUrl, addressSource: opts.addressSource,
    });
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

  /** Active clusters, and those still stopping (the gateway stops them in the background, for seconds). */
  async list(signal?: AbortSignal): Promise<ClusterSummary[]> {
    const clusters = await this.client.list(['PENDING', 'RUNNING', 'STOPPING'], signal);
    return Promise.all(clusters.map((c) => this.summarize(c, signal)));
  }

  optionsSchema(signal?: AbortSignal): Promise<ClusterOptionField[]> {
    return this.client.options(signal);
  }

  async create(options: ClusterOptionValues, signal?: AbortSignal): Promise<ClusterSummary> {
    // Checked here first so the user hears about every bad field before a round trip; the gateway checks again.
    const fields = await this.client.options(signal);
    const env = await this.opts.workerEnv?.();
    const withEnv = env ? withWorkerEnvironment(fields, options, env) : undefined;
    if (withEnv) this.logger.info(`gateway cluster: ${Object.keys(env ?? {}).length} variable(s) for the workers through its "environment" option`);
    const checked = validateOptions(fields, withEnv ?? options);
    const name = await this.client.create(checked, signal);
    this.logger.info(`gateway cluster ${name} submitted`);
    return this.get(name, signal);
  }

  async get(id: string, signal?: AbortSignal): Promise<ClusterSummary> {
    return this.summarize(await this.client.get(id, { signal }), signal);
  }

  /** The gateway keeps stopped and failed clusters for a while (not listed as active): by name, or undefined. */
  async findEnded(name: string, signal?: AbortSignal): Promise<ClusterSummary | undefined> {
    try {
      return await this.get(name, signal);
    } catch (e) {
      if (isPangeoError(e, 'NotFound')) return undefined;
      throw e;
    }
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
      dashboardAuthorization: () => gatewayAuthHeader(this.opts.auth),
      clientCode: pythonClientCode({
        kind: 'gateway', gatewayUrl: this.client.url.replace(/\/$/, ''), clusterName: c.name,
        auth: this.opts.auth.type, proxyAddress: this.opts.proxyAddress,
      }),
    };
  }

  async scale(id: string, workers: number, signal?: AbortSignal, notify?: Notify): Promise<void> {
    if (!Number.isInteger(workers) || workers < 0) throw new InvalidInputError(`Worker count must be a whole number ≥ 0, got ${workers}.`);
    // The gateway's scheduler switches adaptive scaling off itself on a fixed size (scheduler_preload.py).
    const answer = await this.whenRunning(id, `scaled to ${workers} workers`, notify, signal, () => this.client.scale(id, workers, signal));
    let target = workers;
    if (answer.message) {
      notify?.(`Dask Gateway: ${answer.message}`);
      this.logger.warn(`gateway cluster ${id}: ${answer.message}`);
      target = countFromGatewayMessage(answer.message) ?? target;
    }
    const timeoutMs = this.opts.confirmTimeoutMs ?? 120_000;
    if (timeoutMs > 0) await this.confirmSize(id, target, timeoutMs, signal);
  }

  async adapt(id: string, minimum: number, maximum: number, signal?: AbortSignal, notify?: Notify): Promise<void> {
    if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum < minimum) {
      throw new InvalidInputError(`Adaptive bounds must satisfy 0 ≤ minimum ≤ maximum, got ${minimum}…${maximum}.`);
    }
    const answer = await this.whenRunning(id, `made adaptive (${minimum}–${maximum})`, notify, signal,
      () => this.client.adapt(id, minimum, maximum, true, signal));
    // The bounds used are read back from the scheduler's log by get(); the gateway's own words are passed on now.
    if (answer.message) {
      notify?.(`Dask Gateway: ${answer.message}`);
      this.logger.warn(`gateway cluster ${id}: ${answer.message}`);
    }
  }

  /** Asks the gateway to stop the cluster; it stops in the background (status STOPPING, then STOPPED). */
  async stop(id: string, signal?: AbortSignal): Promise<void> {
    await this.client.stop(id, signal);
  }

  /** Waits until the gateway no longer lists the cluster as stopping (or the timeout passes); returns its last status. */
  async waitUntilStopped(id: string, timeoutMs = 60_000, signal?: AbortSignal): Promise<ClusterStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await this.client.get(id, { signal });
      if (c.status !== 'STOPPING' && c.status !== 'RUNNING' && c.status !== 'PENDING') return STATUS[c.status];
      if (Date.now() > deadline) return STATUS[c.status];
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /**
   * Runs a scale/adapt request. The gateway refuses it with 409 "cluster … is not running" while the cluster is still
   * starting: then we say so, wait until it runs, and send it again once.
   */
  private async whenRunning(id: string, what: string, notify: Notify | undefined, signal: AbortSignal | undefined,
    send: () => Promise<GatewayAnswer>): Promise<GatewayAnswer> {
    try {
      return await send();
    } catch (e) {
      if (!(e instanceof PangeoError) || e.kind !== 'Conflict' || !/is not running/.test(e.serverMessage ?? e.message)) throw e;
      const c = await this.client.get(id, { signal });
      if (c.status !== 'PENDING') {
        throw new PangeoError('Conflict', `Gateway cluster ${id} is ${c.status.toLowerCase()}: it cannot be ${what}.`,
          c.status === 'RUNNING' ? 'Its scheduler did not answer the gateway; retry in a moment.' : 'Create a new cluster if you still need one.', e.details);
      }
      notify?.(`Cluster ${id} is still starting: it will be ${what} as soon as it runs.`);
      await this.waitUntilRunning(id, this.opts.startTimeoutMs ?? 300_000, signal);
      return send();
    }
  }

  private dashboard(name: string): SchedulerHttp {
    return new SchedulerHttp(this.client.http.withBase(`${this.client.url}clusters/${encodeURIComponent(name)}/`, { timeoutMs: 5000, retries: 0 }));
  }

  private async summarize(c: GatewayCluster, signal?: AbortSignal): Promise<ClusterSummary> {
    const summary: ClusterSummary = {
      id: c.name, name: c.name, status: STATUS[c.status], workers: 0, threads: 0, memory: 0, startedAt: c.startTime,
      dashboardUrl: this.client.dashboardUrl(c.dashboardRoute), schedulerAddress: `${this.schedulerProxy}/${c.name}`,
      provider: 'gateway',
    };
    if (c.status !== 'RUNNING') return summary;
    try {
      const [identity, adaptive] = await Promise.all([this.dashboard(c.name).identity(signal), this.adaptiveState(c.name, signal)]);
      return { ...summary, ...sizeFromIdentity(identity), startedAt: c.startTime, ...adaptiveFields(adaptive) };
    } catch (e) {
      if (e instanceof PangeoError && e.kind === 'Cancelled') throw e;
      // The gateway says running but its scheduler does not answer: say so instead of showing 0 workers.
      return { ...summary, status: 'unreachable', message: `The scheduler does not answer: ${e instanceof PangeoError ? e.message : String(e)}` };
    }
  }

  /** Whether the cluster adapts, as its scheduler's log says (see gatewayAdaptive.ts); unknown when the log cannot be read. */
  private async adaptiveState(name: string, signal?: AbortSignal): Promise<AdaptiveState> {
    try {
      const res = await this.dashboard(name).http.request({ path: 'info/main/logs.html', signal });
      return adaptiveFromSchedulerLog(await res.text());
    } catch (e) {
      if (isPangeoError(e, 'Cancelled')) throw e;
      return { kind: 'unknown', why: `the scheduler's log could not be read (${isPangeoError(e) ? e.message : String(e)})` };
    }
  }

  /** Polls until the scheduler reports `target` workers (the gateway's limit, when it said it scaled to that instead). */
  private async confirmSize(id: string, target: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = -1;
    for (;;) {
      const c = await this.client.get(id, { signal });
      if (c.status !== 'RUNNING') {
        throw new PangeoError('Conflict', `Gateway cluster ${id} became ${c.status.toLowerCase()} while scaling to ${target} workers.`,
          'Its workers are gone; create a new cluster if you still need one.');
      }
      try {
        last = Object.keys((await this.dashboard(id).identity(signal)).workers).length;
        if (last === target) return;
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

function adaptiveFields(state: AdaptiveState): Pick<ClusterSummary, 'adaptive' | 'adaptiveUnknown'> {
  if (state.kind === 'adaptive') return { adaptive: { minimum: state.minimum, maximum: state.maximum } };
  return state.kind === 'unknown' ? { adaptiveUnknown: state.why } : {};
}
