// Headless Chromium (the Debian one, through playwright-core) pointed at a code-server workbench.
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PANGEO_E2E_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface WorkbenchPayload {
  /** Absolute path on the server of the extension under development. */
  extensionDevelopmentPath?: string;
  /** Absolute path on the server of the bundled test runner. */
  extensionTestsPath?: string;
}

/**
 * The workbench URL; code-server rejects --extensionDevelopmentPath on its CLI but takes it in `payload`. A path
 * ending in `.code-workspace` opens that (multi-root) workspace, anything else a folder.
 */
export function workbenchUrl(origin: string, folder: string, payload: WorkbenchPayload): string {
  const remote = `vscode-remote://${new URL(origin).host}`;
  const entries: [string, string][] = [];
  if (payload.extensionDevelopmentPath) entries.push(['extensionDevelopmentPath', remote + payload.extensionDevelopmentPath]);
  if (payload.extensionTestsPath) entries.push(['extensionTestsPath', remote + payload.extensionTestsPath]);
  const query = new URLSearchParams(folder.endsWith('.code-workspace') ? { workspace: folder } : { folder });
  if (entries.length) query.set('payload', JSON.stringify(entries));
  return `${origin}/?${query.toString()}`;
}

export interface OpenWorkbench {
  page: Page;
  /** Browser console lines, for diagnosing a run that never reported. */
  console(): string[];
  close(): Promise<void>;
}

export async function openWorkbench(url: string): Promise<OpenWorkbench> {
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS, // launch() gives Chromium a fresh temporary profile of its own
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const lines: string[] = [];
    page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`.slice(0, 2000)));
    page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const opened = browser;
    return {
      page,
      console: () => lines,
      async close() {
        await opened.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    throw error;
  }
}
