// A test that reloads the window ("Developer: Reload Window") ends the extension host and with it this runner. The
// editor starts the runner again after the reload (the workbench URL names it); before reloading, the runner writes
// what it has (results so far, the next UI request id, the test's state) beside the results file, and the new runner
// reads it, skips what already ran and goes on with the test after the one that reloaded.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { E2ETestResult } from '../results';

export interface ResumeFile {
  /** Results of the tests before the reload, the reloading one included. */
  tests: E2ETestResult[];
  /** The name of the test that reloaded. */
  reloadedBy: string;
  nextUiId: number;
  state: unknown;
}

interface RunInProgress {
  resultsPath: string;
  tests: E2ETestResult[];
  current?: { name: string; started: number };
  nextUiId(): number;
}

let run: RunInProgress | undefined;
let resumed: ResumeFile | undefined;

export const resumePath = (resultsPath: string) => `${resultsPath}.resume.json`;

/** Called by the runner as it starts: the file a reload left, read once and removed. */
export function takeResumeFile(resultsPath: string): ResumeFile | undefined {
  const path = resumePath(resultsPath);
  if (!existsSync(path)) return undefined;
  resumed = JSON.parse(readFileSync(path, 'utf8')) as ResumeFile;
  rmSync(path, { force: true });
  return resumed;
}

export function trackRun(progress: RunInProgress): void {
  run = progress;
}

/** What the test before the reload handed on, when this runner started after one. */
export function stateFromBeforeReload<T>(): T | undefined {
  return resumed?.state as T | undefined;
}

/** Reloads the window; the running test counts as passed up to here, and the runner goes on after the reload. */
export function reloadWindowAndContinue(state: unknown): Promise<never> {
  if (!run?.current) throw new Error('reloadWindowAndContinue outside a test run');
  const tests: E2ETestResult[] = [...run.tests, { name: run.current.name, ok: true, ms: Date.now() - run.current.started }];
  const file: ResumeFile = { tests, reloadedBy: run.current.name, nextUiId: run.nextUiId(), state };
  writeFileSync(resumePath(run.resultsPath), JSON.stringify(file, null, 2));
  console.log(`[e2e] reloading the window in "${run.current.name}"`);
  // The command is cancelled as the extension host goes down; this runner must then write nothing more (its results
  // file would end the harness's wait before the runner after the reload has run).
  void Promise.resolve(vscode.commands.executeCommand('workbench.action.reloadWindow')).then(undefined, () => undefined);
  return new Promise<never>(() => undefined);
}
