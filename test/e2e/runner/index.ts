// The in-editor test runner (extensionTestsPath): runs the registered e2e tests one by one and writes
// {passed, failed, tests} to the results file. It never throws: code-server's host exits 0 either way,
// so the file is the only verdict.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import { HOLD_ENV, RESULTS_ENV, type E2EResults, type E2ETestResult } from '../results';
import { e2eConfig } from './config';
import { registeredTests, type RegisteredTest } from './registry';
import { takeResumeFile, trackRun } from './reload';
import { nextUiId, setNextUiId } from './ui';

/** Suites are imported by the bundle entry before run() is called; loading errors land here. */
let loadError: string | undefined;
export function reportLoadError(error: unknown): void {
  loadError = describe(error);
}

export async function run(): Promise<void> {
  const resultsPath = process.env[RESULTS_ENV] ?? join(tmpdir(), 'pangeo-e2e-results.json');
  const results: E2EResults = { passed: 0, failed: 0, tests: [] };
  try {
    if (loadError) throw new Error(`a suite failed to load: ${loadError}`);
    const grep = e2eConfig().grep;
    let selected = registeredTests().filter((t) => !grep || grep.some((g) => t.name.includes(g)));
    // Started again by a reload one of the tests made: go on after that test.
    const resume = takeResumeFile(resultsPath);
    if (resume) {
      results.tests.push(...resume.tests);
      setNextUiId(resume.nextUiId);
      const at = selected.findIndex((t) => t.name === resume.reloadedBy);
      // Never from the start again: that would reload again, and again.
      if (at < 0) throw new Error(`the window was reloaded by "${resume.reloadedBy}", which is not among the selected tests`);
      selected = selected.slice(at + 1);
      console.log(`[e2e] the window was reloaded in "${resume.reloadedBy}"; going on with ${selected.length} test(s)`);
    }
    const progress = { resultsPath, tests: results.tests, current: undefined as { name: string; started: number } | undefined, nextUiId };
    trackRun(progress);
    for (const t of selected) {
      progress.current = { name: t.name, started: Date.now() };
      const result = await runOne(t);
      results.tests.push(result);
      console.log(`[e2e] ${result.ok ? 'ok  ' : 'FAIL'} ${t.name}${result.error ? `\n${result.error}` : ''}`);
    }
    // Leave the Pangeo view on screen for the harness's screenshot.
    await vscode.commands.executeCommand('workbench.view.extension.pangeo').then(undefined, () => undefined);
  } catch (error) {
    results.error = describe(error);
  }
  results.passed = results.tests.filter((t) => t.ok).length;
  results.failed = results.tests.length - results.passed;
  try {
    mkdirSync(dirname(resultsPath), { recursive: true });
    writeFileSync(resultsPath, JSON.stringify(results, null, 2));
  } catch (error) {
    console.error(`[e2e] could not write ${resultsPath}: ${describe(error)}`);
  }
  await holdForHarness(resultsPath);
}

async function runOne(t: RegisteredTest): Promise<E2ETestResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
    });
    await Promise.race([Promise.resolve().then(t.fn), timeout]);
    return { name: t.name, ok: true, ms: Date.now() - started };
  } catch (error) {
    return { name: t.name, ok: false, error: describe(error), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * When the harness asks (PANGEO_E2E_HOLD), keeps the extension host (and so the workbench) alive
 * until the harness has looked at the UI: it writes `<results>.done` when finished.
 * Bounded, so a vanished harness can't hang the host.
 */
async function holdForHarness(resultsPath: string): Promise<void> {
  if (!process.env[HOLD_ENV]) return;
  const until = Date.now() + 60_000;
  while (Date.now() < until && !existsSync(`${resultsPath}.done`)) {
    await new Promise((r) => setTimeout(r, 200));
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
