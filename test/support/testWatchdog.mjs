// Preloaded into every test file by scripts/node-tests.sh (`--import`), so that no test file can hang a run:
// - a test still running after PANGEO_TEST_TIMEOUT_MS is named on stderr and its file's process ends (the run goes on
//   with the next file). Node 20's --test-timeout cannot: it bounds a whole file and never says which test hung.
// - a file still up PANGEO_TEST_LINGER_MS after its tests and `after` hooks began to finish (a failed test's interval or
//   socket keeps it alive) is ended. --test-force-exit would too, but in node 20 it cuts the TAP file's summary short.
// Plain JavaScript: worker threads inherit --import but not tsx's loader, and must be able to load it (it does nothing there).
import { after, afterEach, beforeEach } from 'node:test';
import { isMainThread } from 'node:worker_threads';

// In a worker thread a test starts, hooks would make the thread a test file of its own.
const limitMs = isMainThread ? Number(process.env.PANGEO_TEST_TIMEOUT_MS) : 0;
const lingerMs = isMainThread ? Number(process.env.PANGEO_TEST_LINGER_MS) : 0;
// Taken now: a test may mock the global timers (mock.timers) while its watchdog runs.
const { setTimeout: startTimer, clearTimeout: stopTimer } = globalThis;

/** @param {string} why */
function end(why) {
  process.stderr.write(`\n✖ ${why}\n`);
  process.exit(); // with the exit code the runner set (1 after a failed test)
}

if (limitMs > 0) {
  // One per running test (hooks get the test's own context): a test's subtests have theirs beside the test's.
  /** @type {Map<object, NodeJS.Timeout>} */
  const watchdogs = new Map();
  beforeEach((t) => {
    const name = t.fullName ?? t.name; // "suite > test" (node >= 20.16)
    const timer = startTimer(() => {
      process.exitCode = 1;
      end(`test "${name}" was still running after ${limitMs / 1000} s: stopped with the rest of its file (PANGEO_TEST_TIMEOUT_MS)`);
    }, limitMs);
    timer.unref(); // never what keeps a finished file running
    watchdogs.set(t, timer);
  });
  afterEach((t) => {
    stopTimer(watchdogs.get(t));
    watchdogs.delete(t);
  });
}

if (lingerMs > 0) {
  // The first of the file's `after` hooks (node runs them in order, and this one was registered first): the grace
  // covers the file's own cleanup (stopping a hub) too.
  after(() => {
    startTimer(() => end(`the file's tests ended ${lingerMs / 1000} s ago but a timer or socket kept it running: ended (PANGEO_TEST_LINGER_MS)`), lingerMs).unref();
  });
}
