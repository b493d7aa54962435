// The results file the in-editor runner writes and the harness reads: the editor's exit code can't be trusted.

export interface E2ETestResult {
  name: string;
  ok: boolean;
  error?: string;
  ms?: number;
}

export interface E2EResults {
  passed: number;
  failed: number;
  tests: E2ETestResult[];
  /** Set when the runner itself broke (e.g. a suite threw while loading). */
  error?: string;
}

/** Env var naming the results file; set on the code-server process, inherited by the extension host. */
export const RESULTS_ENV = 'PANGEO_E2E_RESULTS';
/** Env var asking the runner to wait for `<results>.done` before returning (the UI is checked meanwhile). */
export const HOLD_ENV = 'PANGEO_E2E_HOLD';
/** Env var naming a JSON file with scenario settings (hub URLs, tokens, expectations). */
export const CONFIG_ENV = 'PANGEO_E2E_CONFIG';

/** What a harness hands to the tests through the file named by PANGEO_E2E_CONFIG. */
export interface E2EConfig {
  /** Only run tests whose name contains one of these (all when absent). */
  grep?: string[];
  /** When set, the extension under test must have been loaded from below this directory (installed .vsix). */
  expectExtensionUnder?: string;
  /** Free-form settings for later scenarios (hub URL, tokens, ...). */
  [key: string]: unknown;
}

/** Why a results object is not a pass, or undefined when it is one. */
export function failureReason(results: E2EResults | undefined): string | undefined {
  if (!results) return 'no results file was written (the runner did not run or crashed)';
  if (results.error) return `runner error: ${results.error}`;
  if (results.tests.length === 0) return 'zero tests ran';
  if (results.failed > 0) return `${results.failed} test(s) failed`;
  if (results.passed !== results.tests.length) return 'results are inconsistent';
  return undefined;
}

/** Parses a results file's text, rejecting anything that is not results-shaped. */
export function parseResults(text: string): E2EResults {
  const value = JSON.parse(text) as Partial<E2EResults>;
  if (typeof value !== 'object' || value === null || !Array.isArray(value.tests)) {
    throw new Error('results file is not {passed, failed, tests}');
  }
  const tests = value.tests.map((t) => ({ name: String(t.name), ok: t.ok === true, error: t.error, ms: t.ms }));
  return {
    passed: tests.filter((t) => t.ok).length,
    failed: tests.filter((t) => !t.ok).length,
    tests,
    error: typeof value.error === 'string' ? value.error : undefined,
  };
}
