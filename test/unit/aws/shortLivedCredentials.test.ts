// Renewal before expiry with a hand-driven clock: on time, once at a time, retried after failures, and stopped on dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShortLivedCredentials, type Clock } from '../../../src/aws/shortLivedCredentials';
import type { AwsCredentials } from '../../../src/aws/awsCredentials';

/** A clock whose time only moves when the test says so; timers fire in due order. */
class ManualClock implements Clock {
  time = Date.parse('2026-11-25T12:00:00Z');
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  now(): number { return this.time; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void { this.timers.delete(h as number); }
  pending(): number[] { return [...this.timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b); }
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    this.time = end;
  }
}

const MIN = 60_000;

function issuer(clock: ManualClock, lifetimeMs: number) {
  let n = 0;
  const failures: number[] = [];
  const obtain = async (): Promise<AwsCredentials> => {
    n++;
    if (failures.includes(n)) throw new Error(`STS down (call ${n})`);
    return { accessKeyId: `ASIA${n}`, secretAccessKey: `secret-${n}-xxxxxxxx`, sessionToken: `token-${n}-xxxxxxxx`, expiration: new Date(clock.now() + lifetimeMs) };
  };
  return { obtain, calls: () => n, failOn: (...calls: number[]) => failures.push(...calls) };
}

test('renews the configured time before expiry, again and again', async () => {
  const clock = new ManualClock();
  const sts = issuer(clock, 60 * MIN);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain, clock, renewBeforeMs: 5 * MIN });
  const renewed: string[] = [];
  holder.onDidRenew((c) => renewed.push(c.accessKeyId));
  const first = await holder.get();
  assert.equal(first.accessKeyId, 'ASIA1');
  assert.deepEqual(clock.pending(), [55 * MIN]);
  await clock.advance(55 * MIN - 1);
  assert.equal(sts.calls(), 1, 'not yet');
  await clock.advance(1);
  assert.equal(sts.calls(), 2);
  assert.equal(holder.current()?.accessKeyId, 'ASIA2');
  await clock.advance(55 * MIN);
  assert.deepEqual(renewed, ['ASIA1', 'ASIA2', 'ASIA3']);
  assert.equal(holder.expiresAt?.getTime(), clock.now() + 60 * MIN);
  holder.dispose();
  assert.deepEqual(clock.pending(), [], 'no timer left after dispose');
});

test('get() inside the renewal window renews first; concurrent callers share one request', async () => {
  const clock = new ManualClock();
  const sts = issuer(clock, 60 * MIN);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain, clock, renewBeforeMs: 5 * MIN });
  await holder.get();
  clock.time += 56 * MIN; // timer not fired (e.g. the machine slept)
  const [a, b] = await Promise.all([holder.get(), holder.get()]);
  assert.equal(sts.calls(), 2);
  assert.equal(a.accessKeyId, 'ASIA2');
  assert.equal(b, a);
  clock.time += 61 * MIN;
  assert.equal(holder.current(), undefined, 'expired credentials are never handed out');
  holder.dispose();
});

test('a failed renewal is reported and retried later; old credentials stay usable until they expire', async () => {
  const clock = new ManualClock();
  const sts = issuer(clock, 60 * MIN);
  sts.failOn(2, 3);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain, clock, renewBeforeMs: 5 * MIN, retryAfterMs: 30_000 });
  const errors: string[] = [];
  holder.onDidFail((e) => errors.push((e as Error).message));
  await holder.get();
  await clock.advance(55 * MIN);
  assert.deepEqual(errors, ['STS down (call 2)']);
  assert.equal(holder.current()?.accessKeyId, 'ASIA1');
  await clock.advance(30_000);
  assert.deepEqual(errors, ['STS down (call 2)', 'STS down (call 3)']);
  await clock.advance(30_000);
  assert.equal(holder.current()?.accessKeyId, 'ASIA4');
  assert.deepEqual(clock.pending(), [55 * MIN]);
  holder.dispose();
});

test('credentials shorter-lived than the window renew half-way instead of in a loop', async () => {
  const clock = new ManualClock();
  const sts = issuer(clock, 4 * MIN);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain, clock, renewBeforeMs: 5 * MIN });
  await holder.get();
  assert.deepEqual(clock.pending(), [2 * MIN]);
  holder.dispose();
});

test('long-term keys (no expiration) are never renewed', async () => {
  const clock = new ManualClock();
  const holder = new ShortLivedCredentials({ obtain: async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'long-term-secret' }), clock });
  await holder.get();
  assert.deepEqual(clock.pending(), []);
  holder.dispose();
  await assert.rejects(holder.renew(), /disposed/);
});
