// Task stream bars (what ran where and when) from the scheduler's /eventstream websocket messages — served by the
// default `info` route in distributed 2022.12 through 2026 — or from the kernel probe's task-stream records.
// Message shape: distributed/diagnostics/websocket.py (one "transition" message per start/stop of a finished task).
import { finite, isRecord } from './sourceResult';

export interface TaskBar {
  key: string;
  /** Dask's key_split of the key: the task prefix ("load", "sum-aggregate"). */
  prefix: string;
  worker: string;
  /** compute | transfer | disk-read | disk-write | deserialize (other values are kept as they come). */
  action: string;
  /** Epoch milliseconds. */
  start: number;
  stop: number;
  /** Worker the data came from (transfers only). */
  source?: string;
  /** Size of the task's result, when reported. */
  nbytes?: number;
  /** Thread id on the worker (for stacking bars per thread). */
  thread?: number;
  /** OK or error (an erred task's compute bar is black on Dask's dashboard). */
  status: string;
  /** The colour Dask's dashboard gives the bar (a prefix colour for compute, red transfer, orange disk, black error). */
  color?: string;
}

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

/** Dask's key_split (dask/utils.py): "load-bf54…" → "load", "('sum-aggregate-1a2b', 0)" → "sum-aggregate". */
export function keySplit(key: unknown): string {
  const s: unknown = Array.isArray(key) ? key[0] : key;
  if (typeof s !== 'string' || s === '') return 'Other';
  const words = s.split('-');
  let result = /^\p{L}/u.test(words[0]!) ? words[0]! : words[0]!.split(',')[0]!.replace(/^[_'()"]+|[_'()"]+$/g, '');
  for (const word of words.slice(1)) {
    if (/^\p{L}+$/u.test(word) && !(word.length === 8 && /^[a-f]+/.test(word))) result += `-${word}`;
    else break;
  }
  if (result === '') return 'Other';
  if (result.length === 32 && /^[a-f0-9]{32}/.test(result)) return 'data';
  if (result.startsWith('<')) result = result.replace(/^[<>]+|[<>]+$/g, '').split(/\s+/)[0]!.split('.').pop()!;
  return result;
}

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

/** Dask's opacity per action on its task stream chart. */
export const DASK_TASK_STREAM_ALPHA: Record<string, number> = { compute: 1, transfer: 0.4, 'disk-write': 0.4, 'disk-read': 0.4, deserialize: 0.4 };

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
