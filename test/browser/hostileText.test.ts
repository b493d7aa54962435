// Issue #23 in Chromium: the dashboard, cost and preset review pages fed the hostile corpus (test/fixtures/hostileText.ts)
// as cluster, worker, prefix, resource and preset names and as server messages. No page grows wider than its panel (800
// and 400 px), no hostile text becomes HTML (no element, no script, no dialog), and no bidi control or invisible
// character reaches the page raw: each is shown as a ⟨U+…⟩ marker. Screenshots in .artifacts/browser/hostile-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { HOSTILE_SAMPLES, TEN_THOUSAND, MANY_LINES } from '../fixtures/hostileText';
import { isHostMessage, type CostSnapshot, type HostMessage, type SampleSummary, type TaskBar, type WorkerRow } from '../../src/shared/protocol/panels';
import { isReviewHostMessage, type ReviewHostMessage } from '../../src/shared/protocol/presetReview';
import { WORKER_FIELDS, WORKER_FIELD_NAMES } from '../../src/shared/dashboard/workerFields';
import { SERIES_KEYS } from '../../src/shared/dashboard/sampleSeries';
import { openWebview, useBrowserPages, waitForPost, type WebviewUnderTest } from './webviewTestHost';
import { WorkerSlotsSender } from '../../src/shared/dashboard/workerSlots';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;
const TEXTS = HOSTILE_SAMPLES.map((s) => s.text);
const WIDTHS = [800, 400];
const NOW = Date.parse('2026-12-01T06:00:00Z');

// ---- messages carrying the corpus ----------------------------------------------------------------

function workerRow(i: number, text: string): WorkerRow {
  const strings: Record<string, string> = { address: `tcp://10.0.0.${i}:4000${text}`, name: text, memoryColor: 'blue', status: 'running', currentWork: text };
  return Object.fromEntries(WORKER_FIELD_NAMES.map((f) => [f, WORKER_FIELDS[f] === 'string' ? strings[f] ?? text : f === 'lastSeen' ? NOW : i + 1])) as unknown as WorkerRow;
}

const WORKERS = TEXTS.map((t, i) => workerRow(i, t));

const SUMMARY: SampleSummary = {
  time: NOW, workers: WORKERS.length, threads: WORKERS.length, memoryUsedBytes: 1e9, memoryLimitBytes: 4e9, managedBytes: 5e8,
  spilledBytes: 0, transferBytes: 0, executing: 3, tasks: { memory: 3, processing: 2 }, clients: 1, metricsAvailable: true,
  prefixes: { rows: TEXTS.map((prefix) => ({ prefix, total: 10, waiting: 2, processing: 1, memory: 3, released: 4, erred: 0 })) },
  prefixTimes: { rows: TEXTS.map((prefix, i) => ({ prefix, computeSeconds: i + 1 })) },
};

const BARS: TaskBar[] = TEXTS.map((prefix, i) => ({
  key: `${prefix}-${i}`, prefix, worker: WORKERS[i]!.address, action: 'compute', start: NOW - 5000 + i * 100, stop: NOW - 4000 + i * 100, thread: 0, status: 'OK',
}));

const DASHBOARD: HostMessage[] = [
  { type: 'dashboard/init', cluster: { id: 'dask:hostile', name: `${TEN_THOUSAND} invoice\u202Efdp.exe`, dashboardUrl: 'http://sched.test:8787/', canScale: true, canAdapt: true },
    series: { time: [], values: Object.fromEntries(SERIES_KEYS.map((k) => [k, []])) } as never },
  { type: 'dashboard/sample', summary: SUMMARY, workers: new WorkerSlotsSender().update(true, WORKERS) },
  { type: 'dashboard/taskStream', state: 'live', since: NOW - 10_000, bars: BARS },
  { type: 'dashboard/plots', plots: Object.fromEntries(TEXTS.map((t) => [`Task Stream ${t}`, 'about:blank'])), fullDashboard: true },
  { type: 'dashboard/state', state: 'unreachable', message: TEXTS.join(' ') },
  { type: 'dashboard/notice', requestId: 1, message: TEXTS.join(' ') },
];

const COST: HostMessage = {
  type: 'cost/snapshot',
  snapshot: {
    time: NOW, totalUsdPerHour: TEXTS.length, todayUsd: 3, sessionUsd: 2, monthUsd: 40, asOf: '2026-11-01',
    resources: TEXTS.map((label, i) => ({
      id: `r${i}`, kind: i % 2 ? 'cluster' : 'server', label, usdPerHour: 1, todayUsd: 1, sessionUsd: 1, status: i % 3 ? 'live' : 'unreachable',
      rate: { usdPerHour: 1, asOf: '2026-11-01', source: label, estimated: true, warnings: [label], lines: [{ what: label, count: 2, unitUsdPerHour: 0.5, basis: 'instance' }] },
    })),
    history: {
      time: [NOW - 60_000, NOW], totalUsdPerHour: [1, 2], sessionUsd: [0, 1],
      perResource: Object.fromEntries(TEXTS.map((label, i) => [`r${i}`, { label, usdPerHour: [1, 1] }])),
    },
    estimated: true,
  } satisfies CostSnapshot,
};

const REVIEW: ReviewHostMessage[] = [
  { type: 'review/show', review: {
    name: `${TEN_THOUSAND}\u202Efdp.exe`, description: MANY_LINES, instructor: 'Dr \u202Eevil\u202C', expires: TEXTS.join(' '),
    source: `https://presets.example/${TEN_THOUSAND}`, sourceKind: 'url',
    steps: TEXTS.map((t, i) => ({ id: `s${i}`, title: `Add the hub ${t}`, details: [t, `https://${t}`] })),
    warnings: TEXTS,
  } },
  { type: 'review/step', index: 0, status: 'failed', message: TEXTS.join(' ') },
  { type: 'review/finished', status: 'failed', message: TEXTS.join(' '), canRetry: true },
];

// ---- what the page must never do -------------------------------------------------------------------

/** Raw bidi controls, invisible format characters and C0/C1 controls (tab and newline aside). */
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2028\u2029\u2060-\u2069\uFEFF\u{E0000}-\u{E007F}]/u;

interface PageFacts { scrollWidth: number; clientWidth: number; widest: string; html: string[]; scripts: number; raw: string | null; markers: number }

function facts(page: Page): Promise<PageFacts> {
  return page.evaluate((rawSource) => {
    const raw = new RegExp(rawSource, 'u');
    const root = document.documentElement;
    // The element that reaches furthest right, to name it when the page is too wide.
    let widest = '';
    let right = 0;
    for (const e of document.body.querySelectorAll('*')) {
      const r = e.getBoundingClientRect().right;
      if (r > right) [right, widest] = [r, `${e.tagName.toLowerCase()}.${e.className} ${Math.round(r)}px`];
    }
    const text = document.body.innerText;
    const m = raw.exec(text);
    return {
      scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest,
      html: [...document.querySelectorAll('img, a, b, i, iframe:not([title="Dask plot"]), object, embed, svg, form')].map((e) => e.outerHTML.slice(0, 80)),
      scripts: document.querySelectorAll('script').length,
      raw: m ? `U+${m[0].codePointAt(0)!.toString(16)} in ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}` : null,
      markers: (text.match(/⟨U\+202E⟩/g) ?? []).length,
    };
  }, RAW.source);
}

async function settle(page: Page): Promise<void> {
  // Resize observers redraw on the next frames.
  for (let i = 0; i < 3; i++) await page.evaluate(() => new Promise(requestAnimationFrame));
  await page.waitForTimeout(100);
}

async function openFed(view: 'dashboard' | 'cost' | 'presetReview', messages: unknown[]): Promise<{ w: WebviewUnderTest; dialogs: string[]; scriptsBefore: number }> {
  const w = await openWebview(chromium.browser(), chromium.pages().origin, view, 'dark', () => undefined, { width: WIDTHS[0]!, height: 900 });
  const dialogs: string[] = [];
  w.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
  const scriptsBefore = await w.page.evaluate(() => document.querySelectorAll('script').length);
  for (const m of messages) await w.send(m);
  await settle(w.page);
  return { w, dialogs, scriptsBefore };
}

async function assertContained(view: string, fed: Awaited<ReturnType<typeof openFed>>, minMarkers: number): Promise<void> {
  const { w, dialogs, scriptsBefore } = fed;
  for (const width of WIDTHS) {
    await w.page.setViewportSize({ width, height: 900 });
    await settle(w.page);
    const f = await facts(w.page);
    await w.page.screenshot({ path: `${ARTIFACTS}/hostile-${view}-${width}.png`, fullPage: true });
    assert.ok(f.scrollWidth <= f.clientWidth, `${view} at ${width} px is ${f.scrollWidth} px wide (panel ${f.clientWidth} px); widest: ${f.widest}`);
    assert.deepEqual(f.html, [], `${view}: hostile text became HTML`);
    assert.equal(f.scripts, scriptsBefore, `${view}: a script element was added`);
    assert.equal(f.raw, null, `${view}: a raw control/bidi/invisible character is on the page: ${f.raw}`);
    assert.ok(f.markers >= minMarkers, `${view}: U+202E is shown as a marker (${f.markers} seen)`);
  }
  assert.deepEqual(dialogs, [], `${view}: no script ran`);
  assert.deepEqual(await w.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []), [], `${view}: nothing tried to load`);
}

test('the dashboard fed hostile cluster, worker, prefix and plot names stays within its panel and shows them as text', { skip, timeout: 120_000 }, async () => {
  for (const m of DASHBOARD) assert.ok(isHostMessage(m), `a valid host message: ${m.type}`);
  const fed = await openFed('dashboard', DASHBOARD);
  try {
    const title = await fed.w.page.locator('[data-testid="cluster-name"]').innerText();
    assert.ok(title.endsWith('invoice⟨U+202E⟩fdp.exe'), 'the cluster name is in the page whole, with its bidi control visible');
    assert.ok((await fed.w.page.locator('[data-testid="cluster-name"]').getAttribute('title'))!.endsWith('invoice⟨U+202E⟩fdp.exe'), 'and one hover away');
    const titleBox = await fed.w.page.locator('[data-testid="cluster-name"]').boundingBox();
    assert.ok(titleBox!.height < 120, `a 10,000-character name takes at most three lines (${titleBox!.height} px)`);
    assert.equal(await fed.w.page.locator('[data-testid="workers-table"] tbody tr.row').count(), WORKERS.length);
    assert.equal(await fed.w.page.locator('.legend-item[data-prefix]').count(), 12, 'the task stream legend lists its top prefixes');
    await assertContained('dashboard', fed, 3);
  } finally {
    await fed.w.page.close();
  }
});

test('the cost page fed hostile resource names stays within its panel and shows them as text', { skip, timeout: 120_000 }, async () => {
  assert.ok(isHostMessage(COST));
  const fed = await openFed('cost', [COST]);
  try {
    assert.equal(await fed.w.page.locator('[data-testid="resources-table"] tbody tr').count(), TEXTS.length);
    const cell = fed.w.page.locator('tr[data-id="r12"] td.name').first();
    assert.equal(await cell.getAttribute('title'), 'invoice⟨U+202E⟩fdp.exe', 'the whole name is one hover away, bidi shown');
    await assertContained('cost', fed, 2);
  } finally {
    await fed.w.page.close();
  }
});

test('the preset review page fed a hostile preset stays within its panel and shows it as text', { skip, timeout: 120_000 }, async () => {
  for (const m of REVIEW) assert.ok(isReviewHostMessage(m), `a valid review message: ${m.type}`);
  const fed = await openFed('presetReview', REVIEW);
  try {
    assert.ok((await fed.w.page.locator('[data-testid="preset-name"]').innerText()).includes('⟨U+202E⟩fdp.exe'));
    assert.equal(await fed.w.page.locator('[data-testid="preset-steps"] > li').count(), TEXTS.length);
    await assertContained('presetReview', fed, 5);
  } finally {
    await fed.w.page.close();
  }
});
