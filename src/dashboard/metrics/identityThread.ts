// Worker-thread entry (bundled to dist/threads/identity.js): reads identity.json into worker rows off the extension
// host's thread, one reader per thread (identityOffThread.ts starts one per scheduler sampler).
import { parentPort } from 'node:worker_threads';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import { IdentityRejected, IdentityRowsReader, toColumns, type IdentityThreadReply, type IdentityThreadRequest } from './identityRows';

const reader = new IdentityRowsReader();
/** The rows of the last reply, by address: what the host thread holds now. */
let sent = new Map<string, WorkerRow>();

parentPort?.on('message', (req: IdentityThreadRequest) => {
  let reply: IdentityThreadReply;
  try {
    const { head, rows } = reader.read(req.bytes, req.at);
    const next = new Map<string, WorkerRow>();
    const order: string[] = [];
    // The reader keeps a worker's very row while its heartbeat is unchanged: those the host thread has already.
    const changed = rows.filter((row) => {
      next.set(row.address, row);
      order.push(row.address);
      return sent.get(row.address) !== row;
    });
    sent = next;
    reply = { seq: req.seq, ok: true, head, order, changed: toColumns(changed) };
  } catch (e) {
    if (!(e instanceof IdentityRejected)) throw e;
    reply = { seq: req.seq, ok: false, rejected: e.message };
  }
  parentPort!.postMessage(reply);
});
