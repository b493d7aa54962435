// The one request helper of the webview protocols: ids are fresh, each result settles its own request once, and the
// host always answers (an error becomes a failed result, never a silent page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerRequest, PageRequests, type ResultMessage } from '../../../src/shared/protocol/requests';

type Sent = { type: 'scale'; requestId: number; workers: number } | { type: 'open' };

test('each request gets a fresh id and resolves with its own result, once', async () => {
  const sent: Sent[] = [];
  const requests = new PageRequests<Sent>((m) => sent.push(m));
  const a = requests.send({ type: 'scale', workers: 2 });
  const b = requests.send({ type: 'scale', workers: 3 });
  assert.deepEqual(sent, [{ type: 'scale', workers: 2, requestId: 1 }, { type: 'scale', workers: 3, requestId: 2 }]);
  assert.equal(requests.settle({ type: 'result', requestId: 2, ok: false, message: 'too many' }), true);
  assert.equal(requests.settle({ type: 'result', requestId: 1, ok: true, message: 'done' }), true);
  assert.deepEqual(await a, { ok: true, message: 'done' });
  assert.deepEqual(await b, { ok: false, message: 'too many' });
  // A second result for the same id, or one for an id never sent, is not ours.
  assert.equal(requests.settle({ type: 'result', requestId: 1, ok: true, message: 'again' }), false);
  assert.equal(requests.settle({ type: 'result', requestId: 99, ok: true, message: 'stray' }), false);
});

test('the host answers every request: the handler\'s message, or the error described', async () => {
  const posted: ResultMessage[] = [];
  assert.equal(await answerRequest((r) => posted.push(r), 4, async () => 'Asked for 5 workers.', String), true);
  assert.equal(await answerRequest((r) => posted.push(r), 5, async () => { throw new Error('gateway said no'); }, (e) => `Failed: ${(e as Error).message}`), false);
  assert.deepEqual(posted, [
    { type: 'result', requestId: 4, ok: true, message: 'Asked for 5 workers.' },
    { type: 'result', requestId: 5, ok: false, message: 'Failed: gateway said no' },
  ]);
});
