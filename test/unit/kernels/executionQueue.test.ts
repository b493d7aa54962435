// The cell queue: one at a time, in order, pending jobs cancellable, a failing job does not block the next.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionQueue } from '../../../src/kernels/executionQueue';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ExecutionQueue', () => {
  test('runs jobs one at a time in order', async () => {
    const q = new ExecutionQueue();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const results = gates.map((g, i) => q.enqueue(async () => {
      log.push(`start ${i}`);
      await g.promise;
      log.push(`end ${i}`);
      return i;
    }, () => -1));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start 0']);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(log, ['start 0'], 'later jobs wait for the running one');
    gates[0]!.resolve();
    assert.deepEqual(await Promise.all(results), [0, 1, 2]);
    assert.deepEqual(log, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  test('cancelPending resolves waiting jobs with the cancelled value and leaves the running one', async () => {
    const q = new ExecutionQueue();
    const gate = deferred();
    let secondRan = false;
    const first = q.enqueue(async () => {
      await gate.promise;
      return 'first';
    }, () => 'cancelled');
    const second = q.enqueue(async () => {
      secondRan = true;
      return 'second';
    }, () => 'cancelled');
    assert.equal(q.pendingCount, 1);
    q.cancelPending();
    assert.equal(await second, 'cancelled');
    gate.resolve();
    assert.equal(await first, 'first');
    assert.equal(secondRan, false);
    assert.equal(await q.enqueue(async () => 'after', () => 'cancelled'), 'after');
  });

  test('a failing job rejects its own promise only', async () => {
    const q = new ExecutionQueue();
    const failing = q.enqueue(async () => {
      throw new Error('boom');
    }, () => 0);
    const next = q.enqueue(async () => 7, () => 0);
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 7);
  });
});
