// The preset review page in a real browser (Chromium): under the same CSP as in the editor it lists every step and
// the source, renders preset text as text, posts the user's decision, and mirrors progress and retry.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../../src/editor/webview/webviewHtml';
import { makeNonce } from '../../../src/editor/webview/nonce';
import { describePresetPlan } from '../../../src/presets/presetPlan';
import { validatePreset } from '../../../src/presets/validatePreset';
import type { ReviewHostMessage, ReviewModel } from '../../../src/shared/protocol/presetReview';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

function reviewOf(file: string, overrides: Partial<ReviewModel> = {}): ReviewModel {
  const v = validatePreset(readFileSync(join(__dirname, '../../fixtures/presets/good', file)));
  assert.ok(v.ok);
  const plan = describePresetPlan(v.preset);
  return { name: plan.name, instructor: plan.instructor, description: plan.description, expires: plan.expires, source: `https://example.edu/${file}`, sourceKind: 'link', steps: plan.steps.map(({ id, title, details }) => ({ id, title, details })), ...overrides };
}

describe('preset review page (Chromium)', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, () => {
  let dir: string;
  let server: Server;
  let origin: string;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pangeo-review-'));
    await esbuild.build({ entryPoints: [join(__dirname, '../../../webviews/presetReview/main.ts')], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'text' }, outfile: join(dir, 'presetReview.js'), logLevel: 'warning' });
    server = createServer((req, res) => {
      if (req.url === '/presetReview.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(readFileSync(join(dir, 'presetReview.js')));
        return;
      }
      // The page exactly as the editor builds it, with this server standing in for webview.cspSource.
      res.setHeader('content-type', 'text/html');
      res.end(buildWebviewHtml({ title: 'Preset', nonce: makeNonce(), cspSource: origin, scriptUri: `${origin}/presetReview.js` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const a = server.address();
    origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the page with a stand-in for acquireVsCodeApi that records what the page posts. */
  async function open(): Promise<{ page: Page; posted: () => Promise<unknown[]>; send: (m: ReviewHostMessage) => Promise<void>; cspViolations: string[] }> {
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => { if (process.env.DEBUG_REVIEW) console.log('console:', m.text()); if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
    page.on('pageerror', (e) => { if (process.env.DEBUG_REVIEW) console.log('pageerror:', e.message); });
    // Strings, not functions: tsx would wrap functions with helpers the page does not have.
    await page.addInitScript(`
      window.__posted = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => undefined });
    `);
    await page.goto(origin);
    await page.waitForFunction('window.__posted.length > 0');
    return {
      page,
      cspViolations,
      posted: () => page.evaluate<unknown[]>('window.__posted'),
      send: async (m) => { await page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`); },
    };
  }

  test('says ready, then lists the source and every step with its details', async () => {
    const { page, posted, send, cspViolations } = await open();
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
    const review = reviewOf('full-course.pangeo.json');
    await send({ type: 'review/show', review });
    await page.waitForSelector('[data-testid=preset-steps] > li');
    assert.equal(await page.textContent('[data-testid=preset-source]'), 'https://example.edu/full-course.pangeo.json');
    const titles = await page.$$eval('[data-testid=preset-steps] > li > .title', (els) => els.map((e) => e.textContent));
    assert.deepEqual(titles, review.steps.map((s) => s.title));
    const text = await page.textContent('body');
    for (const fact of ['Profile: medium', 'Role: arn:aws:iam::123456789012:role/ods101-students', 'Setting editor.fontSize = 15', 'Budget: 25 USD per month', 'Prepared by Dr. Ada Marin']) {
      assert.ok(text?.includes(fact), `page lacks "${fact}"`);
    }
    // Theme colours come from the editor's variables, not fixed colours.
    const bg = await page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor");
    assert.ok(bg, 'buttons are styled (the stylesheet passed the CSP)');
    assert.deepEqual(cspViolations, []);
    await page.close();
  });

  test('Apply and Cancel post typed decisions; progress and Retry are shown', async () => {
    const { page, posted, send } = await open();
    await send({ type: 'review/show', review: reviewOf('local-dask.pangeo.json') });
    await page.click('[data-testid=apply]');
    assert.deepEqual((await posted()).slice(1), [{ type: 'review/decision', decision: 'apply' }]);
    assert.equal(await page.isDisabled('[data-testid=cancel]'), true, 'no second decision');
    await send({ type: 'review/step', index: 0, status: 'done' });
    await send({ type: 'review/step', index: 1, status: 'failed', message: 'Cannot reach http://127.0.0.1:8000/.' });
    await send({ type: 'review/finished', status: 'failed', message: 'Step 2 failed.', canRetry: true });
    await page.waitForSelector('[data-testid=retry]');
    assert.match((await page.textContent('[data-step=start-server] .status')) ?? '', /failed: Cannot reach/);
    assert.equal(await page.getAttribute('[data-step=sign-in]', 'class'), 'done');
    await page.click('[data-testid=retry]');
    assert.deepEqual((await posted()).at(-1), { type: 'review/retry' });
    await page.close();

    const second = await open();
    await second.send({ type: 'review/show', review: reviewOf('local-dask.pangeo.json') });
    await second.page.click('[data-testid=cancel]');
    assert.deepEqual((await second.posted()).at(-1), { type: 'review/decision', decision: 'cancel' });
    await second.page.close();
  });

  test('warnings (plain http, replaced budget and settings) are shown above the steps, as text', async () => {
    const { page, send } = await open();
    const warnings = ['The hub http://127.0.0.1:8000/ uses plain http: the password or token you sign in with travels unencrypted.', 'Replaces the setting editor.fontSize: 14 → <b>17</b>.'];
    await send({ type: 'review/show', review: reviewOf('settings-only.pangeo.json', { warnings }) });
    await page.waitForSelector('[data-testid=preset-warnings]');
    const items = await page.$$eval('[data-testid=preset-warnings] li', (els) => els.map((e) => e.textContent));
    assert.deepEqual(items, warnings);
    assert.equal(await page.$('[data-testid=preset-warnings] b'), null, 'preset text is never HTML');
    await page.close();
  });

  test('an untrusted workspace gets the list but no Apply button', async () => {
    const { page, send } = await open();
    await send({ type: 'review/show', review: reviewOf('settings-only.pangeo.json', { blockedReason: 'This workspace is not trusted.' }) });
    await page.waitForSelector('[data-testid=blocked]');
    assert.equal(await page.$('[data-testid=apply]'), null);
    assert.equal(await page.textContent('[data-testid=blocked]'), 'This workspace is not trusted.');
    await page.close();
  });

  test('preset text is shown as text, never run as HTML; malformed messages are ignored', async () => {
    const { page, send } = await open();
    const evil = '<img src=x onerror="window.__pwned=1">';
    await send({ type: 'review/show', review: { ...reviewOf('minimal.pangeo.json'), name: evil, description: evil } });
    await page.waitForSelector('[data-testid=preset-name]');
    assert.match((await page.textContent('[data-testid=preset-name]')) ?? '', /<img src=x/);
    assert.equal(await page.$('img'), null);
    await page.evaluate("window.postMessage({ type: 'review/show', review: { name: 42 } }, '*')");
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.match((await page.textContent('[data-testid=preset-name]')) ?? '', /<img src=x/, 'the bad message changed nothing');
    await page.close();
  });
});
