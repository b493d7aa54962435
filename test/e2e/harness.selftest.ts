// Proves the harness can fail: a failing test, an empty run and a runner that never reports are all
// caught, an error notification on screen is seen, the config file reaches the tests, and nothing it
// started is left running.
// Run: node --import tsx --test test/e2e/harness.selftest.ts   (~1 min; needs code-server and chromium)
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { bundleRunner } from './bundleRunner';
import { installCodeServer } from './codeServer';
import { runInCodeServer, type HarnessOptions } from './harness';
import { failureReason } from './results';

const repoRoot = resolve(__dirname, '..', '..');
const artifactsDir = join(repoRoot, '.artifacts', 'e2e', 'selftest');
let base: Omit<HarnessOptions, 'name'>;
const scratch = mkdtempSync(join(tmpdir(), 'pangeo-e2e-selftest-'));

before(async () => {
  const runner = await bundleRunner(repoRoot);
  const codeServerBin = await installCodeServer(repoRoot);
  base = { codeServerBin, extensionDevelopmentPath: repoRoot, extensionTestsPath: runner, artifactsDir };
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Our code-server/Chromium processes all carry a `pangeo-e2e-` scratch path on their command line. */
function leftovers(): string {
  try {
    return execFileSync('pgrep', ['-af', 'pangeo-e2e-(workbench|selftest-case)'], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

test('a failing test fails the run, and the config file reaches the tests', async () => {
  const results = await runInCodeServer({ ...base, name: 'selftest-case-fail', config: { expectExtensionUnder: '/nonexistent' } });
  const placed = results.tests.find((t) => t.name.endsWith('loaded from the expected place'));
  assert.equal(placed?.ok, false, JSON.stringify(results));
  assert.match(placed?.error ?? '', /expected under \/nonexistent/);
  assert.ok(results.passed > 0, 'the other tests still ran');
  assert.match(failureReason(results) ?? '', /failed/);
  assert.equal(leftovers(), '');
});

test('a run with zero tests fails', async () => {
  const results = await runInCodeServer({ ...base, name: 'selftest-case-empty', config: { grep: ['no such test'] } });
  assert.match(failureReason(results) ?? '', /zero tests/);
});

test('a runner that throws before reporting fails the run within the timeout', async () => {
  const broken = join(repoRoot, 'out', 'e2e', 'broken-runner.js');
  writeFileSync(broken, "throw new Error('runner exploded while loading');\n");
  try {
    const results = await runInCodeServer({ ...base, name: 'selftest-case-broken', extensionTestsPath: broken, timeoutMs: 15_000 });
    assert.equal(results.tests.length, 0);
    assert.match(failureReason(results) ?? '', /no results|runner error/);
  } finally {
    rmSync(broken, { force: true });
  }
  assert.equal(leftovers(), '');
});

test('an error notification on screen fails the UI check', async () => {
  // A throwaway extension that shows an error when it starts; the runner lives inside it.
  const ext = join(scratch, 'noisy');
  mkdirSync(ext, { recursive: true });
  writeFileSync(join(ext, 'package.json'), JSON.stringify({
    name: 'noisy', publisher: 'pangeo-e2e', version: '0.0.0', engines: { vscode: '^1.100.0' },
    main: './extension.js', activationEvents: ['*'],
  }));
  writeFileSync(join(ext, 'extension.js'),
    "exports.activate = () => { require('vscode').window.showErrorMessage('noisy extension failed on purpose'); };\n");
  copyFileSync(base.extensionTestsPath, join(ext, 'runner.js'));
  const results = await runInCodeServer({
    ...base, name: 'selftest-case-noisy', extensionDevelopmentPath: ext, extensionTestsPath: join(ext, 'runner.js'),
  });
  const check = results.tests.find((t) => t.name === 'ui: no error notifications');
  assert.equal(check?.ok, false, JSON.stringify(results));
  assert.match(check?.error ?? '', /noisy extension failed on purpose/);
});
