// The extension as a user has it installed, without packaging a .vsix: what the .vsix ships (see .vscodeignore),
// copied into a folder the harness installs unpacked. An extension under development is never disabled by its
// manifest's capabilities (virtualWorkspaces), an installed one is: the virtual workspace run needs this form.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const SHIPPED = ['package.json', 'README.md', 'LICENSE', 'dist', 'media', 'schemas'];

/** Copies the shipped files of `repoRoot` (built: dist/ must exist) into `dir` and returns it. */
export function installedCopy(repoRoot: string, dir: string): string {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: build first (node esbuild.mjs)');
  for (const entry of SHIPPED) {
    if (existsSync(join(repoRoot, entry))) cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}
