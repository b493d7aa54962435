// Occupancy and current work per worker, rendered in Chromium from the probe answer recorded on a real Dask 2022.12 run
// (test/fixtures/scheduler/probe-middle.json, same scheduler and workers as the recorded identity.json), through the
// real DashboardSession and its kernel probe feed: first with no notebook kernel, then with a busy one, then live; in
// light, dark and high-contrast themes, a screenshot of the chart per theme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import type { ProbeKernel } from '../../src/dashboard/kernelProbeFeed';
import { PROBE_MARKER } from '../../src/dask/scheduler/schedulerProbe';
import { useBrowserPages, type ThemeName } from './webviewTestHost';
import { connectDashboard, probe } from './dashboardHarness';
import { recordedScheduler } from './recordedScheduler';
import { fixtureText } from '../unit/metrics/schedulerFixtures';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;

for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
  test(`occupancy and current work from the kernel probe (${theme}): missing without a kernel, "kernel busy", then per worker`, { skip, timeout: 60_000 }, async () => {
    const scheduler = recordedScheduler();
    scheduler.phase = 'middle';
    const kernels: ProbeKernel[] = [];
    const busy = { value: true };
    const notebook: ProbeKernel = {
      id: 'file:///w/analysis.ipynb', label: 'analysis.ipynb',
      runIfIdle: async () => (busy.value ? undefined : `${PROBE_MARKER}${fixtureText('probe-middle.json')}`),
    };
    // Newer Dask answers identity.json with 500 while tasks run: switched on below.
    let identity500 = false;
    const withIdentity500 = (async (input: string | URL | Request) => (identity500 && String(input instanceof Request ? input.url : input).endsWith('/json/identity.json')
      ? new Response('500: Internal Server Error', { status: 500 }) : scheduler.fetch(input))) as typeof fetch;
    const { w, session, flush } = await connectDashboard(chromium.browser(), chromium.pages().origin, theme, (post) => new DashboardSession(
      { id: 'dask:local:recorded', name: 'recorded-2022.12', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
      post, { fetch: withIdentity500, intervalMs: 3_600_000, probeIntervalMs: 3_600_000, probeKernels: async () => kernels }));
    const missing = () => w.page.locator('[data-testid="chart-occupancy-missing"]').innerText();
    try {
      await session.tick();
      await session.kernelProbe!.tick();
      await flush();
      let p = await probe(w);
      assert.equal(p.bars.occupancy.rows.length, 0);
      assert.match(await missing(), /no notebook kernel connected to this cluster/);

      kernels.push(notebook);
      await session.kernelProbe!.tick();
      await flush();
      assert.match(await missing(), /shown when the notebook's kernel is idle — analysis\.ipynb is running a cell/);

      busy.value = false;
      await session.kernelProbe!.tick();
      await flush();
      p = await probe(w);
      assert.equal(p.bars.occupancy.missing, undefined);
      assert.deepEqual(p.bars.occupancy.rows.map((r) => r.label), ['alpha', 'beta']);
      for (const r of p.bars.occupancy.rows) assert.ok(r.widths[0]! > 0, `occupancy drawn for ${r.label}: ${JSON.stringify(r)}`);
      assert.match(await w.page.locator('[data-testid="chart-occupancy-note"]').innerText(), /from the Dask client in analysis\.ipynb/);
      // The rows the table and charts hold carry the probe's values (what the bars' notes print).
      const rows = await w.page.evaluate(() => [...document.querySelectorAll('tbody tr[data-address]')].length);
      assert.equal(rows, 2);
      const notes = await w.page.evaluate(() => {
        const d = (window as unknown as { pangeoDashboard: { bars(): Record<string, { rows: unknown[] }> } }).pangeoDashboard;
        return d.bars().occupancy!.rows.length;
      });
      assert.equal(notes, 2);

      // One worker highlighted here too.
      // The second row (rows are 18 px high); click() scrolls the chart into view first.
      await w.page.locator('[data-testid="chart-occupancy"] canvas').click({ position: { x: 200, y: 27 } });
      await flush();
      p = await probe(w);
      assert.deepEqual(p.bars.occupancy.rows.map((r) => r.selected), [false, true]);
      assert.deepEqual(p.bars.workerMemory.rows.map((r) => r.selected), [false, true]);
      await w.page.locator('[data-testid="chart-occupancy"]').screenshot({ path: `${ARTIFACTS}/chart-occupancy-${theme}.png` });
      const title = await w.page.evaluate(async () => {
        const canvas = document.querySelector('[data-testid="chart-occupancy"] canvas') as HTMLCanvasElement;
        const r = canvas.getBoundingClientRect();
        canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: r.left + 20, clientY: r.top + 9 }));
        return canvas.title;
      });
      assert.match(title, /^alpha \(tcp:\/\/127\.0\.0\.1:\d+\): occupancy \d+ ms, 2 tasks assigned; executing: measure$/);

      // identity.json fails (newer Dask mid-run): the memory bars come from the probe, and say so.
      const memNote = () => w.page.locator('[data-testid="chart-worker-memory-note"]');
      assert.equal(await memNote().isVisible(), false);
      identity500 = true;
      await session.tick();
      await flush();
      assert.match(await memNote().innerText(), /through analysis\.ipynb's Dask client: its identity\.json answers HTTP 500/);
      await w.page.locator('[data-testid="chart-worker-memory"]').screenshot({ path: `${ARTIFACTS}/chart-worker-memory-from-probe-${theme}.png` });
      identity500 = false;
      await session.tick();
      await flush();
      assert.equal(await memNote().isVisible(), false);

      // The kernel runs a cell again: the values are not shown as current.
      busy.value = true;
      await session.kernelProbe!.tick();
      await flush();
      p = await probe(w);
      assert.equal(p.bars.occupancy.rows.length, 0);
      assert.match(await missing(), /kernel is idle/);
      assert.deepEqual(w.cspViolations, []);
    } finally {
      session.dispose();
      await w.page.close();
    }
  });
}
