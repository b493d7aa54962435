// The dashboard webview in headless Chromium, fed by the real host-side DashboardSession through the protocol:
// recorded (synthetic scheduler answers) and live (a real Dask scheduler) samples.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import type { HostMessage } from '../../webviews/shared/protocol';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../unit/metrics/syntheticScheduler';
import { DaskCluster, startDaskCluster } from '../integration/metrics/daskFixture';
import { openWebview, useBrowserPages, ThemeName, waitForPost, WebviewUnderTest } from './webviewTestHost';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;

/** Connects a DashboardSession (the host) to a page (the webview), in order, both ways. */
async function connectSession(theme: ThemeName, makeSession: (post: (m: HostMessage) => void) => DashboardSession) {
  let opened!: (w: WebviewUnderTest) => void;
  const page = new Promise<WebviewUnderTest>((resolve) => (opened = resolve));
  // Messages wait for the page (the webview's `ready` arrives while it is still loading), then go in order.
  let queue: Promise<unknown> = page;
  const session = makeSession((m) => {
    queue = queue.then(async () => (await page).send(m)).catch(() => undefined);
  });
  const w = await openWebview(chromium.browser(), chromium.pages().origin, 'dashboard', theme, (m) => session.receive(m));
  opened(w);
  await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
  return { w, session, flush: async () => { await new Promise((r) => setTimeout(r, 10)); await queue; await w.page.evaluate(() => new Promise(requestAnimationFrame)); } };
}

const text = (w: WebviewUnderTest, testId: string) => w.page.locator(`[data-testid="${testId}"]`).innerText();

for (const theme of ['light', 'dark'] as const) {
  test(`recorded samples render in cards, charts and the table (${theme})`, { skip, timeout: 60_000 }, async () => {
    let workers = 12;
    let tick = 0;
    const scaled: number[] = [];
    const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers, tick: tick++, processing: 5, threadsPerWorker: 2, memoryLimit: 2 * 1024 ** 3 }) };
    const { w, session, flush } = await connectSession(theme, (post) => new DashboardSession(
      { id: 'gateway:demo', name: 'demo-cluster', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }),
        scale: async (n) => { scaled.push(n); workers = n; }, adapt: async () => undefined },
      post, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000 }));
    try {
      for (let i = 0; i < 20; i++) await session.tick();
      await flush();
      assert.equal(await text(w, 'cluster-name'), 'demo-cluster');
      assert.equal(await text(w, 'card-workers'), '12');
      assert.equal(await text(w, 'card-threads'), '24');
      assert.equal(await text(w, 'card-tasks-processing'), '5');
      assert.match(await text(w, 'card-memory'), / \/ 24\.0 GiB$/);
      assert.equal(await w.page.locator('[data-testid="workers-table"] tbody tr[data-address]').count(), 12);
      const data = await w.page.evaluate(() => (window as unknown as { pangeoDashboard: { chartData(): Record<string, number[][]> } }).pangeoDashboard.chartData());
      assert.equal(data.workers![0]!.length, 20, 'twenty samples in the time series');
      assert.equal(data.workers![1]!.at(-1), 12);
      assert.equal(data.workers![2]!.at(-1), 24);
      assert.equal(data.cpu![1]!.length, 12, 'one CPU bar per worker');
      assert.equal(data.workerMemory![2]![0], 2 * 1024 ** 3);
      // The canvases were drawn with a real size.
      const canvases = await w.page.locator('canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).width));
      assert.ok(canvases.length >= 5 && canvases.every((width) => width > 100));

      // Sorting by threads then by name (numeric-aware).
      await w.page.locator('th[data-key="name"]').click();
      const namesDesc = await w.page.locator('tbody td[data-col="name"]').allInnerTexts();
      assert.equal(namesDesc[0], 'w11');
      assert.equal(namesDesc.at(-1), 'w0');

      // Scale from the panel: a typed request, the host scales, the next poll shows it.
      await w.page.locator('[data-testid="scale-count"]').fill('3');
      await w.page.locator('[data-testid="scale"]').click();
      await waitForPost(w, (m) => (m as { type?: string }).type === 'dashboard/scale');
      assert.deepEqual(scaled, [3]);
      await session.tick();
      await flush();
      await w.page.waitForFunction(() => document.querySelector('[data-testid="request-status"]')?.textContent === 'Asked for 3 workers.');
      assert.equal(await text(w, 'card-workers'), '3');
      assert.equal(await w.page.locator('[data-testid="workers-table"] tbody tr[data-address]').count(), 3);
      assert.match(await text(w, 'plots-reason'), /bokeh/);
      await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-${theme}.png`, fullPage: true });

      // A cluster that stops: a clear state, not a pile of errors.
      await w.send({ type: 'dashboard/state', state: 'stopped', message: 'Cannot reach http://sched.test:8787/.' });
      await flush();
      assert.match(await text(w, 'banner'), /^Cluster stopped/);
      assert.equal(await text(w, 'state'), 'stopped');
      assert.equal(await w.page.locator('[data-testid="scale"]').isDisabled(), true);
      if (theme === 'dark') await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-stopped-dark.png` });
      assert.deepEqual(w.cspViolations, [], 'the page itself needs nothing the CSP forbids');
      assert.deepEqual(await w.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []), []);
    } finally {
      session.dispose();
      await w.page.close();
    }
  });
}

test('the CSP blocks an injected inline script and inline style; malformed host messages are ignored', { skip, timeout: 30_000 }, async () => {
  const w = await openWebview(chromium.browser(), chromium.pages().origin, 'dashboard', 'light', () => undefined);
  try {
    await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
    const result = await w.page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
      const st = document.createElement('style');
      st.textContent = 'body { display: none !important; }';
      document.head.appendChild(st);
      await new Promise((r) => setTimeout(r, 100));
      return { injected: (window as unknown as { __injected?: boolean }).__injected === true, hidden: getComputedStyle(document.body).display === 'none',
        violations: (window as unknown as { __csp?: string[] }).__csp ?? [] };
    });
    assert.equal(result.injected, false, 'inline script did not run');
    assert.equal(result.hidden, false, 'inline style did not apply');
    assert.ok(result.violations.some((v) => v.startsWith('script-src')), JSON.stringify(result.violations));
    assert.ok(result.violations.some((v) => v.startsWith('style-src')), JSON.stringify(result.violations));
    // A malformed sample never reaches the UI.
    await w.send({ type: 'dashboard/sample', summary: { workers: 'lots' }, workers: { reset: true, upsert: [], remove: [] } });
    await w.send({ type: 'dashboard/state', state: 'exploded' });
    await w.page.waitForTimeout(50);
    assert.equal(await text(w, 'card-workers'), '–');
    assert.equal(await text(w, 'state'), 'connecting');
  } finally {
    await w.page.close();
  }
});

let cluster: DaskCluster | undefined;
after(async () => {
  await cluster?.close();
});

test('live samples from a real Dask scheduler show the real worker count, and a new worker within one poll', { skip: skip || (!existsSync('/usr/bin/dask') && 'no /usr/bin/dask'), timeout: 120_000 }, async () => {
  cluster = await startDaskCluster();
  await cluster.addWorker('live-1', { nthreads: 2, memoryLimit: '1GB' });
  const c = cluster;
  const { w, session, flush } = await connectSession('dark', (post) => new DashboardSession(
    { id: 'local:live', name: 'live-cluster', connection: async () => ({ dashboardUrl: c.dashboardUrl }) }, post, { intervalMs: 3_600_000 }));
  try {
    await session.tick();
    await flush();
    assert.equal(await text(w, 'card-workers'), '1');
    assert.equal(await text(w, 'card-threads'), '2');
    assert.equal(await w.page.locator('tbody td[data-col="name"]').innerText(), 'live-1');
    await c.addWorker('live-2', { nthreads: 1, memoryLimit: '1GB' });
    await session.tick();
    await flush();
    assert.equal(await text(w, 'card-workers'), '2');
    assert.equal(await text(w, 'card-threads'), '3');
    assert.deepEqual((await w.page.locator('tbody td[data-col="name"]').allInnerTexts()).sort(), ['live-1', 'live-2']);
    assert.equal(await text(w, 'state'), 'live');
    await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-live-dark.png`, fullPage: true });
  } finally {
    session.dispose();
    await w.page.close();
  }
});

test('a 500-worker table keeps only the rows in view in the DOM and scrolls through all of them', { skip, timeout: 60_000 }, async () => {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 500 }) };
  const { w, session, flush } = await connectSession('light', (post) => new DashboardSession(
    { id: 'big', name: 'big', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/' }) }, post, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000 }));
  try {
    await session.tick();
    await flush();
    assert.equal(await text(w, 'card-workers'), '500');
    const inDom = await w.page.locator('tbody tr[data-address]').count();
    assert.ok(inDom > 10 && inDom < 60, `${inDom} rows in the DOM`);
    assert.equal(await w.page.locator('tbody tr[data-address]').first().locator('td[data-col="name"]').innerText(), 'w0');
    await w.page.locator('.table-wrap').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await w.page.waitForFunction(() => [...document.querySelectorAll('tbody td[data-col="name"]')].some((td) => td.textContent === 'w499'));
    const names = await w.page.locator('tbody td[data-col="name"]').allInnerTexts();
    assert.equal(names.at(-1), 'w499');
  } finally {
    session.dispose();
    await w.page.close();
  }
});
