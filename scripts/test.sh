#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing, builds, type-checks, then unit, integration
# (real JupyterHub, Dask, STS) and end-to-end (real code-server + Chromium) tests. Prints one summary line last.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
export NODE_PATH=/usr/share/nodejs   # Debian's configurable-http-proxy needs it

passed=0; failed=0; status=0
log_dir=.artifacts/test-logs; mkdir -p "$log_dir"

step() { # name, command...
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "=== $name: ok"; else echo "=== $name: FAILED"; status=1; failed=$((failed + 1)); return 1; fi
}

# One node:test tier, bounded per test and in all (scripts/node-tests.sh); adds its pass/fail counts to the totals.
node_tests() { # tier: unit, integration or browser
  local name=$1
  echo "=== $name"
  rm -f "$log_dir/$name.tap"
  bash scripts/node-tests.sh "$name" --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$log_dir/$name.tap"
  local rc=$?
  local p f c
  p=$(grep -sE '^# pass ' "$log_dir/$name.tap" | tail -1 | awk '{print $3}'); f=$(grep -sE '^# fail ' "$log_dir/$name.tap" | tail -1 | awk '{print $3}')
  c=$(grep -sE '^# cancelled ' "$log_dir/$name.tap" | tail -1 | awk '{print $3}')
  f=$((${f:-0} + ${c:-0}))   # a file stopped by its timeout is "cancelled": a failure too
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if ((rc != 0)); then status=1; ((${f:-0} == 0)) && failed=$((failed + 1)); fi
  echo "=== $name: ${p:-0} passed, ${f:-0} failed"
}

step build node esbuild.mjs
step typecheck npx tsc --noEmit -p .
step lint npx eslint --max-warnings 0 .   # vscode only in editor adapters; no import cycles
node_tests unit
node_tests integration
node_tests browser

if [[ "${PANGEO_SKIP_E2E:-}" != "1" ]]; then
  echo "=== e2e"
  node --import tsx test/e2e/run.ts 2>&1 | tee "$log_dir/e2e.log"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$log_dir/e2e.log" | tail -1)
  p=$(sed -E 's/^e2e: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if ((rc != 0)); then status=1; ((${f:-0} == 0)) && failed=$((failed + 1)); fi
fi

echo
echo "tests: $passed passed, $failed failed"
exit $status
