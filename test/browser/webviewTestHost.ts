// A stand-in for the editor around our webviews: serves the page our pure HTML builder makes (same CSP),
// stubs acquireVsCodeApi, relays messages both ways, and applies light/dark --vscode-* themes.
import { createServer, Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, Browser, Page } from 'playwright-core';
import { buildWebviewHtml } from '../../src/editor/webview/webviewHtml';
import { makeNonce } from '../../src/editor/webview/nonce';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Bundles the webviews exactly as esbuild.mjs does, into a temp folder (independent of the rest of the build). */
export async function bundleWebviews(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'pangeo-webviews-'));
  await esbuild.build({
    entryPoints: { dashboard: 'webviews/dashboard/main.ts', cost: 'webviews/cost/main.ts', presetReview: 'webviews/presetReview/main.ts' },
    outdir: out, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'text' },
    minify: true, logLevel: 'warning', legalComments: 'none',
  });
  return out;
}

export interface ServedPages {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves /<view>.html (built by buildWebviewHtml with a fresh nonce each load) and /dist/webviews/<view>.js. */
export async function servePages(bundleDir: string): Promise<ServedPages> {
  let origin = '';
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const page = /^\/(dashboard|cost|presetReview)\.html$/.exec(path);
    const script = /^\/dist\/webviews\/(dashboard|cost|presetReview)\.js$/.exec(path);
    if (page) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(buildWebviewHtml({ title: page[1]!, nonce: makeNonce(), cspSource: origin, scriptUri: `${origin}/dist/webviews/${page[1]}.js` }));
    } else if (script) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(readFileSync(join(bundleDir, `${script[1]}.js`)));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { origin, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** playwright's launch() always uses a fresh temporary profile (it refuses --user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// A subset of VS Code's Default Light / Dark Modern / Dark High Contrast colours, set the way the editor sets them on <html>.
export const THEMES = {
  light: { bodyClass: 'vscode-light', vars: {
    '--vscode-foreground': '#3b3b3b', '--vscode-editor-background': '#ffffff', '--vscode-font-family': 'system-ui, sans-serif',
    '--vscode-font-size': '13px', '--vscode-button-background': '#005fb8', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5', '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-input-border': '#cecece',
    '--vscode-panel-border': '#e5e5e5', '--vscode-badge-background': '#cccccc', '--vscode-badge-foreground': '#3b3b3b',
    '--vscode-errorForeground': '#f85149', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34', '--vscode-charts-red': '#e51400', '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-editorWidget-border': '#e5e5e5', '--vscode-testing-iconPassed': '#388a34',
  } },
  dark: { bodyClass: 'vscode-dark', vars: {
    '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1f1f1f', '--vscode-font-family': 'system-ui, sans-serif',
    '--vscode-font-size': '13px', '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-input-border': '#3c3c3c',
    '--vscode-panel-border': '#2b2b2b', '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8',
    '--vscode-errorForeground': '#f85149', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-sideBar-background': '#181818',
    '--vscode-editorWidget-border': '#454545', '--vscode-testing-iconPassed': '#73c991',
  } },
  'high-contrast': { bodyClass: 'vscode-high-contrast', vars: {
    '--vscode-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-font-family': 'system-ui, sans-serif',
    // VS Code 1.100's Dark High Contrast sets no button.background, button.secondaryBackground nor their hover colours.
    '--vscode-font-size': '13px', '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#6fc3df', '--vscode-button-secondaryForeground': '#ffffff', '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-input-background': '#000000', '--vscode-input-foreground': '#ffffff', '--vscode-input-border': '#6fc3df',
    '--vscode-panel-border': '#6fc3df', '--vscode-badge-background': '#000000', '--vscode-badge-foreground': '#ffffff',
    '--vscode-errorForeground': '#f48771', '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185', '--vscode-charts-red': '#f14c4c', '--vscode-sideBar-background': '#000000',
    '--vscode-editorWidget-border': '#6fc3df', '--vscode-contrastBorder': '#6fc3df', '--vscode-testing-iconPassed': '#73c991',
  } },
} as const;

export type ThemeName = keyof typeof THEMES;

/** Switches the page's theme as the editor does when the user picks another one (variables on <html>, body class). */
export async function setTheme(w: WebviewUnderTest, theme: ThemeName): Promise<void> {
  const t = THEMES[theme];
  await w.page.evaluate(({ vars, bodyClass }) => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(bodyClass);
  }, { vars: t.vars, bodyClass: t.bodyClass });
  await w.page.evaluate(() => new Promise(requestAnimationFrame));
}

/** WCAG contrast ratio of two CSS colours as the browser resolves them ("rgb(…)" / "rgba(…)" over `background`). */
export function contrast(fg: string, background: string): number {
  const parse = (c: string) => (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(',').map((x) => Number(x.trim()));
  const [br, bg, bb] = parse(background);
  const [r, g, b, a = 1] = parse(fg);
  // An alpha colour is seen blended over the background.
  const mix = [r! * a + br! * (1 - a), g! * a + bg! * (1 - a), b! * a + bb! * (1 - a)];
  const lum = (v: number[]) => {
    const [R, G, B] = v.map((x) => { const s = x / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
  };
  const [l1, l2] = [lum(mix), lum([br!, bg!, bb!])].sort((x, y) => y - x);
  return (l1! + 0.05) / (l2! + 0.05);
}

export interface WebviewUnderTest {
  page: Page;
  /** Everything the webview posted, in order. */
  posted: unknown[];
  cspViolations: string[];
  /** Delivers a host message (or anything else, to see it refused) as the editor would (window 'message' event). */
  send(m: unknown): Promise<void>;
}

/**
 * Opens a webview page with the acquireVsCodeApi stub installed before the bundle runs.
 * `onPost` plays the extension host: it receives what the webview posts.
 */
export async function openWebview(browser: Browser, origin: string, view: 'dashboard' | 'cost' | 'presetReview', theme: ThemeName,
  onPost: (m: unknown) => void | Promise<void>, viewport = { width: 1200, height: 1000 }): Promise<WebviewUnderTest> {
  const page = await browser.newPage({ viewport });
  const posted: unknown[] = [];
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) cspViolations.push(m.text());
  });
  await page.exposeFunction('__pangeoHostReceive', async (m: unknown) => {
    posted.push(m);
    await onPost(m);
  });
  const t = THEMES[theme];
  // A string, not a function: tsx's keepNames would add __name() calls the page does not define.
  await page.addInitScript(`(() => {
    const vars = ${JSON.stringify(t.vars)};
    let state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__pangeoHostReceive(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => { state = s; },
    });
    // The editor puts its theme variables on <html> before the page's scripts run.
    const applyTheme = () => {
      if (!document.documentElement) return false;
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      return true;
    };
    if (!applyTheme()) new MutationObserver((_, o) => { if (applyTheme()) o.disconnect(); }).observe(document, { childList: true });
    document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ??= []).push(e.violatedDirective + ' ' + e.blockedURI); });
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add(${JSON.stringify(t.bodyClass)}));
  })();`);
  await page.goto(`${origin}/${view}.html`);
  return {
    page, posted, cspViolations,
    send: async (m) => {
      await page.evaluate((msg) => window.postMessage(msg, '*'), m as object);
    },
  };
}

/** Waits until `predicate(posted)` holds. */
export async function waitForPost(w: WebviewUnderTest, predicate: (m: unknown) => boolean, timeoutMs = 10_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = w.posted.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching post; got ${JSON.stringify(w.posted)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The shared setup of a browser test file: bundles served on loopback and one Chromium, closed after the file. */
export function useBrowserPages(): { skip: string | false; artifacts: string; browser(): Browser; pages(): ServedPages } {
  const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
  const artifacts = '.artifacts/browser';
  let browser: Browser | undefined;
  let pages: ServedPages | undefined;
  before(async () => {
    if (skip) return;
    mkdirSync(artifacts, { recursive: true });
    pages = await servePages(await bundleWebviews());
    browser = await launchChromium();
  }, { timeout: 120_000 });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });
  return { skip, artifacts, browser: () => browser!, pages: () => pages! };
}
