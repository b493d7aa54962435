// Mocked setTimeout/setInterval for one unit test: time moves only when the test says so, so a busy machine cannot
// change what a timing test sees, and no real timer outlives it (node:test undoes the mock when the test ends, also
// after a failed assert). setImmediate stays real: it is how the work a timer starts is let run.
import type { TestContext } from 'node:test';

const ROUNDS = 20;

/** Lets the promise chains and in-process I/O callbacks that have been started run until they wait again. */
export async function settle(rounds = ROUNDS): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export interface MockClock {
  /** Without moving time: runs the timers due now (a poll loop's first round, set while settling too) and the work they start. */
  settle(): Promise<void>;
  /**
   * Moves time on by `ms` in steps of `stepMs` (default: one step), settling after each: a timer set by a callback (a
   * poll loop's next round) fires in a later step, as it would in real time. A timer fires when a step reaches or passes
   * its time, and (with `date`) sees Date.now() at the end of that step: steps that divide the waits give exact times.
   */
  advance(ms: number, stepMs?: number): Promise<void>;
}

/** `date`: Date.now() moves with the mocked timers too (from the real time now), for code that measures elapsed time. */
export function mockClock(t: TestContext, opts: { date?: boolean } = {}): MockClock {
  if (opts.date) t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.now() });
  else t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  const settleDue = async () => {
    for (let i = 0; i < ROUNDS; i++) {
      t.mock.timers.tick(0);
      await new Promise((r) => setImmediate(r));
    }
  };
  return {
    settle: settleDue,
    async advance(ms, stepMs = ms) {
      await settleDue(); // what is due now runs before time moves, as it would in real time
      for (let left = ms; left > 0;) {
        const step = Math.min(Math.max(stepMs, 1), left);
        t.mock.timers.tick(step);
        left -= step;
        await settleDue();
      }
    },
  };
}

/**
 * For tests that enable node:test's `mock.timers` themselves: moves it by `ms` in 1 ms steps, running what is due and
 * settling at each, so a tick's awaits finish before the next timer fires.
 */
export async function stepTimers(timers: { tick(ms: number): void }, ms: number): Promise<void> {
  for (let i = 0; i <= ms; i++) {
    // Timers due now fire at this time, before the clock moves on.
    timers.tick(0);
    await new Promise((r) => setImmediate(r));
    if (i < ms) timers.tick(1);
  }
}
