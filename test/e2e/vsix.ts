// Packages the extension (`npm run package`), checks the .vsix's size and contents, installs it into a
// fresh code-server extensions dir and proves it activates there: a throwaway "probe" extension under
// development carries the same runner, which asserts the extension was loaded from the installed copy.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installExtension } from './codeServer';
import { runInCodeServer } from './harness';
import { presetLinkOpensInCodeServer } from './presetLinkInBrowser';
import { runCommand, scratchDir } from './processes';
import type { E2EResults, E2ETestResult } from './results';

export const VSIX_SIZE_LIMIT = 1.5 * 1024 * 1024;

/** Paths that must never ship: sources, tests, maps, dependencies, scripts, configs. */
const FORBIDDEN = [/^extension\/src\//, /^extension\/test\//, /\.map$/, /^extension\/node_modules\//, /^extension\/scripts\//,
  /^extension\/out\//, /^extension\/bench\//, /\.ts$/, /^extension\/tsconfig\.json$/, /^extension\/esbuild\.mjs$/];

export interface VsixCheckOptions {
  repoRoot: string;
  codeServerBin: string;
  /** The bundled e2e runner (out/e2e/runner.js). */
  runnerPath: string;
  artifactsDir: string;
}

export async function checkVsix(options: VsixCheckOptions): Promise<E2EResults> {
  const tests: E2ETestResult[] = [];
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
    const started = Date.now();
    try {
      const value = await work();
      tests.push({ name, ok: true, ms: Date.now() - started });
      return value;
    } catch (error) {
      tests.push({ name, ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - started });
      return undefined;
    }
  };
  const done = (extra?: E2EResults): E2EResults => {
    const all = [...tests, ...(extra?.tests ?? []).map((t) => ({ ...t, name: `installed: ${t.name}` }))];
    const passed = all.filter((t) => t.ok).length;
    return { passed, failed: all.length - passed, tests: all, error: extra?.error };
  };

  const vsix = await step('vsix: npm run package makes pangeo-compute-<version>.vsix', () => packageVsix(options.repoRoot));
  if (!vsix) return done();
  await step('vsix: smaller than 1.5 MB', async () => {
    const size = statSync(vsix).size;
    console.log(`e2e: ${vsix} is ${(size / 1024).toFixed(0)} KiB (${size} bytes)`);
    if (size >= VSIX_SIZE_LIMIT) throw new Error(`${size} bytes ≥ ${VSIX_SIZE_LIMIT}`);
  });
  await step('vsix: dist/extension.js is under 400 KB; its feature chunks ship beside it', async () => {
    const { EXTENSION_BUNDLE_CAP, FEATURE_CHUNKS } = await import('../../scripts/extensionBundles.mjs');
    const size = statSync(join(options.repoRoot, 'dist', 'extension.js')).size;
    console.log(`e2e: dist/extension.js is ${(size / 1024).toFixed(0)} KiB (${size} bytes)`);
    if (size >= EXTENSION_BUNDLE_CAP) throw new Error(`dist/extension.js is ${size} bytes ≥ ${EXTENSION_BUNDLE_CAP} (npm run bundle-report)`);
    const entries = await listZip(vsix);
    const missing = Object.keys(FEATURE_CHUNKS).map((name) => `extension/dist/chunks/${name}.js`).filter((f) => !entries.includes(f));
    if (missing.length) throw new Error(`not packaged: ${missing.join(', ')}`);
  });
  await step('vsix: ships no sources, tests, maps or node_modules', async () => {
    const entries = await listZip(vsix);
    const bad = entries.filter((e) => FORBIDDEN.some((re) => re.test(e)));
    if (bad.length) throw new Error(`should not be packaged: ${bad.slice(0, 20).join(', ')}`);
    // The extension host starts the identity.json worker thread from its own file (src/dashboard/metrics/identityOffThread.ts).
    for (const f of ['extension/dist/extension.js', 'extension/dist/threads/identity.js']) if (!entries.includes(f)) throw new Error(`${f} is missing`);
  });

  const scratchDirectory = scratchDir('pangeo-e2e-vsix-');
  const scratch = scratchDirectory.path;
  try {
    const extensionsDir = join(scratch, 'extensions');
    mkdirSync(extensionsDir, { recursive: true });
    const installed = await step('vsix: code-server --install-extension installs it', async () => {
      await installExtension(options.codeServerBin, scratch, extensionsDir, vsix);
      const list = await runCommand(options.codeServerBin, ['--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', extensionsDir, '--list-extensions'], {
        env: { ...process.env, CODE_SERVER_CONFIG: join(scratch, 'code-server.yaml') },
      });
      if (!list.split('\n').includes('pangeo-compute.pangeo-compute')) throw new Error(`not listed as installed: ${list}`);
      return true;
    });
    if (!installed) return done();
    await step('vsix: a code-server preset link (https, opened by the browser) shows the review page', () =>
      presetLinkOpensInCodeServer({ codeServerBin: options.codeServerBin, scratch, extensionsDir, artifactsDir: options.artifactsDir }));
    const probe = writeProbeExtension(join(scratch, 'probe'), options.runnerPath);
    const editor = await runInCodeServer({
      name: 'vsix-installed',
      codeServerBin: options.codeServerBin,
      extensionDevelopmentPath: probe,
      extensionTestsPath: join(probe, 'runner.js'),
      extensionsDir,
      config: { grep: ['activation'], expectExtensionUnder: extensionsDir },
      artifactsDir: options.artifactsDir,
    });
    return done(editor);
  } finally {
    scratchDirectory.remove();
  }
}

/** Runs `npm run package` and returns the absolute path of the .vsix named after package.json's version. */
async function packageVsix(repoRoot: string): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(repoRoot, `${pkg.name}-${pkg.version}.vsix`);
  rmSync(vsix, { force: true });
  await runCommand('npm', ['run', '--silent', 'package'], { cwd: repoRoot, timeoutMs: 300_000 });
  statSync(vsix); // throws when vsce named it differently
  return vsix;
}

async function listZip(file: string): Promise<string[]> {
  const out = await runCommand('unzip', ['-Z1', file]);
  return out.split('\n').filter(Boolean);
}

/** A do-nothing extension whose only job is to host the test runner next to the installed .vsix. */
export function writeProbeExtension(dir: string, runnerPath: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'pangeo-e2e-probe', publisher: 'pangeo-compute', version: '0.0.0', engines: { vscode: '^1.100.0' },
  }));
  copyFileSync(runnerPath, join(dir, 'runner.js'));
  return dir;
}
