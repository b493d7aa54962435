#!/usr/bin/env bash
# Runs one node:test tier (unit, integration, browser) with bounds, so a test that hangs fails and the run goes on:
#   bash scripts/node-tests.sh unit [more node --test options, e.g. reporters]
# - per test: test/support/testWatchdog.mjs names a test still running after PANGEO_TEST_TIMEOUT_MS and ends its file;
#   it also ends a file that a failed test's timer or socket keeps running PANGEO_TEST_LINGER_MS after its tests.
# - per file: --test-timeout (node 20 applies it to each file as a whole; node >= 24 to each test), for what the
#   watchdog cannot see (a `before` hook, a file that never gets to its tests).
# - the tier as a whole: stopped with a clear message after its bound (`timeout`, where installed).
set -uo pipefail
cd "$(dirname "$0")/.."

tier=${1:-}; shift || true
case $tier in   # per test, per file (ms), linger (ms), per tier (s), files at once: many times what a loaded 2-core machine needs
  # unit: ~80 files; most of a file's time is starting node and tsx, so two run at once (timing lives on mock timers).
  unit)        test_ms=60000;  file_ms=180000; linger_ms=10000;  tier_s=900;  jobs=2 ;;
  # integration: real hub/kernel/Dask, up to ~50 s a test on a busy machine, ~10 min in all; one file at a time (files
  # at once shared a hub's CLI state and starved a kernel's 1 s start in a trial).
  integration) test_ms=300000; file_ms=900000; linger_ms=120000; tier_s=2700; jobs=1 ;;
  # browser: Chromium; each test also has its own 30-120 s timeout.
  browser)     test_ms=180000; file_ms=600000; linger_ms=60000;  tier_s=1200; jobs=1 ;;
  *) echo "node-tests: unknown tier '$tier' (unit, integration or browser)" >&2; exit 2 ;;
esac

mapfile -t files < <(find "test/$tier" -name '*.test.ts' | sort)
if ((${#files[@]} == 0)); then echo "node-tests: no test files in test/$tier"; exit 0; fi

echo "node-tests: $tier: ${#files[@]} files, $jobs at a time; at most $((test_ms / 1000)) s a test, $((file_ms / 1000)) s a file, $tier_s s in all"
bound=()
command -v timeout >/dev/null && bound=(timeout --kill-after=30 "$tier_s")
PANGEO_TEST_TIMEOUT_MS=$test_ms PANGEO_TEST_LINGER_MS=$linger_ms "${bound[@]}" node --import tsx --import ./test/support/testWatchdog.mjs \
  --test --test-concurrency="$jobs" --test-timeout="$file_ms" "$@" "${files[@]}"
rc=$?
if ((${#bound[@]} > 0 && (rc == 124 || rc == 137))); then
  echo "node-tests: FAILED: the $tier tier was still running after $tier_s s and was stopped (a test hung past its bound?)"
fi
exit $rc
