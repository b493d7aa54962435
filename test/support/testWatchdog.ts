// Preloaded into every test file by scripts/node-tests.sh (`--import`): a test still running after
// PANGEO_TEST_TIMEOUT_MS is named on stderr and its file's process ends, so the run goes on with the next file.
// Node 20's --test-timeout cannot do this: it bounds a whole file and never says which test hung (node >= 24 bounds each test).
import { afterEach, beforeEach } from 'node:test';

const limitMs = Number(process.env.PANGEO_TEST_TIMEOUT_MS);
// Taken now: a test may mock the global timers (mock.timers) while its watchdog runs.
const { setTimeout: startTimer, clearTimeout: stopTimer } = globalThis;

if (limitMs > 0) {
  // One per running test (hooks get the test's own context): a test's subtests have theirs beside the test's.
  const watchdogs = new Map<object, NodeJS.Timeout>();
  beforeEach((t) => {
    const name = (t as { fullName?: string }).fullName ?? t.name; // "suite > test" (node >= 20.16)
    const timer = startTimer(() => {
      process.stderr.write(`\n✖ test "${name}" was still running after ${limitMs / 1000} s: stopped with the rest of its file (PANGEO_TEST_TIMEOUT_MS)\n`);
      process.exit(1);
    }, limitMs);
    timer.unref(); // never what keeps a finished file running
    watchdogs.set(t, timer);
  });
  afterEach((t) => {
    stopTimer(watchdogs.get(t));
    watchdogs.delete(t);
  });
}
