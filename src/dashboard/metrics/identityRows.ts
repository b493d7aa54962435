// identity.json's bytes → worker rows: the part of a dashboard tick that grows with the cluster (~0.8 MB of JSON at
// 1,000 workers). The same reader runs on the extension host's thread for small clusters and on a worker thread
// (identityThread.ts) for big ones, so both give the same rows. No imports of node-only or editor modules.
import { readIdentity, type SchedulerCounts, type SchedulerIdentity } from '../../dask/scheduler/schedulerPayloads';
import { WORKER_FIELD_NAMES, type WorkerRow } from '../../shared/dashboard/workerFields';
import { toWorkerColumns, type WorkerColumns } from '../../shared/dashboard/workerColumns';
import type { SlotColumns } from '../../shared/dashboard/workerSlots';
import { workerRows, type RowContext } from '../../dask/scheduler/workerRows';
import { UnmanagedHistory } from '../../dask/scheduler/workerMemorySplit';
import type { WorkerDiff } from './workerDiff';
import type { PangeoErrorFields } from '../../core/http/errors';

/** identity.json without its worker entries (they became rows). */
export type IdentityHead = Omit<SchedulerIdentity, 'workers'>;

export interface IdentityRows {
  head: IdentityHead;
  rows: WorkerRow[];
  /**
   * What changed since the rows in `from` (the worker thread's last reply), when the reader already knows: the sampler
   * then need not diff 5,000 rows again on the extension host's thread.
   */
  known?: { from: readonly WorkerRow[]; diff: WorkerDiff };
}

/** Bytes that are not a scheduler's identity.json; the caller names the URL (schedulerHttp.notAScheduler). */
export class IdentityRejected extends Error {
  /** `url`: where the thread fetched them, when it did. */
  constructor(message: string, readonly url?: string) {
    super(message);
  }
}

const decoder = new TextDecoder();

/**
 * Reads one scheduler's identity.json again and again, keeping what rows need across reads (the 30 s unmanaged-memory
 * history, the last rows of workers without a new heartbeat); a new scheduler id starts afresh, as after a restart.
 */
export class IdentityRowsReader {
  private forId?: string;
  private context = freshContext();

  /** `at`: epoch ms of the sample. Throws IdentityRejected. */
  read(bytes: Uint8Array, at: number): IdentityRows {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(bytes));
    } catch {
      throw new IdentityRejected('the answer is not JSON');
    }
    let identity: SchedulerIdentity;
    try {
      identity = readIdentity(body);
    } catch (e) {
      throw new IdentityRejected((e as Error).message);
    }
    if (identity.id !== this.forId) [this.context, this.forId] = [freshContext(), identity.id];
    this.context.at = at;
    const { workers: _workers, ...head } = identity;
    return { head, rows: workerRows(identity, this.context) };
  }
}

function freshContext(): RowContext {
  return { history: new UnmanagedHistory(), at: 0, previous: new Map() };
}

// ---- the worker thread's messages (identityThread.ts ↔ identityOffThread.ts) ----

/** How the thread reaches the scheduler itself (workerData): plain values, the Authorization comes with each request. */
export interface IdentityThreadHttp {
  /** The scheduler's HTTP root (SchedulerHttp.baseUrl). */
  baseUrl: string;
  /** The connection's fixed headers (their secrets are registered for redaction on the thread too). */
  headers?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Read these bytes; or fetch identity.json first (`fetch`, with the Authorization of that poll, which wins over the
 * fixed headers as on the host thread), and counts.json and (`metrics`) /metrics beside it; or cancel the fetches of
 * request `abort`.
 */
export type IdentityThreadRequest =
  | { seq: number; bytes: Uint8Array; at: number }
  | { seq: number; fetch: { authorization?: string; metrics: boolean }; at: number }
  | { abort: number };

/** One route's answer fetched on the thread: its value, or its typed error (rebuilt with pangeoErrorFromFields). */
export type RouteAnswer<T> = { ok: true; value: T } | { ok: false; error: PangeoErrorFields };

/**
 * counts.json and /metrics (value undefined: 404, the scheduler has no prometheus_client; the answer undefined: not
 * asked), fetched by the thread beside identity.json: the host thread then takes one message a poll, not three
 * requests' worth of callbacks (at 5,000 workers those were ~3 of its ~4 ms a poll, arriving while the thread reads).
 */
export interface AlsoFetched {
  counts: RouteAnswer<SchedulerCounts>;
  metrics?: RouteAnswer<string | undefined>;
}

/**
 * Only the rows whose values changed since the last reply cross (new workers included): at 1,000 workers Dask paces
 * heartbeats to ~6 s, so most rows of a 2 s poll do not cross at all, and a few long arrays cost the receiving thread
 * ~4× less than as many small objects. The same workers in the same order: `at`, each changed row at its index
 * (its slot) in the last reply's rows, with only the text that changed (workerSlots.ts), so the host thread builds no
 * map of 5,000 addresses and copies no unchanged strings per poll. Otherwise `order`, every worker's address in
 * identity.json's order, and `changed`, the changed rows whole, one array per declared field (WORKER_FIELDS).
 */
export type IdentityThreadReply = (
  | { seq: number; ok: true; head: IdentityHead; at: SlotColumns<Float64Array> }
  | { seq: number; ok: true; head: IdentityHead; order: string[]; changed: RowColumns }
  | { seq: number; ok: false; rejected: string; url?: string }
  /** The thread's fetch failed with this typed error (rebuilt with pangeoErrorFromFields). */
  | { seq: number; ok: false; error: PangeoErrorFields }
) & { also?: AlsoFetched };

/** Numbers as one Float64Array per field (copied as one block, or moved), strings as arrays. */
export type RowColumns = WorkerColumns<Float64Array>;

export function toColumns(rows: readonly WorkerRow[]): RowColumns {
  return toWorkerColumns(rows, (n) => new Float64Array(n));
}

/** The buffers of the numeric columns, to move them with the message instead of copying. */
export function columnBuffers(columns: RowColumns | SlotColumns<Float64Array>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const f of ['slot', ...WORKER_FIELD_NAMES] as const) {
    const column = (columns as Partial<Record<typeof f, unknown>>)[f];
    if (column instanceof Float64Array && column.buffer instanceof ArrayBuffer) buffers.add(column.buffer);
  }
  return [...buffers];
}
