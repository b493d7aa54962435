// Task stream bars (what ran where and when) from the scheduler's /eventstream websocket messages — served by the
// default `info` route in distributed 2022.12 through 2026 — or from the kernel probe's task-stream records.
// Message shape: distributed/diagnostics/websocket.py (one "transition" message per start/stop of a finished task).
import { finite, isRecord } from '../../shared/validate';
import type { TaskBar } from '../../shared/dashboard/taskStreamModel';
import { keySplit } from '../../dask/scheduler/taskKeys';



export type EventstreamEvent =
  | { kind: 'task'; bar: TaskBar }
  | { kind: 'worker-added' | 'worker-removed'; worker: string }
  | { kind: 'restart' }
  | { kind: 'graph'; client?: string }
  | { kind: 'client-added' | 'client-removed'; client?: string }
  | { kind: 'pong' }
  /** Anything else (a newer Dask may send more); never an error. */
  | { kind: 'other'; name: string }
  | { kind: 'malformed'; reason: string };


function keyText(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (Array.isArray(key)) return JSON.stringify(key);
  return undefined;
}

/** One websocket message (already JSON-parsed) as an event. */
export function readEventstreamMessage(msg: unknown): EventstreamEvent {
  if (!isRecord(msg) || typeof msg.name !== 'string') return { kind: 'malformed', reason: 'An eventstream message without a "name".' };
  switch (msg.name) {
    case 'transition': {
      const key = keyText(msg.key);
      const start = finite(msg.start);
      const stop = finite(msg.stop);
      if (key === undefined || start === undefined || stop === undefined || typeof msg.worker !== 'string' || typeof msg.action !== 'string') {
        return { kind: 'malformed', reason: 'A task message lacks its key, worker, action, start or stop.' };
      }
      return {
        kind: 'task',
        bar: {
          key, prefix: keySplit(msg.key), worker: msg.worker, action: msg.action, start: start * 1000, stop: stop * 1000,
          source: typeof msg.source === 'string' ? msg.source : undefined, nbytes: finite(msg.nbytes), thread: finite(msg.thread),
          status: typeof msg.status === 'string' ? msg.status : 'OK', color: typeof msg.color === 'string' ? msg.color : undefined,
        },
      };
    }
    case 'add_worker':
    case 'remove_worker':
      return typeof msg.worker === 'string'
        ? { kind: msg.name === 'add_worker' ? 'worker-added' : 'worker-removed', worker: msg.worker }
        : { kind: 'malformed', reason: `A ${msg.name} message without a worker.` };
    case 'restart':
      return { kind: 'restart' };
    case 'update_graph':
      return { kind: 'graph', client: typeof msg.client === 'string' ? msg.client : undefined };
    case 'add_client':
    case 'remove_client':
      return { kind: msg.name === 'add_client' ? 'client-added' : 'client-removed', client: typeof msg.client === 'string' ? msg.client : undefined };
    case 'pong':
      return { kind: 'pong' };
    default:
      return { kind: 'other', name: msg.name };
  }
}

/** Parses one websocket frame's text; a frame that is not JSON is "malformed", never thrown. */
export function readEventstreamFrame(text: string): EventstreamEvent {
  try {
    return readEventstreamMessage(JSON.parse(text));
  } catch {
    return { kind: 'malformed', reason: 'An eventstream frame that is not JSON.' };
  }
}


/**
 * The bars of the last `windowMs` (by stop time), at most `maxBars` (oldest dropped first): Dask's dashboard keeps
 * 1,000 on its status page; at 10k tasks/minute a 60 s window holds about 10k bars.
 */
export class TaskStreamWindow {
  private bars: TaskBar[] = [];

  constructor(private readonly windowMs = 60_000, private readonly maxBars = 10_000) {}

  add(bar: TaskBar): void {
    this.bars.push(bar);
    if (this.bars.length > this.maxBars * 1.25) this.bars = this.bars.slice(-this.maxBars);
  }

  clear(): void {
    this.bars = [];
  }

  /** Bars that stopped within the window ending at `now` (ms; default: the newest bar's stop). */
  current(now?: number): TaskBar[] {
    const end = now ?? this.bars.reduce((m, b) => Math.max(m, b.stop), 0);
    this.bars = this.bars.filter((b) => b.stop >= end - this.windowMs).slice(-this.maxBars);
    return this.bars;
  }
}
