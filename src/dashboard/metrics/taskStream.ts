// Task stream bars (what ran where and when) from the scheduler's /eventstream websocket messages — served by the
// default `info` route in distributed 2022.12 through 2026 — or from the kernel probe's task-stream records.
// Message shape: distributed/diagnostics/websocket.py (one "transition" message per start/stop of a finished task).
import { finite, isRecord } from '../../shared/validate';
import { TASK_STREAM_KEEP_MS, TASK_STREAM_MAX_BARS, type TaskBar } from '../../shared/dashboard/taskStreamModel';
import { RingQueue } from '../../shared/ringBuffer';
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
 * The bars of the last `keepMs` (by stop time, counted back from the newest bar), at most `maxBars` (oldest dropped
 * first), in a ring that never grows or copies after it is made.
 */
export class TaskStreamHistory {
  private readonly ring: RingQueue<TaskBar>;
  private newest = 0;

  constructor(private readonly keepMs = TASK_STREAM_KEEP_MS, maxBars = TASK_STREAM_MAX_BARS) {
    this.ring = new RingQueue(maxBars);
  }

  get length(): number {
    return this.ring.length;
  }

  add(bar: TaskBar): void {
    this.ring.push(bar);
    if (bar.stop > this.newest) this.newest = bar.stop;
    for (let b = this.ring.at(0); b && b.stop < this.newest - this.keepMs; b = this.ring.at(0)) this.ring.shift();
  }

  clear(): void {
    this.ring.clear();
    this.newest = 0;
  }

  /** Every bar kept, oldest first. */
  all(): TaskBar[] {
    return this.ring.toArray();
  }

  /** The bars that stopped within `ms` of the newest one. */
  within(ms: number): TaskBar[] {
    const out: TaskBar[] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const b = this.ring.at(i)!;
      if (b.stop >= this.newest - ms) out.push(b);
    }
    return out;
  }
}
