// Polls one scheduler's HTTP routes with the provider's headers and turns the answers into ClusterSamples.
import { isPangeoError, PangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import type { AuthHeader } from '../../core/http/httpClient';
import { notAScheduler, SchedulerHttp } from '../../dask/scheduler/schedulerHttp';
import type { SchedulerCounts } from '../../dask/scheduler/schedulerPayloads';
import { SampleContext, sampleFromRows } from './clusterSample';
import type { ClusterSample } from '../../shared/dashboard/sampleModel';
import { IdentityRejected, IdentityRowsReader, type IdentityRows, type IdentityThreadHttp } from './identityRows';
import { IdentityOffThread, IdentityThreadFailed, type ThreadPoll } from './identityOffThread';
import { readMetricsPage, type MetricsPage } from './metricsPage';
import { diffWorkers, WorkerDiff } from './workerDiff';
import type { SamplerState } from '../../shared/dashboard/feedStatus';


export interface DashboardConnection {
  /** The scheduler's dashboard address, e.g. http://127.0.0.1:8787/ or a Gateway's /clusters/<name>/status. */
  dashboardUrl: string;
  /** Headers the dashboard needs (e.g. Authorization for a Gateway or a hub service). */
  headers?: Record<string, string>;
  /** The current Authorization, asked at each request and reconnect: it wins over `headers` (tokens are renewed). */
  authorization?: AuthHeader;
}


/** identity.json as fetched here (bytes to read), or fetched and read on the worker thread for the time `at`. */
type FetchedIdentity = { fetched: { url: string; bytes: Uint8Array } } | { read: IdentityRows; at: number };

export interface SamplerOptions {
  timeoutMs?: number;
  /** Consecutive failures before the cluster counts as stopped. */
  stoppedAfter?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * identity.json from this size on (bytes; default 256 KiB, ~300 workers) is read on a worker thread, from then on
   * for this sampler; `false`: always on the calling thread. `script` is the bundled thread (tests build their own).
   */
  identityThread?: false | { aboveBytes?: number; script?: string };
}

export type PollResult =
  | { ok: true; sample: ClusterSample; diff: WorkerDiff; state: 'live'; recovered: boolean; restarted: boolean }
  | { ok: false; state: SamplerState; error: PangeoError | Error; failures: number };

export interface PlotsInfo {
  /** Title → absolute URL of each individual-* bokeh plot. */
  plots: Record<string, string>;
  /** Why no plots are offered, when none are. */
  reason?: string;
  /** Whether the scheduler serves bokeh pages at all (false: its /status page only says bokeh is missing). */
  fullDashboard: boolean;
}

export class SchedulerSampler {
  readonly scheduler: SchedulerHttp;
  private previous?: ClusterSample;
  private failures = 0;
  private current: SamplerState = 'connecting';
  /** undefined until asked; false once /metrics answered 404 (no prometheus_client). */
  private metricsServed?: boolean;
  private checkIdleServed?: boolean;
  private context = new SampleContext();
  private contextFor?: string;
  private lastIdentity?: IdentityRows;
  /** What the last read knew had changed (the worker thread diffs as it reads), for the poll that made it. */
  private lastKnown?: IdentityRows['known'];
  private readonly identityHere = new IdentityRowsReader();
  private identityThread?: IdentityOffThread;
  private staleIdentity = false;
  private readonly stoppedAfter: number;
  private readonly now: () => number;
  private readonly logger?: Logger;
  private readonly threadOptions: SamplerOptions['identityThread'];
  /** Where the thread fetches identity.json itself; undefined when the caller's `fetch` is used (a thread cannot take it). */
  private readonly threadHttp?: IdentityThreadHttp;

  constructor(readonly connection: DashboardConnection, opts: SamplerOptions = {}) {
    this.scheduler = SchedulerHttp.at(connection.dashboardUrl, {
      headers: connection.headers,
      authorization: connection.authorization,
      timeoutMs: opts.timeoutMs ?? 5000,
      // The poll itself is the retry: a failed tick is counted, not hidden.
      retries: 0,
      logger: opts.logger,
      fetch: opts.fetch,
    });
    this.stoppedAfter = opts.stoppedAfter ?? 3;
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
    this.threadOptions = opts.identityThread;
    if (!opts.fetch) this.threadHttp = { baseUrl: this.scheduler.baseUrl, headers: connection.headers, timeoutMs: opts.timeoutMs ?? 5000 };
  }

  /** Ends the identity.json thread, if one was started. */
  dispose(): void {
    this.identityThread?.dispose();
  }

  /** Whether identity.json is read on a worker thread now. */
  get readsOffThread(): boolean {
    return this.identityThread?.running ?? false;
  }

  get state(): SamplerState {
    return this.current;
  }

  get lastSample(): ClusterSample | undefined {
    return this.previous;
  }

  /** Whether the last sample's worker data is identity.json's last good answer (it answered 500 since). */
  get identityStale(): boolean {
    return this.staleIdentity;
  }

  /** One tick: fetch, parse, diff against the previous sample, update the state. */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    try {
      const sample = await this.sample(signal);
      const wasDown = this.current === 'unreachable' || this.current === 'stopped';
      const restarted = this.previous !== undefined && this.previous.schedulerId !== sample.schedulerId;
      // The thread's diff holds when it was made against the rows of the previous sample (not after a cancelled tick).
      const known = !restarted && this.previous && this.lastKnown?.from === this.previous.workerRows ? this.lastKnown.diff : undefined;
      const diff = known ?? diffWorkers(restarted ? undefined : this.previous?.workerRows, sample.workerRows);
      if (restarted) diff.removed = this.previous!.workerRows.map((r) => r.address).filter((a) => !sample.workerRows.some((r) => r.address === a));
      this.previous = sample;
      this.failures = 0;
      this.current = 'live';
      return { ok: true, sample, diff, state: 'live', recovered: wasDown, restarted };
    } catch (e) {
      if (isPangeoError(e, 'Cancelled')) throw e;
      this.failures++;
      // Auth errors never mean "stopped": the cluster is there, we may not look.
      const auth = isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden');
      this.current = !auth && this.failures >= this.stoppedAfter ? 'stopped' : 'unreachable';
      return { ok: false, state: this.current, error: e as Error, failures: this.failures };
    }
  }

  /** Fetches counts, identity and (when served) /metrics concurrently; no state change. */
  async sample(signal?: AbortSignal): Promise<ClusterSample> {
    // Once identity.json is read on the thread, the thread fetches all three (one message a poll for this thread).
    const thread = this.identityThread;
    const [counts, identity, metrics] = (thread?.fetches && await this.pollOnThread(thread, signal)) || await Promise.all([
      this.scheduler.counts(signal),
      this.identityOrLast(signal),
      this.fetchMetrics(signal),
    ]);
    // Rows read on the thread as it fetched were read for the time the poll began.
    const time = 'read' in identity ? identity.at : this.now();
    let read: IdentityRows;
    if ('last' in identity) [read, this.lastKnown] = [identity.last, undefined];
    else {
      read = this.lastIdentity = 'read' in identity ? identity.read : await this.readIdentity(identity.fetched, time, signal);
      this.lastKnown = read.known;
    }
    const { head, rows } = read;
    // A restarted scheduler starts its counters and histories afresh.
    if (head.id !== this.contextFor) [this.context, this.contextFor] = [new SampleContext(), head.id];
    return sampleFromRows(time, counts, head, rows, metrics, this.context);
  }

  /** identity.json fetched here, or its last good answer (identityOrLast). */
  private async identityOrLast(signal?: AbortSignal): Promise<FetchedIdentity | { last: IdentityRows }> {
    try {
      const fetched = { fetched: await this.scheduler.identityBytes(signal) };
      this.staleIdentity = false;
      return fetched;
    } catch (e) {
      return this.lastIdentityFor(e);
    }
  }

  /**
   * Dask ≥ 2023.4 answers identity.json with a 500 while tasks run (heartbeat metrics with tuple keys; see
   * docs/dask-dashboard-sources.md): a live scheduler then keeps its last worker data instead of counting as down.
   * Any other failure is thrown.
   */
  private lastIdentityFor(e: unknown): { last: IdentityRows } {
    if (!(this.lastIdentity && isPangeoError(e, 'UnexpectedResponse') && e.status === 500)) throw e;
    this.staleIdentity = true;
    return { last: this.lastIdentity };
  }

  /**
   * The three routes fetched on the thread with this poll's Authorization, identity.json read there; undefined when the
   * thread failed (the caller fetches them here). The errors are those the same answers give here, counts.json's first.
   */
  private async pollOnThread(thread: IdentityOffThread, signal?: AbortSignal): Promise<[SchedulerCounts, FetchedIdentity | { last: IdentityRows }, MetricsPage | undefined] | undefined> {
    const at = this.now();
    let polled: ThreadPoll;
    try {
      polled = await thread.fetch(at, await this.scheduler.http.authorizationHeader(), { metrics: this.metricsServed !== false }, signal);
    } catch (e) {
      if (e instanceof IdentityThreadFailed) return undefined;
      throw e;
    }
    if (!polled.counts.ok) throw polled.counts.error;
    let identity: FetchedIdentity | { last: IdentityRows };
    if (polled.identity.ok) {
      identity = { read: polled.identity.value, at };
      this.staleIdentity = false;
    } else {
      const e = polled.identity.error;
      if (e instanceof IdentityRejected) throw notAScheduler(e.url ?? this.scheduler.http.resolve('json/identity.json').toString(), e.message);
      identity = this.lastIdentityFor(e);
    }
    if (polled.metrics && !polled.metrics.ok) throw polled.metrics.error;
    return [polled.counts.value, identity, polled.metrics && this.metricsPage(polled.metrics.value)];
  }

  /** Big answers go to the worker thread (it keeps the rows' history from then on); small ones, or a failed thread, here. */
  private async readIdentity(fetched: { url: string; bytes: Uint8Array }, at: number, signal?: AbortSignal): Promise<IdentityRows> {
    let { url, bytes } = fetched;
    try {
      const thread = this.threadFor(bytes.length);
      if (thread) {
        try {
          return await thread.read(bytes, at);
        } catch (e) {
          if (!(e instanceof IdentityThreadFailed)) throw e;
          // The thread failed with the bytes it was given (rare): ask once more and read them here.
          if (bytes.byteLength === 0) ({ url, bytes } = await this.scheduler.identityBytes(signal));
        }
      }
      return this.identityHere.read(bytes, at);
    } catch (e) {
      if (e instanceof IdentityRejected) throw notAScheduler(url, e.message);
      throw e;
    }
  }

  private threadFor(size: number): IdentityOffThread | undefined {
    const opts = this.threadOptions;
    if (opts === false) return undefined;
    // A thread that fetches may take the request's two timeouts (headers, then body) before it reads: it is not stuck then.
    const patience = this.threadHttp && 2 * this.threadHttp.timeoutMs + 10_000;
    if (!this.identityThread && size >= (opts?.aboveBytes ?? 256 * 1024)) this.identityThread = new IdentityOffThread(opts?.script, this.logger, patience, this.threadHttp);
    return this.identityThread?.usable ? this.identityThread : undefined;
  }

  private async fetchMetrics(signal?: AbortSignal): Promise<MetricsPage | undefined> {
    if (this.metricsServed === false) return undefined;
    return this.metricsPage(await this.scheduler.metricsText(signal));
  }

  /** /metrics' text read; undefined (404) means the scheduler has no prometheus_client: it is not asked again. */
  private metricsPage(text: string | undefined): MetricsPage | undefined {
    this.metricsServed = text !== undefined;
    return text === undefined ? undefined : readMetricsPage(text);
  }

  /** Bokeh plots the scheduler serves, and whether a webview can show them (it cannot send our headers). */
  async plots(signal?: AbortSignal): Promise<PlotsInfo> {
    let paths: Record<string, string>;
    try {
      paths = await this.scheduler.plotPaths(signal);
    } catch (e) {
      // Unknown whether bokeh is there: keep the way to the browser open.
      return { plots: {}, reason: `The plot list could not be read: ${(e as Error).message}`, fullDashboard: true };
    }
    if (Object.keys(paths).length === 0) {
      return { plots: {}, reason: 'The scheduler serves no bokeh plots (bokeh is not installed there); the charts here need none.', fullDashboard: false };
    }
    if (Object.keys(this.connection.headers ?? {}).length > 0) {
      return { plots: {}, reason: 'The scheduler\'s bokeh plots need credentials an embedded page cannot send; open the full dashboard in the browser instead.', fullDashboard: true };
    }
    const plots: Record<string, string> = {};
    for (const [title, path] of Object.entries(paths)) plots[title] = new URL(path.replace(/^\//, ''), this.scheduler.baseUrl).toString();
    return { plots, fullDashboard: true };
  }

  /** `idle_since` (epoch ms) from /api/v1/check_idle (distributed ≥ 2023.3.2 with the api route); undefined when not served. */
  async idleSince(signal?: AbortSignal): Promise<number | null | undefined> {
    if (this.checkIdleServed === false) return undefined;
    try {
      const since = await this.scheduler.idleSince(signal);
      this.checkIdleServed = since !== undefined;
      return since;
    } catch {
      return undefined;
    }
  }
}
