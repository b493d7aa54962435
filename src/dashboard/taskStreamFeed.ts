// The dashboard's live task stream: the scheduler's /eventstream websocket (see docs/dask-dashboard-sources.md), open
// only while the user has it switched on and the panel is visible; bars are batched for the webview and kept here (two
// minutes, bounded by count) so a reloaded or re-shown page gets them again, and "task time by prefix" can be summed
// from the last minute of them where /metrics lacks it (distributed < 2023.1.1).
import { isPangeoError } from '../core/http/errors';
import { redact } from '../core/http/redact';
import type { AuthHeader } from '../core/http/httpClient';
import { openEventstream, type EventstreamConnection, type EventstreamOptions } from './metrics/eventstreamConnection';
import { TaskStreamHistory } from './metrics/taskStream';
import { TASK_STREAM_MAX_BARS, type TaskBar } from '../shared/dashboard/taskStreamModel';
import type { TaskStreamState } from '../shared/dashboard/taskStreamModel';



export interface TaskStreamFeedOptions {
  /** How the websocket is opened (tests replay recorded frames). */
  open?: (opts: EventstreamOptions) => Promise<EventstreamConnection>;
  /** Called when bars are waiting or the state changed, at most every `batchMs`. */
  onUpdate: () => void;
  batchMs?: number;
}

export class TaskStreamFeed {
  private connection?: EventstreamConnection;
  private pending: TaskBar[] = [];
  private readonly history = new TaskStreamHistory();
  private timer?: ReturnType<typeof setTimeout>;
  private generation = 0;
  state: TaskStreamState = 'off';
  message?: string;
  /** Epoch ms the stream opened (tasks before that are not in it). */
  since?: number;

  constructor(private readonly opts: TaskStreamFeedOptions) {}

  async start(baseUrl: string, headers?: Record<string, string>, authorization?: AuthHeader): Promise<void> {
    if (this.state === 'live' || this.state === 'connecting') return;
    const generation = ++this.generation;
    this.setState('connecting');
    try {
      const connection = await (this.opts.open ?? openEventstream)({
        baseUrl, headers, authorization,
        onEvent: (e) => {
          if (e.kind === 'task') this.add(e.bar);
          else if (e.kind === 'restart') this.history.clear();
        },
        onClosed: (reason) => {
          if (generation !== this.generation) return;
          this.connection = undefined;
          this.setState('failed', `The scheduler closed the task stream (${redact(reason)}); another viewer of this scheduler may have opened its own.`);
        },
      });
      // Switched off (or restarted) while it was connecting.
      if (generation !== this.generation) return connection.close();
      this.connection = connection;
      this.since = Date.now();
      this.setState('live');
    } catch (e) {
      if (generation !== this.generation) return;
      this.setState('failed', redact(isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e)));
    }
  }

  /** Closes the stream; the bars kept so far stay (the panel was hidden: shown again, its page gets them back). */
  pause(): void {
    this.generation++;
    this.connection?.close();
    this.connection = undefined;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.state !== 'off') this.setState('off');
  }

  /** Closes the stream and forgets its bars (the user switched it off). */
  stop(): void {
    this.pause();
    this.history.clear();
  }

  /** Bars that arrived since the last call. */
  takeNew(): TaskBar[] {
    const bars = this.pending;
    this.pending = [];
    return bars;
  }

  /** Bars of the last minute (for per-prefix time). */
  recent(): TaskBar[] {
    return this.history.within(60_000);
  }

  /** Every bar kept (for a page that starts afresh); what was waiting for the page is in it and is not sent again. */
  replay(): TaskBar[] {
    this.pending = [];
    return this.history.all();
  }

  private add(bar: TaskBar): void {
    this.pending.push(bar);
    this.history.add(bar);
    // The webview keeps as many bars at most; never queue more than that for it.
    if (this.pending.length > TASK_STREAM_MAX_BARS) this.pending.splice(0, this.pending.length - TASK_STREAM_MAX_BARS);
    this.schedule();
  }

  private setState(state: TaskStreamState, message?: string): void {
    this.state = state;
    this.message = message;
    this.schedule(0);
  }

  private schedule(delay = this.opts.batchMs ?? 500): void {
    if (this.timer) {
      if (delay > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.opts.onUpdate();
    }, delay);
  }
}
