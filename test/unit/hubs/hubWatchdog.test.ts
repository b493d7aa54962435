// whileHubAnswers gives up a wait on the hub when probes in a row find it down (proxy 503, nothing listening), and only then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubStoppedAnsweringError, whileHubAnswers } from '../../../src/hubs/hubWatchdog';
import { CancelledError, TimeoutError, UnexpectedResponseError, UnreachableError } from '../../../src/core/http/errors';
import { mockClock } from '../../support/mockClock';

const BASE = 'https://hub.example.org/';

/** Work that waits until its signal aborts (a progress stream that never says anything again). */
function silentStream(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError('Waiting for the server')), { once: true }));
}

test('two probes in a row answered 503 end the wait after the second, with the hub named', async (t) => {
  const clock = mockClock(t);
  let probes = 0;
  const probe = async () => {
    probes++;
    throw new UnexpectedResponseError(`${BASE}hub/api/users/ana`, 503, 'Service Unavailable');
  };
  const seen: { outcome?: unknown } = {};
  void whileHubAnswers(BASE, 'the server was starting', probe, silentStream, { everyMs: 3000 }).catch((e: unknown) => (seen.outcome = e));
  await clock.advance(3000);
  assert.equal(probes, 1);
  assert.equal(seen.outcome, undefined, 'one 503 is not enough');
  await clock.advance(3000);
  const outcome = seen.outcome as unknown;
  assert.ok(outcome instanceof HubStoppedAnsweringError, String(outcome));
  assert.equal(outcome.kind, 'Unreachable');
  assert.match(outcome.message, /The hub at https:\/\/hub\.example\.org\/ stopped answering \(its proxy answers 503\) while the server was starting/);
  await clock.advance(30_000);
  assert.equal(probes, 2, 'no probe after the verdict');
});

test('connection refused counts as down; a probe that answers in between starts the count again', async (t) => {
  const clock = mockClock(t);
  const answers: Array<Error | 'ok'> = [new UnreachableError(BASE, 'ECONNREFUSED'), 'ok', new UnreachableError(BASE, 'ECONNREFUSED'), new UnreachableError(BASE, 'ECONNREFUSED')];
  const probe = async () => {
    const next = answers.shift() ?? 'ok';
    if (next !== 'ok') throw next;
  };
  const seen: { outcome?: unknown } = {};
  void whileHubAnswers(BASE, 'the server was starting', probe, silentStream, { everyMs: 1000 }).catch((e: unknown) => (seen.outcome = e));
  await clock.advance(3000, 1000);
  assert.equal(seen.outcome, undefined, 'down, up, down: not two in a row');
  await clock.advance(1000);
  const outcome = seen.outcome as unknown;
  assert.ok(outcome instanceof HubStoppedAnsweringError);
  assert.match(outcome.message, /nothing answers/);
});

test('slow or refusing probes (timeout, 403) do not end the wait; the work\'s own result comes through', async (t) => {
  const clock = mockClock(t);
  const errors = [new TimeoutError(BASE, 30_000, 'request'), new UnexpectedResponseError(BASE, 403), new TimeoutError(BASE, 30_000, 'request')];
  const probe = async () => {
    throw errors.shift() ?? new TimeoutError(BASE, 1);
  };
  let finish!: (v: string) => void;
  const result = whileHubAnswers(BASE, 'x', probe, () => new Promise<string>((r) => (finish = r)), { everyMs: 1000 });
  await clock.advance(5000, 1000);
  finish('ready');
  assert.equal(await result, 'ready');
});

test('the caller\'s own cancel is passed through as it is, not as a dead hub', async (t) => {
  mockClock(t);
  const cancel = new AbortController();
  const result = whileHubAnswers(BASE, 'x', async () => undefined, silentStream, { signal: cancel.signal });
  cancel.abort();
  await assert.rejects(result, (e) => e instanceof CancelledError);
});
