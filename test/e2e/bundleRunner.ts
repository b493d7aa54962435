// Bundles the in-editor runner and every test/e2e/suite/*.e2e.ts into one CommonJS file the extension host loads.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export const RUNNER_OUTFILE = join('out', 'e2e', 'runner.js');

/** Writes `<repo>/out/e2e/runner.js` and returns its absolute path. */
export async function bundleRunner(repoRoot: string): Promise<string> {
  const suites = readdirSync(join(repoRoot, 'test/e2e/suite'))
    .filter((f) => f.endsWith('.e2e.ts'))
    .sort();
  // Each suite is required on its own so one that throws while loading is reported, not fatal.
  const entry = [
    "const runner = require('./test/e2e/runner/index');",
    ...suites.map(
      (f) => `try { require(${JSON.stringify(`./test/e2e/suite/${f}`)}); } catch (e) { runner.reportLoadError(e); }`,
    ),
    'module.exports = { run: runner.run };',
  ].join('\n');
  const outfile = join(repoRoot, RUNNER_OUTFILE);
  await esbuild.build({
    stdin: { contents: entry, resolveDir: repoRoot, sourcefile: 'e2e-runner-entry.js', loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
    outfile,
  });
  return outfile;
}
