// Worker-thread entry (bundled to dist/threads/identity.js): reads identity.json into worker rows off the extension
// host's thread, one reader per thread (identityOffThread.ts starts one per scheduler sampler).
import { parentPort } from 'node:worker_threads';
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import { columnBuffers, IdentityRejected, IdentityRowsReader, toColumns, type IdentityThreadReply, type IdentityThreadRequest } from './identityRows';
import { sameRow } from './workerDiff';

const reader = new IdentityRowsReader();
/** The rows of the last reply, in order (the host thread holds rows equal to these). */
let sent: WorkerRow[] = [];

parentPort?.on('message', (req: IdentityThreadRequest) => {
  let reply: IdentityThreadReply;
  try {
    const { head, rows } = reader.read(req.bytes, req.at);
    // Only rows whose values changed cross (sameRow is true at once for a row kept while its heartbeat is unchanged).
    if (rows.length === sent.length && rows.every((row, i) => row.address === sent[i]!.address)) {
      const changedAt: number[] = [];
      for (let i = 0; i < rows.length; i++) if (!sameRow(sent[i]!, rows[i]!)) changedAt.push(i);
      reply = { seq: req.seq, ok: true, head, changedAt, changed: toColumns(changedAt.map((i) => rows[i]!)) };
    } else {
      const before = new Map(sent.map((row) => [row.address, row]));
      const changed = rows.filter((row) => {
        const old = before.get(row.address);
        return !old || !sameRow(old, row);
      });
      reply = { seq: req.seq, ok: true, head, order: rows.map((row) => row.address), changed: toColumns(changed) };
    }
    sent = rows;
  } catch (e) {
    if (!(e instanceof IdentityRejected)) throw e;
    reply = { seq: req.seq, ok: false, rejected: e.message };
  }
  parentPort!.postMessage(reply, reply.ok ? columnBuffers(reply.changed) : []);
});
