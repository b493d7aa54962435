// The test kernel of issue 18 (ipywidgets 8.1.9 + ipykernel 7.4.0 in a venv over Debian's Python), for the tests of
// widgets, stdin and completions: scripts/install-widget-kernel.sh makes it once (scripts/setup.sh runs it too).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The kernelspec name the test hub's servers list when started with `kernelSpecRoots: [widgetKernelSpecRoot()]`. */
export const WIDGET_KERNEL_NAME = 'python3-widgets';
export const WIDGET_KERNEL_DISPLAY_NAME = 'Python 3 (ipywidgets 8)';

let cached: string | undefined;

/**
 * The kernelspec root to give the test hub (`startTestHub({ kernelSpecRoots: [root] })`). Installs the venv when it is
 * missing; throws (never skips) when the folder of wheels is not on this machine, saying what to do.
 */
export function widgetKernelSpecRoot(): string {
  if (cached) return cached;
  const script = join(__dirname, '..', '..', 'scripts', 'install-widget-kernel.sh');
  let out: string;
  try {
    out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new Error(`The ipywidgets 8 test kernel could not be installed (scripts/install-widget-kernel.sh):\n${stderr}`);
  }
  const root = out.trim().split('\n').pop() ?? '';
  if (!existsSync(join(root, 'kernels', WIDGET_KERNEL_NAME, 'kernel.json'))) throw new Error(`install-widget-kernel.sh printed ${root}, which holds no ${WIDGET_KERNEL_NAME} kernelspec`);
  return (cached = root);
}
