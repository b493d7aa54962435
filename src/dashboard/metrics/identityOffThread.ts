// Reads identity.json on a worker thread (identityThread.ts) so a 1,000-worker cluster's ~0.8 MB of JSON does not block
// the extension host every poll: only the rows that changed cross back. Given the scheduler's address, the thread also
// fetches it (receiving the body costs the host as much as reading it); its HTTP errors arrive as the same typed errors. Any failure of the thread is reported once as
// IdentityThreadFailed and the caller reads on its own thread from then on.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, pangeoErrorFromFields, type PangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import type { WorkerDiff } from './workerDiff';
import { fromWorkerColumns } from '../../shared/dashboard/workerColumns';
import { readSlotColumns } from '../../shared/dashboard/workerSlots';
import type { SchedulerCounts } from '../../dask/scheduler/schedulerPayloads';
import { IdentityRejected, type AlsoFetched, type IdentityRows, type IdentityThreadHttp, type IdentityThreadReply, type IdentityThreadRequest, type RouteAnswer } from './identityRows';

/** Where the bundle puts the thread (esbuild.mjs): next to dist/extension.js and dist/cli.js. */
export const IDENTITY_THREAD_SCRIPT = join(__dirname, 'threads', 'identity.js');

/** A route's answer as the host sees it: its value, or the typed error a fetch here would have thrown. */
export type Answer<T, E extends Error = PangeoError> = { ok: true; value: T } | { ok: false; error: E };

/** One poll fetched on the thread: identity.json's rows (or IdentityRejected, a typed error), counts.json, /metrics when asked. */
export interface ThreadPoll {
  identity: Answer<IdentityRows, Error>;
  counts: Answer<SchedulerCounts>;
  metrics?: Answer<string | undefined>;
}

/** A route's answer from the thread, its error rebuilt as the typed error a fetch here would have thrown. */
function rebuilt<T>(answer: RouteAnswer<T>): Answer<T> {
  return answer.ok ? answer : { ok: false, error: pangeoErrorFromFields(answer.error) };
}

/** The thread could not answer (missing, crashed, stuck or disposed): read on this thread instead. */
export class IdentityThreadFailed extends Error {}

interface Pending {
  /** identity.json's rows, or why there are none (IdentityRejected, a typed error); with the other routes when fetched. */
  settle: (identity: IdentityRows | Error, also?: AlsoFetched) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  /** Stops listening to the caller's abort signal. */
  release: () => void;
}

export class IdentityOffThread {
  private worker?: Worker;
  private failed?: string;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  /** The rows of the thread's last reply, in order; unchanged rows do not cross again. */
  private held: WorkerRow[] = [];

  /** `http`: where the thread may fetch identity.json itself (fetch()). */
  constructor(private readonly script = IDENTITY_THREAD_SCRIPT, private readonly logger?: Logger, private readonly timeoutMs = 10_000,
    private readonly http?: IdentityThreadHttp) {}

  private exit?: Promise<void>;

  /** Whether a thread is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Resolves once the thread has exited (at once when none was started). */
  get exited(): Promise<void> {
    return this.exit ?? Promise.resolve();
  }

  /** Whether reads may still go to the thread. */
  get usable(): boolean {
    return this.failed === undefined;
  }

  /**
   * Rejects with IdentityRejected (not a scheduler's answer) or IdentityThreadFailed (read it here instead: when the
   * bytes were moved to the thread, `bytes.byteLength` is 0 then and they must be fetched again).
   */
  read(bytes: Uint8Array, at: number): Promise<IdentityRows> {
    // Moved, not copied, when the bytes are a whole buffer of their own (a fetched body): they are the caller's no more.
    const own = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength;
    return new Promise((resolve, reject) => this.send((seq) => ({ seq, bytes, at }), own ? [bytes.buffer] : [],
      (identity) => (identity instanceof Error ? reject(identity) : resolve(identity)), reject));
  }

  /** Whether fetch() may be used (the thread was given the scheduler's address). */
  get fetches(): boolean {
    return this.http !== undefined && this.usable;
  }

  /**
   * Fetches identity.json, counts.json and (`metrics`) /metrics on the thread with `authorization` (the value for this
   * poll), and reads identity.json there. Each route's answer stands alone in what it resolves to; rejects only with
   * IdentityThreadFailed (fetch them here instead), or CancelledError once `signal` aborts (the thread's requests are
   * cancelled too).
   */
  fetch(at: number, authorization: string | undefined, opts: { metrics: boolean }, signal?: AbortSignal): Promise<ThreadPoll> {
    if (!this.http) return Promise.reject(new IdentityThreadFailed('the thread was not given the scheduler\'s address'));
    return new Promise((resolve, reject) => this.send((seq) => ({ seq, fetch: { authorization, metrics: opts.metrics }, at }), [], (identity, also) => {
      if (!also) {
        const why = 'it answered a poll without counts.json';
        this.fail(why);
        return reject(new IdentityThreadFailed(why));
      }
      resolve({
        identity: identity instanceof Error ? { ok: false, error: identity } : { ok: true, value: identity },
        counts: rebuilt(also.counts),
        ...(also.metrics ? { metrics: rebuilt(also.metrics) } : {}),
      });
    }, reject, signal));
  }

  private send(request: (seq: number) => IdentityThreadRequest, transfer: ArrayBuffer[], settle: Pending['settle'], reject: Pending['reject'], signal?: AbortSignal): void {
    if (signal?.aborted) return reject(new CancelledError('Reading identity.json'));
    const worker = this.start();
    if (!worker) return reject(new IdentityThreadFailed(this.failed));
    const seq = ++this.seq;
    const timer = setTimeout(() => this.fail(`no answer in ${this.timeoutMs} ms`), this.timeoutMs);
    // The caller stops waiting at once; the reply still comes (and is applied: `held` must match the thread's rows).
    const onAbort = () => {
      reject(new CancelledError('Reading identity.json'));
      this.worker?.postMessage({ abort: seq } satisfies IdentityThreadRequest);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.pending.set(seq, { settle, reject, timer, release: () => signal?.removeEventListener('abort', onAbort) });
    // Keep a short-lived process (the CLI) alive only while a read is under way.
    worker.ref();
    worker.postMessage(request(seq), transfer);
  }

  dispose(): void {
    this.fail('disposed', false);
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (!existsSync(this.script)) {
      // Only a development run (no bundle) lacks it: the .vsix ships dist/threads/ (.vscodeignore).
      this.failed = `${this.script} is missing`;
      this.logger?.trace(`identity.json is read on the extension host's thread: ${this.failed}`);
      return undefined;
    }
    try {
      const worker = new Worker(this.script, { name: 'pangeo identity.json reader', workerData: { http: this.http } });
      worker.on('message', (reply: IdentityThreadReply) => this.answer(reply));
      worker.on('error', (e) => this.fail(e.message));
      worker.on('messageerror', (e) => this.fail(e.message));
      this.exit = new Promise((resolve) => worker.once('exit', () => resolve()));
      worker.on('exit', (code) => this.fail(`it exited (code ${code})`));
      worker.unref();
      this.worker = worker;
    } catch (e) {
      this.fail((e as Error).message);
    }
    return this.worker;
  }

  private answer(reply: IdentityThreadReply): void {
    const p = this.pending.get(reply.seq);
    if (!p) return;
    this.pending.delete(reply.seq);
    clearTimeout(p.timer);
    p.release();
    if (this.pending.size === 0) this.worker?.unref();
    if (!reply.ok) return p.settle('error' in reply ? pangeoErrorFromFields(reply.error) : new IdentityRejected(reply.rejected, reply.url), reply.also);
    // Applied even when nobody waits any more (a cancelled tick): `held` must match what the thread thinks we hold.
    const from = this.held;
    let rows: WorkerRow[];
    let diff: WorkerDiff;
    if ('at' in reply) {
      // The same workers in the same order: only the changed rows are replaced, by index, their unchanged text kept.
      const at = reply.at.slot;
      const changed = at.every((i) => i < from.length) ? readSlotColumns(reply.at, from) : undefined;
      if (!changed) return this.fail('it sent rows for positions it does not hold', true, p);
      rows = from.slice();
      for (let k = 0; k < at.length; k++) rows[at[k]!] = changed[k]!;
      diff = { added: [], removed: [], changed };
    } else {
      const changed = fromWorkerColumns(reply.changed);
      const before = new Map(from.map((row) => [row.address, row]));
      const fresh = new Map(changed.map((row) => [row.address, row]));
      rows = [];
      diff = { added: [], removed: [], changed: [] };
      for (const address of reply.order) {
        const old = before.get(address);
        const row = fresh.get(address) ?? old;
        if (!row) return this.fail(`it referred to a row it never sent (${address})`, true, p);
        rows.push(row);
        if (!old) diff.added.push(row);
        else if (row !== old) diff.changed.push(row);
        before.delete(address);
      }
      diff.removed = [...before.keys()];
    }
    this.held = rows;
    p.settle({ head: reply.head, rows, known: { from, diff } }, reply.also);
  }

  /** Ends the thread for good; waiting reads reject so their callers read on their own thread. */
  private fail(why: string, warn = true, also?: Pending): void {
    if (this.failed !== undefined) return;
    this.failed = why;
    if (warn) this.logger?.warn(`identity.json is read on the extension host's thread from now on: the worker thread failed (${why})`);
    const waiting = [...this.pending.values(), ...(also ? [also] : [])];
    this.pending.clear();
    for (const p of waiting) {
      clearTimeout(p.timer);
      p.release();
      p.reject(new IdentityThreadFailed(why));
    }
    void this.worker?.terminate();
    this.worker = undefined;
    this.held = [];
  }
}
