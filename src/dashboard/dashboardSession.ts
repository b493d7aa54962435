// One open dashboard without the editor: polls the scheduler while visible and streams typed messages to the webview.
import { isPangeoError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import type { Logger } from '../core/log';
import { SampleSeries } from '../shared/dashboard/sampleSeries';
import { PollLoop } from '../core/pollLoop';
import { SchedulerSampler, type SamplerOptions } from './metrics/schedulerSampler';
import type { SamplerState } from '../shared/dashboard/feedStatus';
import type { ClusterSample } from '../shared/dashboard/sampleModel';
import { AdaptiveBounds, HostMessage, isWebviewMessage, WebviewMessage, type WorkersUpdate } from '../shared/protocol/panels';
import { summarize } from '../shared/dashboard/sampleSummary';
import type { WorkerDiff } from './metrics/workerDiff';
import type { DashboardConnection } from './metrics/schedulerSampler';
import type { EventstreamConnection, EventstreamOptions } from './metrics/eventstreamConnection';
import { prefixTimingsFromBars } from './metrics/prefixTimings';
import { TaskStreamFeed } from './taskStreamFeed';
import type { TaskBar } from '../shared/dashboard/taskStreamModel';
import { KernelProbeFeed, type ProbeKernels } from './kernelProbeFeed';
import { ProbeOverlay } from './metrics/probeOverlay';
import { diffWorkers } from './metrics/workerDiff';
import type { WorkerRow } from '../shared/dashboard/workerFields';
import { WorkerSlotsSender } from '../shared/dashboard/workerSlots';
import type { DashboardTarget } from './dashboardSources';
import { answerRequest } from '../shared/protocol/requests';

export interface DashboardSessionOptions {
  intervalMs?: number;
  seriesCapacity?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  openExternal?: (url: string) => void;
  /** The clock samples and gaps are stamped with (tests replay minutes in milliseconds). */
  now?: () => number;
  /** Asks the user before scaling above a threshold; resolves false to cancel. */
  confirmScale?: (workers: number) => Promise<boolean>;
  /** Opens the scheduler's /eventstream (tests replay recorded frames). */
  openEventstream?: (opts: EventstreamOptions) => Promise<EventstreamConnection>;
  /** Notebook kernels with a Dask client, for occupancy and current work (the kernel probe); none: not probed. */
  probeKernels?: ProbeKernels;
  /** How often the kernel probe runs while the panel is visible (ms). */
  probeIntervalMs?: number;
  /** Where identity.json is read (the sampler's default: a worker thread from ~300 workers; the benchmark names its bundle). */
  identityThread?: SamplerOptions['identityThread'];
}

/** One line for the webview: the typed error's message and hint, with secrets masked. */
function describeError(e: unknown): string {
  return redact(isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e));
}

export class DashboardSession {
  private sampler?: SchedulerSampler;
  private readonly series: SampleSeries;
  private readonly loop: PollLoop;
  private ready = false;
  private visible = false;
  /** Whether the webview has the full table; until then the next sample is sent as a reset. */
  private tableSent = false;
  private lastState?: SamplerState;
  private lastMessage?: string;
  private lastConfirmed = false;
  private dashboardUrl = '';
  /** Whether the series already ends in a gap (one per outage). */
  private inGap = false;
  /** The bounds last sent (JSON), so they are posted only when they change. */
  private sentAdaptive?: string;
  private connection?: DashboardConnection;
  /** Whether the user switched the live task stream on (it runs only while the panel is visible). */
  private wantTaskStream = false;
  private readonly taskStream: TaskStreamFeed;
  /** Occupancy and executing keys from a notebook kernel's Dask client (only when kernels are offered). */
  private readonly probeFeed?: KernelProbeFeed;
  private readonly overlay = new ProbeOverlay();
  /** The rows the webview has (with the probe's values), so probe answers between samples go as a diff. */
  private sentRows?: WorkerRow[];
  /** Whether the webview's rows carry probe values: until they do (and after they are cleared) the sampler's diff is used as is. */
  private sentOverlaid = false;
  private sentMemoryFromProbe = false;
  /** Each worker's slot in the page's table and the row it holds there: only changed text crosses (workerSlots.ts). */
  private readonly slots = new WorkerSlotsSender();

  constructor(readonly target: DashboardTarget, private readonly post: (m: HostMessage) => void, private readonly opts: DashboardSessionOptions = {}) {
    this.series = new SampleSeries(opts.seriesCapacity ?? 720);
    this.taskStream = new TaskStreamFeed({ open: opts.openEventstream, onUpdate: () => this.sendTaskStream() });
    this.loop = new PollLoop((signal) => this.tick(signal), { intervalMs: opts.intervalMs ?? 2000, slowIntervalMs: 15_000 });
    if (opts.probeKernels) {
      this.probeFeed = new KernelProbeFeed({
        kernels: opts.probeKernels, intervalMs: opts.probeIntervalMs, now: opts.now,
        schedulerId: () => this.sampler?.lastSample?.schedulerId,
        schedulerAddress: () => this.sampler?.lastSample?.schedulerAddress,
        onUpdate: () => this.sendProbe(),
      });
    }
  }

  /** The kernel probe's feed, when this dashboard has one (tests). */
  get kernelProbe(): KernelProbeFeed | undefined {
    return this.probeFeed;
  }

  get polling(): boolean {
    return this.loop.active;
  }

  /** Whether identity.json is read on a worker thread now (the benchmark checks it). */
  get readsOffThread(): boolean {
    return this.sampler?.readsOffThread ?? false;
  }

  /** Entry point for everything the webview posts; malformed messages are dropped and logged. */
  async receive(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.opts.logger?.warn(`dashboard ${this.target.name}: ignored a malformed webview message`);
      return;
    }
    await this.handle(raw);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    // Hidden webviews are destroyed (no retainContextWhenHidden): the next page says `ready` again.
    if (!visible) this.ready = false;
    this.updateLoop();
  }

  dispose(): void {
    this.loop.dispose();
    this.taskStream.stop();
    this.sampler?.dispose();
    this.probeFeed?.dispose();
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        this.tableSent = false;
        const sampler = await this.ensureSampler();
        this.post({ type: 'dashboard/init', cluster: { id: this.target.id, name: this.target.name, dashboardUrl: this.dashboardUrl,
          canScale: !!this.target.scale, canAdapt: !!this.target.adapt }, series: this.series.snapshot() });
        if (this.lastState) this.post({ type: 'dashboard/state', state: this.lastState, message: this.lastMessage, confirmed: this.lastConfirmed || undefined });
        if (sampler.lastSample) this.sendSample(sampler.lastSample, undefined);
        this.sentAdaptive = undefined;
        this.sendAdaptive();
        void sampler.plots().then((p) => this.post({ type: 'dashboard/plots', plots: p.plots, reason: p.reason, fullDashboard: p.fullDashboard }));
        this.updateLoop();
        // A fresh page (first open, shown again, reloaded) starts with no bars: it gets every bar kept, then new ones.
        this.sendTaskStream(this.taskStream.replay());
        this.sendProbe();
        return;
      }
      case 'dashboard/setTaskStream':
        this.wantTaskStream = m.on;
        this.updateLoop();
        if (!m.on) this.sendTaskStream();
        return;
      case 'dashboard/scale':
        return this.request(m.requestId, async () => {
          if (!this.target.scale) throw new Error('This cluster cannot be scaled from here.');
          if (this.opts.confirmScale && !(await this.opts.confirmScale(m.workers))) return 'Scaling cancelled.';
          const notes = this.notices(m.requestId);
          await this.target.scale(m.workers, notes.notify);
          return notes.said(`Asked for ${m.workers} worker${m.workers === 1 ? '' : 's'}.`);
        });
      case 'dashboard/adapt':
        return this.request(m.requestId, async () => {
          if (!this.target.adapt) throw new Error('This cluster cannot adapt from here.');
          const notes = this.notices(m.requestId);
          await this.target.adapt(m.minimum, m.maximum, notes.notify);
          return notes.said(`Adapting between ${m.minimum} and ${m.maximum} workers.`);
        });
      case 'dashboard/openBrowser':
        if (this.dashboardUrl) this.opts.openExternal?.(this.dashboardUrl);
        return;
      default:
        return;
    }
  }

  /** Posts the provider's words at once while the request runs, and keeps them in the final result. */
  private notices(requestId: number): { notify: (message: string) => void; said: (done: string) => string } {
    const heard: string[] = [];
    return {
      notify: (message) => {
        heard.push(redact(message));
        if (this.ready) this.post({ type: 'dashboard/notice', requestId, message: redact(message) });
      },
      said: (done) => [done, ...heard].join(' '),
    };
  }

  /** Sends the provider's adaptive bounds when they changed since the last time. */
  private sendAdaptive(): void {
    if (!this.ready || !this.target.adaptive) return;
    const bounds: AdaptiveBounds | null = this.target.adaptive() ?? null;
    const key = JSON.stringify(bounds);
    if (key === this.sentAdaptive) return;
    this.sentAdaptive = key;
    this.post({ type: 'dashboard/adaptive', adaptive: bounds });
  }

  private async request(requestId: number, run: () => Promise<string>): Promise<void> {
    // Show the effect at once instead of waiting for the next tick.
    if (await answerRequest((r) => this.post(r), requestId, run, describeError) && this.loop.active) await this.tick();
  }

  private async ensureSampler(): Promise<SchedulerSampler> {
    if (!this.sampler) {
      const connection = await this.target.connection();
      this.connection = connection;
      this.dashboardUrl = connection.dashboardUrl;
      this.sampler = new SchedulerSampler(connection, { logger: this.opts.logger, fetch: this.opts.fetch, now: this.opts.now, identityThread: this.opts.identityThread });
    }
    return this.sampler;
  }

  /** One poll; exposed for tests and the benchmark. */
  async tick(signal?: AbortSignal): Promise<void> {
    const sampler = await this.ensureSampler();
    const result = await sampler.poll(signal);
    if (result.ok) {
      this.inGap = false;
      this.series.add(result.sample);
      if (this.ready) this.sendSample(result.sample, result.restarted ? undefined : result.diff);
      this.sendAdaptive();
    } else if (!this.inGap && this.series.length > 0) {
      // An outage is a gap in the charts, not a ramp from the last size to the next one.
      this.inGap = true;
      const time = (this.opts.now ?? Date.now)();
      this.series.addGap(time);
      if (this.ready) this.post({ type: 'dashboard/gap', time });
    }
    let state = result.state;
    let message = result.ok ? undefined : describeError(result.error);
    let confirmed = false;
    if (!result.ok) {
      // The provider knows whether the cluster was stopped: then say that, not "check your network".
      const ended = await this.ended();
      if (ended) [state, message, confirmed] = ['stopped', ended, true];
    }
    this.loop.setSlow(state === 'stopped');
    if (state !== this.lastState || !result.ok) {
      this.lastState = state;
      this.lastMessage = message;
      this.lastConfirmed = confirmed;
      if (this.ready) this.post({ type: 'dashboard/state', state, message, confirmed: confirmed || undefined });
    }
  }

  /** "The cluster was stopped." (or stopping, failed) when the provider says so; undefined when it cannot tell. */
  private async ended(): Promise<string | undefined> {
    let status: Awaited<ReturnType<NonNullable<DashboardTarget['lifecycle']>>>;
    try {
      status = await this.target.lifecycle?.();
    } catch {
      return undefined;
    }
    switch (status) {
      case 'gone': case 'stopped': return 'The cluster was stopped.';
      case 'stopping': return 'The cluster is stopping.';
      case 'failed': return 'The cluster failed; see its provider for the reason.';
      default: return undefined;
    }
  }

  private sendSample(sample: ClusterSample, diff: WorkerDiff | undefined): void {
    const summary = summarize(sample);
    // Schedulers before distributed 2023.1.1 serve no per-prefix time: sum it from the live stream while it runs.
    if (summary.prefixTimes.missing && this.taskStream.state === 'live') {
      summary.prefixTimes = { rows: prefixTimingsFromBars(this.taskStream.recent()),
        note: 'From the live task stream (tasks that finished in the last minute); this scheduler\'s /metrics has no per-prefix times.' };
    }
    const reset = !this.tableSent || !diff;
    this.tableSent = true;
    if (this.probeFeed && (this.probeFeed.probe || this.sentOverlaid)) {
      // The probe's values ride on the rows: diff what the webview has against the rows with them laid over.
      this.post({ type: 'dashboard/sample', summary, workers: this.overlaidUpdate(sample.workerRows, reset) });
      // The memory bars' source changed with this sample (identity.json started or stopped failing): say so now.
      if (this.memoryFromProbe !== this.sentMemoryFromProbe) this.sendProbe();
      return;
    }
    if (this.probeFeed) this.sentRows = sample.workerRows;
    this.post({ type: 'dashboard/sample', summary, workers: reset ? this.update(true, sample.workerRows) : this.update(false, [...diff.added, ...diff.changed], diff.removed) });
  }

  private overlaidUpdate(base: readonly WorkerRow[], reset: boolean): WorkersUpdate {
    const probe = this.probeFeed?.probe;
    const rows = this.overlay.apply(base, probe, { memoryFromProbe: this.memoryFromProbe });
    this.sentOverlaid = probe !== undefined;
    const d = reset || !this.sentRows ? undefined : diffWorkers(this.sentRows, rows);
    this.sentRows = rows;
    return d ? this.update(false, [...d.added, ...d.changed], d.removed) : this.update(true, rows);
  }

  /** A table update as it crosses to the webview: each row at its slot, the numbers in one typed array, changed text. */
  private update(reset: boolean, upsert: readonly WorkerRow[], remove: readonly string[] = []): WorkersUpdate {
    return this.slots.update(reset, upsert, remove);
  }

  /** The probe's state, and its values in the rows the webview already has (as a diff). */
  private sendProbe(): void {
    if (!this.ready || !this.probeFeed) return;
    const last = this.sampler?.lastSample;
    const workers = last && this.tableSent
      ? this.overlaidUpdate(last.workerRows, false)
      : this.update(false, []);
    this.sentMemoryFromProbe = this.memoryFromProbe;
    const status = this.sentMemoryFromProbe ? { ...this.probeFeed.status, memoryFromProbe: true } : this.probeFeed.status;
    this.post({ type: 'dashboard/probe', status, workers });
  }

  /** identity.json answers 500 (newer Dask mid-computation) and the probe is live: its memory split replaces the frozen one. */
  private get memoryFromProbe(): boolean {
    return !!(this.sampler?.identityStale && this.probeFeed?.probe);
  }

  private updateLoop(): void {
    if (this.ready && this.visible) this.loop.start();
    else this.loop.stop();
    // A kernel round trip every few seconds: only while someone can see the result.
    this.probeFeed?.setActive(this.ready && this.visible);
    // The stream costs the scheduler CPU per task: only while someone can see it.
    if (this.ready && this.visible && this.wantTaskStream && this.sampler) {
      void this.taskStream.start(this.sampler.scheduler.baseUrl, this.connection?.headers, this.connection?.authorization);
    } else if (!this.wantTaskStream) this.taskStream.stop();
    // Hidden: the stream closes, its bars stay for the page that comes back.
    else if (!this.visible) this.taskStream.pause();
  }

  private sendTaskStream(bars?: TaskBar[]): void {
    if (!this.ready) return;
    const t = this.taskStream;
    this.post({ type: 'dashboard/taskStream', state: t.state, message: t.message, since: t.since, bars: bars ?? t.takeNew() });
  }
}
