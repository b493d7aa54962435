// A student's click on a code-server preset link: code-server with the installed .vsix, Chromium opening the https
// link (`?payload=[["openFile","pangeo-preset:/preset?data=…"]]`) as a browser would, and the review page showing
// the preset — the path no `code-oss://` link can take from a web page. Saves .artifacts/e2e/preset-link-code-server.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, type OpenWorkbench } from './browser';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { sleep } from './processes';
import { webviewText } from './uiRequests';
import { codeServerPresetLink } from '../../src/presets/presetLink';

export async function presetLinkOpensInCodeServer(opts: { codeServerBin: string; scratch: string; extensionsDir: string; artifactsDir: string }): Promise<void> {
  const workspace = join(opts.scratch, 'link-workspace');
  mkdirSync(workspace, { recursive: true });
  let server: RunningCodeServer | undefined;
  let workbench: OpenWorkbench | undefined;
  try {
    // The walkthrough on, as for a student whose hub image has the extension: the link's review page must win over it.
    server = await startCodeServer({ bin: opts.codeServerBin, scratchDir: join(opts.scratch, 'link-editor'), extensionsDir: opts.extensionsDir,
      machineSettings: { 'workbench.welcomePage.walkthroughs.openOnInstall': true } });
    const name = `Link from a web page ${Date.now().toString(36)}`;
    const page = new URL(`${server.origin}/`);
    page.searchParams.set('folder', workspace);
    const link = codeServerPresetLink({ version: 1, name, kernel: { name: 'python3' } }, page.toString());
    workbench = await openWorkbench(link);
    const heading = await webviewText(workbench.page, '[data-testid="preset-name"]', `Apply the preset “${name}”\\?`, 90_000);
    if (!heading.includes(name)) throw new Error(`the review page reads ${heading}`);
    const reviewShownAt = Date.now();
    const source = await webviewText(workbench.page, '[data-testid="preset-source"]', undefined, 10_000);
    if (!/the preset was inside the link/.test(source)) throw new Error(`the review page names the source as ${source}`);
    // The placeholder file the link opened is closed again (a reload would otherwise open the review once more).
    for (let i = 0; i < 40; i++) {
      const tabs = await workbench.page.locator('.tabs-container .tab').allInnerTexts();
      if (!tabs.some((t) => /^\s*preset\b/.test(t))) break;
      if (i === 39) throw new Error(`the pangeo-preset tab is still open: ${tabs.join(' | ')}`);
      await sleep(250);
    }
    // The walkthrough of this first start waits for the next one: it must not open over the review page (it waits
    // 3 s after the start before it decides; 1 run in 34 saw it cover the page before it counted a link that arrived).
    await sleep(Math.max(0, reviewShownAt + 5_000 - Date.now()));
    const tabs = await workbench.page.locator('.tabs-container .tab').allInnerTexts();
    if (tabs.some((t) => /Walkthrough/.test(t))) throw new Error(`the walkthrough opened beside the review page: ${tabs.join(' | ')}`);
    await workbench.page.screenshot({ path: join(opts.artifactsDir, 'preset-link-code-server.png') });
  } catch (error) {
    if (workbench) await workbench.page.screenshot({ path: join(opts.artifactsDir, 'preset-link-code-server-failed.png') }).catch(() => undefined);
    const log = workbench ? `\nbrowser console (last lines):\n${workbench.console().slice(-15).join('\n')}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${log}`);
  } finally {
    await workbench?.close();
    await server?.stop();
  }
}
