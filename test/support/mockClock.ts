// Mocked setTimeout/setInterval for one unit test: time moves only when the test says so, so a busy machine cannot
// change what a timing test sees, and no real timer outlives it (node:test undoes the mock when the test ends, also
// after a failed assert). setImmediate stays real: it is how the work a timer starts is let run.
import type { TestContext } from 'node:test';

/** Lets the promise chains and in-process I/O callbacks that have been started run until they wait again. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export interface MockClock {
  /**
   * Moves time on by `ms` in steps of `stepMs` (default: one step), settling after each: a timer set by a callback (a
   * poll loop's next round) fires in a later step, as it would in real time. `advance(0)` runs what is due now.
   */
  advance(ms: number, stepMs?: number): Promise<void>;
}

export function mockClock(t: TestContext): MockClock {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  return {
    async advance(ms, stepMs = ms) {
      let left = ms;
      do {
        const step = Math.min(Math.max(stepMs, 1), left);
        t.mock.timers.tick(step);
        left -= step;
        await settle();
      } while (left > 0);
    },
  };
}
