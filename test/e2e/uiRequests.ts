// The harness's half of the UI handshake (see uiProtocol.ts): while the tests run, answers their requests in the
// workbench with Playwright, one at a time, and writes the outcome back.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { sleep } from './processes';
import { ServedRoutes } from './servedRoutes';
import { requestFile, responseFile, type UiAction, type UiRequest, type UiResponse, type WebviewPage } from './uiProtocol';

export interface UiRequestServer {
  /** Stops serving after the request in hand; resolves when the loop has ended. */
  stop(): Promise<void>;
  /** One line per request served, for the log. */
  log(): string[];
}

export function serveUiRequests(page: Page, dir: string, artifactsDir: string): UiRequestServer {
  let stopped = false;
  const lines: string[] = [];
  const done = new Set<number>();
  const routes = new ServedRoutes(page.context());
  const loop = (async () => {
    while (!stopped) {
      const pending = readdirSync(dir)
        .map((f) => /^(\d+)\.request\.json$/.exec(f))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => Number(m[1]))
        .filter((id) => !done.has(id) && !existsSync(join(dir, responseFile(id))))
        .sort((a, b) => a - b);
      for (const id of pending) {
        done.add(id);
        const request = JSON.parse(readFileSync(join(dir, requestFile(id)), 'utf8')) as UiRequest;
        const started = Date.now();
        const response = await perform(page, request, artifactsDir, routes);
        lines.push(`ui #${id} ${describe(request.action)} → ${response.ok ? 'ok' : `FAILED: ${response.error}`} (${Date.now() - started} ms)`);
        // Written whole, then renamed, so the test never reads half a file.
        const tmp = join(dir, `${responseFile(id)}.tmp`);
        writeFileSync(tmp, JSON.stringify(response));
        renameSync(tmp, join(dir, responseFile(id)));
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop.catch(() => undefined);
    },
    log: () => lines,
  };
}

async function perform(page: Page, request: UiRequest, artifactsDir: string, routes: ServedRoutes): Promise<UiResponse> {
  const { id, action, timeoutMs } = request;
  try {
    const text = await act(page, action, timeoutMs, artifactsDir, routes);
    return { id, ok: true, text };
  } catch (error) {
    // What the workbench showed when a step failed (a missing toast, a dialog in the way), for the CI artifacts.
    await page.screenshot({ path: join(artifactsDir, `ui-failed-${id}.png`) }).catch(() => undefined);
    const toasts = await page.locator('.notification-toast').allInnerTexts().catch(() => [] as string[]);
    const shown = toasts.length ? ` (toasts shown: ${toasts.map((t) => JSON.stringify(t.replace(/\s+/g, ' ').slice(0, 120))).join(', ')})` : ' (no toasts shown)';
    return { id, ok: false, error: `${error instanceof Error ? error.message.split('\n')[0] : String(error)}${shown}` };
  }
}

async function act(page: Page, action: UiAction, timeout: number, artifactsDir: string, routes: ServedRoutes): Promise<string | undefined> {
  switch (action.kind) {
    case 'quickInput': {
      // The widget stays in the DOM when hidden, so wait for a *visible* one whose title or prompt (not its
      // items) shows the expected text.
      const heading = page.locator('.quick-input-title, .quick-input-message, .quick-input-description', { hasText: action.expect });
      const widget = page.locator('.quick-input-widget').filter({ has: heading }).first();
      await widget.waitFor({ state: 'visible', timeout });
      if (action.escape) {
        await widget.locator('.quick-input-box input').first().press('Escape');
      } else if (action.pick !== undefined) {
        const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: action.pick }).first();
        await row.waitFor({ state: 'visible', timeout });
        await row.click();
      } else {
        const input = widget.locator('.quick-input-box input').first();
        await input.fill(action.type ?? '');
        await input.press('Enter');
      }
      // Answered once the extension has closed or replaced this question, so the next request can't see it.
      await widget.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return undefined;
    }
    case 'folderDialog': {
      // The dialog lists the typed folder asynchronously and rewrites its input while it does: Enter before it has
      // settled accepted the folder it started in, or left it busy. Accept only once it shows the typed folder.
      const heading = page.locator('.quick-input-title', { hasText: action.expect });
      const widget = page.locator('.quick-input-widget').filter({ has: heading }).first();
      await widget.waitFor({ state: 'visible', timeout });
      const input = widget.locator('.quick-input-box input').first();
      await input.fill(action.path);
      const row = widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: action.expectRow }).first();
      const busy = widget.locator('.monaco-progress-container.active');
      const deadline = Date.now() + timeout;
      for (let settled = 0; settled < 3;) {
        const value = await input.inputValue();
        // The dialog may still put its start folder into the input after our fill: type the path again then.
        if (value !== action.path && !(await busy.isVisible())) await input.fill(action.path);
        const ok = value === action.path && await row.isVisible() && !(await busy.isVisible());
        settled = ok ? settled + 1 : 0;
        if (Date.now() > deadline) throw new Error(`the folder dialog did not settle on ${action.path} (input "${await input.inputValue()}")`);
        await sleep(200);
      }
      await input.press('Enter');
      await widget.waitFor({ state: 'hidden', timeout: 10_000 }).catch(async () => {
        const message = await widget.locator('.quick-input-message').innerText().catch(() => '');
        throw new Error(`the folder dialog stayed open after accepting ${action.path}: ${message}`);
      });
      return undefined;
    }
    case 'notification': {
      const toast = page.locator('.notification-toast').filter({ hasText: action.expect }).first();
      await toast.waitFor({ state: 'visible', timeout });
      if (action.button) {
        await toast.locator('.monaco-button').filter({ hasText: action.button }).first().click({ timeout });
      } else {
        await toast.hover({ timeout }); // the close action shows on hover
        await toast.locator('.codicon-notifications-clear').first().click({ timeout });
      }
      return undefined;
    }
    case 'dialog': {
      const dialog = page.locator('.monaco-dialog-box').filter({ hasText: action.expect }).first();
      await dialog.waitFor({ state: 'visible', timeout });
      const text = await dialog.innerText({ timeout });
      if (action.button) await dialog.locator('.dialog-buttons .monaco-button').filter({ hasText: action.button }).first().click({ timeout });
      else await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return text;
    }
    case 'click': {
      const target = page.locator(action.selector, action.hasText ? { hasText: action.hasText } : {}).filter({ visible: true }).first();
      await target.waitFor({ state: 'visible', timeout });
      if (action.hover) await target.hover({ timeout });
      else await target.click({ timeout, button: action.button ?? 'left' });
      return undefined;
    }
    case 'text': {
      // Hidden editors keep their DOM (e.g. toolbars of background notebooks): read the visible one.
      const target = page.locator(action.selector).filter({ visible: true }).first();
      await target.waitFor({ state: 'visible', timeout });
      return target.innerText({ timeout });
    }
    case 'webviewText':
      return webviewText(page, action.selector, action.match, timeout);
    case 'webviewInput': {
      const target = await inWebview(page, action.selector, timeout);
      if (action.fill !== undefined) await target.fill(action.fill, { timeout });
      else await target.click({ timeout });
      for (const key of action.press ?? []) await target.press(key, { timeout });
      return undefined;
    }
    case 'webviewPage':
      return JSON.stringify(await webviewPage(page, action.selector, action.count, timeout));
    case 'count':
      return String(await page.locator(action.selector).count());
    case 'screenshot':
      await page.screenshot({ path: join(artifactsDir, `${action.name.replace(/[^\w.-]/g, '_')}.png`) });
      return undefined;
    case 'serve':
      await routes.serve(action.routes);
      return undefined;
    case 'served':
      return JSON.stringify(routes.served());
  }
}

function describe(action: UiAction): string {
  switch (action.kind) {
    case 'quickInput':
      return `quick input "${action.expect}": ${action.escape ? 'Escape' : action.pick !== undefined ? `pick "${action.pick}"` : 'type ••• + Enter'}`;
    case 'folderDialog':
      return `folder dialog "${action.expect}": ${action.path} + Enter`;
    case 'notification':
      return `notification "${action.expect}": ${action.button ? `click "${action.button}"` : 'close'}`;
    case 'dialog':
      return `dialog "${action.expect}": ${action.button ? `click "${action.button}"` : 'Escape'}`;
    case 'click':
      return `${action.hover ? 'hover' : action.button === 'right' ? 'right-click' : 'click'} ${action.selector}${action.hasText ? ` "${action.hasText}"` : ''}`;
    case 'text':
      return `read ${action.selector}`;
    case 'webviewText':
      return `read webview ${action.selector}${action.match !== undefined ? ` until /${action.match}/` : ''}`;
    case 'webviewInput':
      return `${action.fill !== undefined ? `fill "${action.fill}" into` : 'click'} webview ${action.selector}${action.press?.length ? ` + ${action.press.join(' ')}` : ''}`;
    case 'webviewPage':
      return `widths and ${action.count.join(', ')} in the webview of ${action.selector}`;
    case 'count':
      return `count ${action.selector}`;
    case 'screenshot':
      return `screenshot ${action.name}`;
    case 'serve':
      return action.routes.length ? `serve ${action.routes.map((r) => r.url).join(', ')}` : 'stop serving';
    case 'served':
      return 'read the served counts';
  }
}

/**
 * Webviews are iframes inside iframes (another origin in code-server), which the page's locators don't enter: the
 * visible `selector` in each frame of the page that has one, right now.
 */
async function webviewMatches(page: Page, selector: string): Promise<Locator[]> {
  return (await webviewFrames(page, selector)).map((f) => f.target);
}

/** The frames of the page showing `selector` now, with that element. */
async function webviewFrames(page: Page, selector: string): Promise<{ frame: Frame; target: Locator }[]> {
  const found: { frame: Frame; target: Locator }[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.isDetached()) continue;
    const target = frame.locator(selector).filter({ visible: true }).first();
    // count() doesn't wait: frames without the element cost nothing.
    if (await target.count().catch(() => 0)) found.push({ frame, target });
  }
  return found;
}

/** The widths of the page of the webview showing `selector` and its counts of `selectors` (no wait for those). */
async function webviewPage(page: Page, selector: string, selectors: string[], timeout: number): Promise<WebviewPage> {
  const deadline = Date.now() + timeout;
  let frames = await webviewFrames(page, selector);
  while (!frames.length) {
    if (Date.now() > deadline) throw new Error(`no visible ${selector} in any webview (${page.frames().length} frames)`);
    await sleep(250);
    frames = await webviewFrames(page, selector);
  }
  const { frame } = frames[0]!;
  const widths = await frame.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
  const counts: Record<string, number> = {};
  for (const s of selectors) counts[s] = await frame.locator(s).count();
  return { ...widths, counts };
}

/** The first webview element matching `selector`, once there is one. */
async function inWebview(page: Page, selector: string, timeout: number): Promise<Locator> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const [first] = await webviewMatches(page, selector);
    if (first) return first;
    if (Date.now() > deadline) throw new Error(`no visible ${selector} in any webview (${page.frames().length} frames)`);
    await sleep(250);
  }
}

/** The first text of a webview element matching `selector` that matches `match` (or any text), polling until `timeout`. */
export async function webviewText(page: Page, selector: string, match: string | undefined, timeout: number): Promise<string> {
  const pattern = match !== undefined ? new RegExp(match) : undefined;
  const deadline = Date.now() + timeout;
  const seen: string[] = [];
  for (;;) {
    seen.length = 0;
    for (const target of await webviewMatches(page, selector)) {
      const text = await target.innerText({ timeout: 1_000 }).catch(() => undefined);
      if (text === undefined) continue;
      if (!pattern || pattern.test(text.trim())) return text;
      seen.push(text.trim().replace(/\s+/g, ' ').slice(0, 200));
    }
    if (Date.now() > deadline) {
      throw new Error(seen.length ? `${selector} in a webview reads ${seen.map((t) => JSON.stringify(t)).join(', ')}, not /${match}/` : `no visible ${selector} in any webview (${page.frames().length} frames)`);
    }
    await sleep(250);
  }
}
