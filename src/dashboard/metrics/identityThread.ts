// Worker-thread entry (bundled to dist/threads/identity.js): fetches identity.json and reads it into worker rows off the
// extension host's thread (receiving ~4 MB at 5,000 workers costs that thread as much as reading it), with counts.json
// and /metrics beside it, one reader per thread (identityOffThread.ts starts one per scheduler sampler).
import { parentPort, workerData } from 'node:worker_threads';
import { isPangeoError, pangeoErrorFields } from '../../core/http/errors';
import { SchedulerHttp } from '../../dask/scheduler/schedulerHttp';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import { columnBuffers, IdentityRejected, IdentityRowsReader, toColumns, type AlsoFetched, type IdentityThreadHttp, type IdentityThreadReply, type IdentityThreadRequest, type RouteAnswer } from './identityRows';
import { sameRow } from './workerDiff';
import { slotColumns } from '../../shared/dashboard/workerSlots';

const reader = new IdentityRowsReader();
/** The rows of the last reply, in order (the host thread holds rows equal to these). */
let sent: WorkerRow[] = [];
const http = (workerData as { http?: IdentityThreadHttp } | null)?.http;
// The one HTTP layer, as on the host thread (SchedulerHttp.at registers the fixed headers' secrets for redaction here).
const scheduler = http && SchedulerHttp.at(http.baseUrl, { headers: http.headers, timeoutMs: http.timeoutMs, retries: 0 });
/** The fetches under way, by request, to cancel them when the host's poll is aborted. */
const fetching = new Map<number, AbortController>();

parentPort?.on('message', (req: IdentityThreadRequest) => {
  if ('abort' in req) return fetching.get(req.abort)?.abort();
  if ('bytes' in req) return reply(req.seq, req.bytes, req.at);
  void fetchAndReply(req.seq, req.fetch.authorization, req.fetch.metrics, req.at);
});

async function fetchAndReply(seq: number, authorization: string | undefined, metrics: boolean, at: number): Promise<void> {
  const controller = new AbortController();
  fetching.set(seq, controller);
  let identity: PromiseSettledResult<{ url: string; bytes: Uint8Array }>;
  let also: AlsoFetched;
  try {
    if (!scheduler) throw new Error('the thread was started without the scheduler\'s address');
    // A client per request: the Authorization of that poll (renewed tokens), registered for redaction by the client.
    const client = new SchedulerHttp(scheduler.http.withBase(scheduler.baseUrl, { authorization: () => authorization }));
    const signal = controller.signal;
    // The three at once, as the host thread would fetch them; each answer stands alone (one failing is not the others').
    const [id, counts, page] = await Promise.allSettled([client.identityBytes(signal), client.counts(signal), metrics ? client.metricsText(signal) : undefined]);
    identity = id;
    also = { counts: answerOf(counts), ...(metrics ? { metrics: answerOf(page) } : {}) };
  } finally {
    fetching.delete(seq);
  }
  if (identity.status === 'rejected') {
    // Anything but a typed error is a fault of the thread: it ends, and the host reads on its own thread from then on.
    if (!isPangeoError(identity.reason)) throw identity.reason;
    return parentPort!.postMessage({ seq, ok: false, error: pangeoErrorFields(identity.reason), also } satisfies IdentityThreadReply);
  }
  reply(seq, identity.value.bytes, at, identity.value.url, also);
}

/** A route's settled fetch as it crosses; an error that is not typed is a fault of the thread (thrown: the thread ends). */
function answerOf<T>(settled: PromiseSettledResult<T>): RouteAnswer<T> {
  if (settled.status === 'fulfilled') return { ok: true, value: settled.value };
  if (!isPangeoError(settled.reason)) throw settled.reason;
  return { ok: false, error: pangeoErrorFields(settled.reason) };
}

function reply(seq: number, bytes: Uint8Array, at: number, url?: string, also?: AlsoFetched): void {
  let reply: IdentityThreadReply;
  try {
    const { head, rows } = reader.read(bytes, at);
    // Only rows whose values changed cross (sameRow is true at once for a row kept while its heartbeat is unchanged).
    if (rows.length === sent.length && rows.every((row, i) => row.address === sent[i]!.address)) {
      const changedAt: number[] = [];
      for (let i = 0; i < rows.length; i++) if (!sameRow(sent[i]!, rows[i]!)) changedAt.push(i);
      reply = { seq, ok: true, head, at: slotColumns(changedAt.map((i) => rows[i]!), changedAt, sent) };
    } else {
      const before = new Map(sent.map((row) => [row.address, row]));
      const changed = rows.filter((row) => {
        const old = before.get(row.address);
        return !old || !sameRow(old, row);
      });
      reply = { seq, ok: true, head, order: rows.map((row) => row.address), changed: toColumns(changed) };
    }
    sent = rows;
  } catch (e) {
    if (!(e instanceof IdentityRejected)) throw e;
    reply = { seq, ok: false, rejected: e.message, ...(url ? { url } : {}) };
  }
  if (also) reply.also = also;
  parentPort!.postMessage(reply, reply.ok ? columnBuffers('at' in reply ? reply.at : reply.changed) : []);
}
