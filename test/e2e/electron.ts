// `npm run test:electron`: the same e2e runner and suites in desktop VS Code via @vscode/test-electron,
// for machines that can download VS Code (on Linux without a display, run under `xvfb-run -a`).
// VSCODE_TEST_VERSION picks the build (default 1.100.3, the version code-server 4.100.3 carries).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleRunner } from './bundleRunner';
import { UNATTENDED_SETTINGS } from './codeServer';
import { runCommand } from './processes';
import { CONFIG_ENV, RESULTS_ENV, failureReason, parseResults, type E2EResults } from './results';

const repoRoot = resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  await runCommand(process.execPath, ['esbuild.mjs'], { cwd: repoRoot });
  const runner = await bundleRunner(repoRoot);
  const scratch = mkdtempSync(join(tmpdir(), 'pangeo-e2e-electron-'));
  try {
    const resultsPath = join(scratch, 'results.json');
    const configPath = join(scratch, 'config.json');
    const workspace = join(scratch, 'workspace');
    const userData = join(scratch, 'user-data');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(UNATTENDED_SETTINGS, null, 2));
    writeFileSync(configPath, '{}');
    let hostError: string | undefined;
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: runner,
      extensionTestsEnv: { [RESULTS_ENV]: resultsPath, [CONFIG_ENV]: configPath },
      launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', join(scratch, 'extensions'),
        '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    }).catch((error: unknown) => {
      hostError = error instanceof Error ? error.message : String(error);
    });
    const results: E2EResults = existsSync(resultsPath)
      ? parseResults(readFileSync(resultsPath, 'utf8'))
      : { passed: 0, failed: 0, tests: [], error: hostError ? `VS Code did not run: ${hostError}` : 'VS Code exited without writing results' };
    for (const t of results.tests) {
      console.log(`  ${t.ok ? 'ok  ' : 'FAIL'} ${t.name}`);
      if (!t.ok && t.error) console.log(t.error.replace(/^/gm, '       '));
    }
    const reason = failureReason(results);
    if (reason) console.log(`  ${reason}`);
    console.log(`e2e: ${results.passed} passed, ${results.failed + (reason && !results.failed ? 1 : 0)} failed`);
    return reason ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
