// The identity.json worker thread bundled as esbuild.mjs bundles it (dist/threads/identity.js), into a temporary folder,
// so tests run the real thread without a build of the whole extension.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | undefined;

export function identityThreadScript(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pangeo-identity-thread-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const outfile = join(dir, 'identity.js');
    await build({ entryPoints: [join(__dirname, '../../../src/dashboard/metrics/identityThread.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    return outfile;
  })();
  return built;
}
