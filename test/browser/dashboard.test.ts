// The dashboard webview in headless Chromium, fed by the real host-side DashboardSession through the protocol:
// recorded (synthetic scheduler answers) and live (a real Dask scheduler) samples.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import type { HostMessage } from '../../src/shared/protocol/panels';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../unit/metrics/syntheticScheduler';
import { DaskCluster, startDaskCluster } from '../integration/metrics/daskFixture';
import { formatBytes, formatPercent } from '../../webviews/shared/format';
import { contrast, openWebview, setTheme, useBrowserPages, ThemeName, waitForPost, WebviewUnderTest } from './webviewTestHost';
import { DashboardPageRows } from '../support/dashboardPageRows';
import type { WorkerRow } from '../../src/shared/dashboard/workerFields';

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
      // Memory per worker (a bar list): one named bar per worker, in the table's order.
      const bars = await w.page.evaluate(() => (window as unknown as { pangeoDashboard: { bars(): Record<string, { rows: { label: string }[] }> } }).pangeoDashboard.bars());
      assert.equal(bars.workerMemory!.rows.length, 12);
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

type Dash = {
  xTicks(): Record<string, string[]>; chartData(): Record<string, (number | null)[][]>;
  axisColors(): { label: string; grid: string; background: string };
};
const dash = (w: WebviewUnderTest) => w.page.evaluate(() => {
  const d = (window as unknown as { pangeoDashboard: Dash }).pangeoDashboard;
  return { ticks: d.xTicks(), data: d.chartData(), colors: d.axisColors() };
});

// Issue 10: what users saw wrong in the dashboard, checked in each theme (screenshots in .artifacts/browser).
for (const theme of ['light', 'dark', 'high-contrast'] as const) {
  test(`issue 10 (${theme}): real adaptive bounds, bars named like the table, readable axes with time-only ticks, outages as gaps, "stopped" after Stop, no browser link without bokeh`, { skip, timeout: 60_000 }, async () => {
    let workers = 3;
    let down = false;
    let status: 'running' | 'gone' = 'running';
    let clock = Date.parse('2026-12-01T00:19:00Z');
    const control: FakeSchedulerControl = { requests: [], payloads: () => (down ? 'down' : syntheticPayloads({ workers, tick: control.requests.length })) };
    // Opened in light, then switched to the theme under test: the charts must follow the editor's theme.
    const { w, session, flush } = await connectSession('light', (post) => new DashboardSession(
      { id: 'dask:local:c', name: 'adaptive-cluster', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }),
        scale: async (n) => { workers = n; }, adapt: async () => undefined,
        adaptive: () => ({ minimum: 1, maximum: 3 }), lifecycle: async () => status },
      post, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000, now: () => clock }));
    try {
      for (let i = 0; i < 40; i++) {
        await session.tick();
        clock += 2000;
      }
      down = true;
      for (let i = 0; i < 2; i++) {
        await session.tick();
        clock += 2000;
      }
      [down, workers] = [false, 2];
      for (let i = 0; i < 20; i++) {
        await session.tick();
        clock += 2000;
      }
      await flush();
      await setTheme(w, theme);
      await flush();

      // The Adapt boxes hold the cluster's bounds (they showed 0/4 before).
      assert.equal(await w.page.locator('[data-testid="adapt-min"]').inputValue(), '1');
      assert.equal(await w.page.locator('[data-testid="adapt-max"]').inputValue(), '3');
      assert.equal((await text(w, 'adapt-now')).trim(), '(now 1–3)');

      const { ticks, data, colors } = await dash(w);
      // Per-worker bars are labelled with the names in the table, in its order (they were 0, 1, 2).
      const names = await w.page.locator('tbody td[data-col="name"]').allInnerTexts();
      assert.deepEqual(names, ['w0', 'w1']);
      assert.deepEqual(ticks.cpu, names);
      const bars = await w.page.evaluate(() => (window as unknown as { pangeoDashboard: { bars(): Record<string, { rows: { label: string }[] }> } }).pangeoDashboard.bars());
      assert.deepEqual(bars.workerMemory!.rows.map((r) => r.label), names);
      assert.deepEqual(bars.processing!.rows.map((r) => r.label), names);
      // Time ticks carry the time only (no "12/1/26 12:19am" date next to "12:20am").
      assert.ok(ticks.workers!.length >= 2, JSON.stringify(ticks.workers));
      for (const t of ticks.workers!) assert.match(t, /^\d{2}:\d{2}(:\d{2})?$/, JSON.stringify(ticks.workers));
      assert.equal(new Set(ticks.workers).size, ticks.workers!.length, 'no two ticks read the same');
      // The outage is a gap (null), not a ramp from 3 to 1 workers.
      const series = data.workers![1]!;
      assert.deepEqual(series.slice(38, 42), [3, 3, null, 2]);
      // Axis labels in the theme's foreground: readable, and stronger than the grid.
      const labelContrast = contrast(colors.label, colors.background);
      const gridContrast = contrast(colors.grid, colors.background);
      assert.ok(labelContrast >= 4.5, `axis labels ${colors.label} on ${colors.background}: ${labelContrast.toFixed(2)}`);
      assert.ok(labelContrast > gridContrast, `labels ${labelContrast.toFixed(2)} vs grid ${gridContrast.toFixed(2)}`);
      // No bokeh on this scheduler: no link to a /status page that only says bokeh is missing.
      await w.page.waitForSelector('[data-testid="plots-reason"]');
      assert.equal(await w.page.locator('[data-testid="open-browser"]').isVisible(), false);
      await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-issue10-${theme}.png`, fullPage: true });

      // Stop: the provider says the cluster is gone, and the banner says so, not "check your network connection".
      [status, down] = ['gone', true];
      await session.tick();
      await flush();
      assert.match(await text(w, 'banner'), /^Cluster stopped: the cluster was stopped\./);
      assert.doesNotMatch(await text(w, 'banner'), /network/);
      await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-issue10-stopped-${theme}.png` });
    } finally {
      session.dispose();
      await w.page.close();
    }
  });
}

test('the browser link is offered when the scheduler serves bokeh plots', { skip, timeout: 30_000 }, async () => {
  const control: FakeSchedulerControl = { requests: [], plots: { 'Individual Task Stream': '/individual-task-stream' },
    payloads: () => syntheticPayloads({ workers: 1 }) };
  const { w, session, flush } = await connectSession('light', (post) => new DashboardSession(
    { id: 'url:x', name: 'bokeh', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
    post, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000 }));
  try {
    await session.tick();
    await flush();
    await w.page.waitForSelector('[data-testid="open-browser"]:visible');
  } finally {
    session.dispose();
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

test('a 5,000-worker table, scrolled to the middle, shows the rows in view with each update\'s values (text and tooltip)', { skip, timeout: 90_000 }, async () => {
  let tick = 0;
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 5000, tick, baseTime: 1_800_000_000 }) };
  let last: HostMessage | undefined;
  const page = new DashboardPageRows();
  const { w, session, flush } = await connectSession('dark', (post) => new DashboardSession(
    { id: 'huge', name: 'huge', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/' }) },
    (m) => { page.see(m); if (m.type === 'dashboard/sample') last = m; post(m); }, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000 }));
  try {
    await session.tick();
    await flush();
    assert.equal(await text(w, 'card-workers'), '5000');
    // Sorted by name (w0, w1, … w10, … numeric): row 2500 is w2500.
    await w.page.locator('.table-wrap').evaluate((el) => { el.scrollTop = 2500 * 24; });
    const row = w.page.locator('tbody tr[data-address="tcp://10.0.10.0:42500"]');
    await row.waitFor();
    assert.equal(await row.locator('td[data-col="name"]').innerText(), 'w2500');
    const memory = () => row.locator('td[data-col="memoryBytes"]').evaluate((td) => [td.textContent, (td as HTMLElement).title]);
    const shown: string[][] = [];
    for (tick = 1; tick <= 2; tick++) {
      await session.tick();
      await flush();
      assert.ok(last?.type === 'dashboard/sample' && !last.workers.reset, 'an update carries a diff');
      const sent = page.rows(last).find((r) => r.address === 'tcp://10.0.10.0:42500');
      assert.ok(sent, 'every worker changed this tick');
      const [textNow, title] = await memory();
      assert.equal(textNow, `${formatBytes(sent.memoryBytes)} / ${formatBytes(sent.memoryLimitBytes)}`);
      assert.equal(title, `managed ${formatBytes(sent.managedBytes)} · unmanaged ${formatBytes(sent.unmanagedOldBytes + sent.unmanagedRecentBytes)} · spilled ${formatBytes(sent.spilledBytes)}`);
      shown.push([textNow, title]);
    }
    assert.notDeepEqual(shown[0], shown[1], 'the two updates showed different values');
    const inDom = await w.page.locator('tbody tr[data-address]').count();
    assert.ok(inDom > 10 && inDom < 60, `${inDom} rows in the DOM`);
  } finally {
    session.dispose();
    await w.page.close();
  }
});

test('paced updates (a third of the rows, numbers as Float64Arrays) reach their rows in place, and after re-sorting too (by CPU, by name both ways)', { skip, timeout: 90_000 }, async () => {
  let tick = 0;
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 300, tick, baseTime: 1_800_000_000, heartbeatEvery: 3 }) };
  // What the host sent, applied as the table should: the latest row of each worker.
  const latest = new Map<string, WorkerRow>();
  const page = new DashboardPageRows();
  let changed = 0;
  const { w, session, flush } = await connectSession('dark', (post) => new DashboardSession(
    { id: 'paced', name: 'paced', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/' }) },
    (m) => {
      if (m.type === 'dashboard/sample') {
        assert.ok(m.workers.upsert.cpuPercent instanceof Float64Array, 'the session sends typed columns');
        if (m.workers.reset) latest.clear();
        page.see(m);
        const rows = page.rows(m);
        for (const r of rows) latest.set(r.address, r);
        changed = rows.length;
      }
      post(m);
    }, { fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000 }));
  /** Each row in the DOM shows its worker's latest values; returns the rows' addresses in display order. */
  const shown = async () => {
    // No helper functions inside: tsx names them with a helper the page does not have.
    const cells = await w.page.locator('tbody tr[data-address]').evaluateAll((trs) => trs.map((tr) => ({
      address: (tr as HTMLElement).dataset.address!, name: tr.querySelector('td[data-col="name"]')!.textContent,
      memory: tr.querySelector('td[data-col="memoryBytes"]')!.textContent, memoryTitle: tr.querySelector<HTMLElement>('td[data-col="memoryBytes"]')!.title,
      cpu: tr.querySelector('td[data-col="cpuPercent"]')!.textContent, tasks: tr.querySelector('td[data-col="executing"]')!.textContent,
    })));
    assert.ok(cells.length > 10, `${cells.length} rows in the DOM`);
    for (const c of cells) {
      const r = latest.get(c.address)!;
      assert.deepEqual(c, { address: r.address, name: r.name, memory: `${formatBytes(r.memoryBytes)} / ${formatBytes(r.memoryLimitBytes)}`,
        memoryTitle: `managed ${formatBytes(r.managedBytes)} · unmanaged ${formatBytes(r.unmanagedOldBytes + r.unmanagedRecentBytes)} · spilled ${formatBytes(r.spilledBytes)}`,
        cpu: formatPercent(r.cpuPercent), tasks: `${r.executing} running · ${r.ready} queued` }, `tick ${tick}: ${c.address}`);
    }
    return cells.map((c) => c.address);
  };
  const byName = (addresses: string[]) => assert.deepEqual(addresses.map((a) => latest.get(a)!.name), addresses.map((_, i) => `w${i}`), 'sorted by name');
  try {
    await session.tick();
    await flush();
    byName(await shown());
    for (tick = 1; tick <= 3; tick++) {
      await session.tick();
      await flush();
      assert.ok(changed > 50 && changed < 150, `tick ${tick}: ${changed} of 300 rows changed (a third, as Dask paces heartbeats)`);
      byName(await shown());
    }
    // Sorted by CPU, then back by name: each update still lands on its worker's row.
    await w.page.locator('th[data-key="cpuPercent"]').click();
    for (; tick <= 5; tick++) {
      await session.tick();
      await flush();
      const cpu = (await shown()).map((a) => latest.get(a)!.cpuPercent);
      assert.deepEqual(cpu, [...cpu].sort((a, b) => a - b), `tick ${tick}: sorted by CPU`);
    }
    await w.page.locator('th[data-key="name"]').click();
    for (; tick <= 7; tick++) {
      await session.tick();
      await flush();
      byName(await shown());
    }
    // By name, descending: each row's place is not its place in the first sort.
    await w.page.locator('th[data-key="name"]').click();
    for (; tick <= 9; tick++) {
      await session.tick();
      await flush();
      const addresses = await shown();
      assert.deepEqual(addresses.map((a) => latest.get(a)!.name), addresses.map((_, i) => `w${299 - i}`), `tick ${tick}: sorted by name, descending`);
    }
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
    // The CPU chart names as many bars as fit (a label each of 500 would be drawn on top of one another, every update).
    const cpuTicks = await w.page.evaluate(() => (window as unknown as { pangeoDashboard: { xTicks(): Record<string, string[]> } }).pangeoDashboard.xTicks().cpu!);
    assert.ok(cpuTicks.length >= 5 && cpuTicks.length <= 100, `${cpuTicks.length} CPU labels for 500 bars`);
    // Bars thinner than 2 px are grouped: each bar is the busiest of its neighbours in the table's order, and the heading says so.
    const cpuBars = (await w.page.evaluate(() => (window as unknown as { pangeoDashboard: { chartData(): Record<string, number[][]> } }).pangeoDashboard.chartData())).cpu![1]!.length;
    const plotWidth = await w.page.locator('[data-testid="chart-cpu"] canvas').first().evaluate((c) => (c as HTMLCanvasElement).getBoundingClientRect().width);
    const group = Math.ceil(500 / cpuBars);
    assert.ok(cpuBars <= Math.max(1, plotWidth / 2), `${cpuBars} CPU bars on ${plotWidth} px`);
    assert.equal(await w.page.locator('[data-testid="chart-cpu"] h3').innerText(), group > 1 ? `CPU per worker (the busiest of each ${group}, in the table's order)` : 'CPU per worker');
    assert.ok(Array.from({ length: group }, (_, i) => `w${i}`).includes(cpuTicks[0]!), `${cpuTicks[0]} is one of the first ${group} workers`);
    await w.page.locator('.table-wrap').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await w.page.waitForFunction(() => [...document.querySelectorAll('tbody td[data-col="name"]')].some((td) => td.textContent === 'w499'));
    const names = await w.page.locator('tbody td[data-col="name"]').allInnerTexts();
    assert.equal(names.at(-1), 'w499');
  } finally {
    session.dispose();
    await w.page.close();
  }
});
