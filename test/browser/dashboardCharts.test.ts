// The dashboard's Dask charts (progress by task group, task time by prefix, memory per worker split, processing per
// worker, task stream) rendered in Chromium from payloads recorded on a real Dask 2022.12 scheduler under load, fed
// through the real DashboardSession, in light, dark and high-contrast themes; a screenshot of each chart per theme.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import { openWebview, setTheme, useBrowserPages, waitForPost, type ThemeName } from './webviewTestHost';
import { TASK_STREAM_MAX_BARS } from '../../src/shared/dashboard/taskStreamModel';
import { connectDashboard, probe } from './dashboardHarness';
import { recordedScheduler } from './recordedScheduler';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;
const CHARTS = ['chart-progress', 'chart-prefix-time', 'chart-worker-memory', 'chart-processing', 'chart-task-stream', 'chart-transfer'] as const;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
  test(`Dask charts from a recorded 2022.12 run (${theme}): progress moves and finishes, memory split, processing, task stream, one highlighted worker`, { skip, timeout: 90_000 }, async () => {
    const scheduler = recordedScheduler();
    let clock = Date.parse('2026-12-01T06:00:00Z');
    const { w, session, flush } = await connectDashboard(chromium.browser(), chromium.pages().origin, theme, (post) => new DashboardSession(
      { id: 'dask:local:recorded', name: 'recorded-2022.12', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
      post, { fetch: scheduler.fetch, openEventstream: scheduler.openEventstream, intervalMs: 3_600_000, now: () => (clock += 2000) }));
    try {
      // ---- middle of the run: bars part done, part processing, part waiting ----
      await session.tick();
      scheduler.phase = 'middle';
      await session.tick();
      await flush();
      let p = await probe(w);
      const progress = Object.fromEntries(p.bars.progress.rows.map((r) => [r.label, r.widths]));
      assert.deepEqual(Object.keys(progress).sort(), ['check', 'combine', 'load', 'measure', 'total']);
      // [released, in memory, processing, waiting, erred] in pixels: load has some done, some processing, most waiting.
      const load = progress.load!;
      assert.ok(load[1]! > 0 && load[2]! > 0 && load[3]! > load[1]!, `load mid-run ${JSON.stringify(load)}`);
      assert.ok(progress.total![3]! > 0 && progress.total![1] === 0, 'total still waits');
      // Memory per worker: named bars for both workers, managed + unmanaged drawn.
      assert.deepEqual(p.bars.workerMemory.rows.map((r) => r.label), ['alpha', 'beta']);
      for (const r of p.bars.workerMemory.rows) assert.ok(r.widths[0]! > 0 && r.widths[1]! + r.widths[2]! > 0, JSON.stringify(r));
      // Processing per worker: each runs one and has one queued (identity.json task_counts).
      for (const r of p.bars.processing.rows) assert.ok(r.widths[0]! > 0 && r.widths[1]! > 0, JSON.stringify(r));
      assert.match(await w.page.locator('tbody td[data-col="executing"]').first().innerText(), /^1 running · 1 queued$/);
      // 2022.12 has no per-prefix time on /metrics: said plainly until the stream runs.
      assert.match(p.bars.prefixTime.missing ?? '', /2023\.1\.1/);

      // ---- the live task stream (recorded /eventstream frames) ----
      assert.equal(p.taskStream.state, 'off');
      await w.page.locator('[data-testid="task-stream-toggle"]').click();
      await waitForPost(w, (m) => (m as { type?: string; on?: boolean }).type === 'dashboard/setTaskStream');
      await w.page.waitForFunction(() => (window as unknown as { pangeoDashboard: { taskStream(): { bars: number } } }).pangeoDashboard.taskStream().bars > 50, undefined, { timeout: 10_000 });
      assert.equal(scheduler.streamOpen(), true);
      assert.match(await w.page.locator('[data-testid="task-stream-status"]').innerText(), /^Live since/);

      // ---- end of the run: every bar finished, spilled memory shown in grey ----
      scheduler.phase = 'end';
      await session.tick();
      await flush();
      p = await probe(w);
      const check = p.bars.progress.rows.find((r) => r.label === 'check')!;
      assert.ok(check.widths[4]! > 0, `check has erred tasks (red): ${JSON.stringify(check)}`);
      for (const r of p.bars.progress.rows) {
        assert.equal(r.widths[2], 0, `${r.label} has nothing processing at the end`);
        assert.equal(r.widths[3], 0, `${r.label} has nothing waiting at the end`);
      }
      for (const r of p.bars.workerMemory.rows) assert.ok(r.widths[3]! > 0, `${r.label} shows spilled bytes: ${JSON.stringify(r)}`);
      assert.deepEqual(p.taskStream.lanes.map((l) => l.split('#')[0]).filter((v, i, a) => a.indexOf(v) === i).sort(), ['alpha', 'beta']);
      assert.ok(['load', 'measure', 'combine'].every((x) => p.taskStream.prefixes.includes(x)), JSON.stringify(p.taskStream.prefixes));
      // Task time per prefix, summed from the stream (and saying so).
      assert.ok(p.bars.prefixTime.rows.some((r) => r.label === 'load' && sum(r.widths) > 0), JSON.stringify(p.bars.prefixTime));
      assert.match(await w.page.locator('[data-testid="chart-prefix-time-note"]').innerText(), /live task stream/);

      // ---- one worker highlighted everywhere: a click in the table, then a click on a memory bar ----
      await w.page.locator('tbody tr[data-address] td[data-col="name"]', { hasText: 'beta' }).click();
      await flush();
      p = await probe(w);
      const beta = p.bars.workerMemory.rows.find((r) => r.label === 'beta')!.key;
      assert.equal(p.selected, beta);
      assert.deepEqual(p.bars.workerMemory.rows.map((r) => r.selected), [false, true]);
      assert.deepEqual(p.bars.processing.rows.map((r) => r.selected), [false, true]);
      assert.ok(p.taskStream.selectedLanes > 0);
      assert.equal(await w.page.locator('tbody tr.selected td[data-col="name"]').innerText(), 'beta');
      for (const id of CHARTS) await w.page.locator(`[data-testid="${id}"]`).screenshot({ path: `${ARTIFACTS}/${id}-${theme}.png` });
      await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-charts-${theme}.png`, fullPage: true });
      const box = (await w.page.locator('[data-testid="chart-worker-memory"] canvas').boundingBox())!;
      await w.page.mouse.click(box.x + box.width / 2, box.y + 9);
      await flush();
      p = await probe(w);
      assert.equal(p.bars.workerMemory.rows.find((r) => r.selected)?.label, 'alpha');
      assert.equal(await w.page.locator('tbody tr.selected td[data-col="name"]').innerText(), 'alpha');

      // Stopping the stream closes the websocket.
      await w.page.locator('[data-testid="task-stream-toggle"]').click();
      await w.page.waitForFunction(() => document.querySelector('[data-testid="task-stream-status"]')?.textContent?.startsWith('Off.'));
      assert.equal(scheduler.streamOpen(), false);
      assert.deepEqual(w.cspViolations, []);
    } finally {
      session.dispose();
      await w.page.close();
    }
  });
}

test('without /metrics or /eventstream the charts say plainly what is missing', { skip, timeout: 60_000 }, async () => {
  const scheduler = recordedScheduler({ eventstream: 'not-served' });
  scheduler.metrics = false;
  scheduler.phase = 'middle';
  const { w, session, flush } = await connectDashboard(chromium.browser(), chromium.pages().origin, 'dark', (post) => new DashboardSession(
    { id: 'url:bare', name: 'bare', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/' }) },
    post, { fetch: scheduler.fetch, openEventstream: scheduler.openEventstream, intervalMs: 3_600_000 }));
  try {
    await session.tick();
    await flush();
    const p = await probe(w);
    assert.equal(p.bars.progress.rows.length, 0);
    assert.match(p.bars.progress.missing ?? '', /does not serve \/metrics/);
    assert.match(await w.page.locator('[data-testid="chart-progress-missing"]').innerText(), /prometheus_client/);
    assert.match(p.bars.prefixTime.missing ?? '', /\/metrics/);
    // Memory and processing still come from identity.json.
    assert.equal(p.bars.workerMemory.rows.length, 2);
    await w.page.locator('[data-testid="task-stream-toggle"]').click();
    await w.page.waitForFunction(() => /^No task stream:/.test(document.querySelector('[data-testid="task-stream-status"]')?.textContent ?? ''));
    assert.match(await w.page.locator('[data-testid="task-stream-status"]').innerText(), /\/eventstream/);
    await w.page.screenshot({ path: `${ARTIFACTS}/dashboard-charts-missing-dark.png`, fullPage: true });
  } finally {
    session.dispose();
    await w.page.close();
  }
});

test('the task stream keeps its last two minutes: lanes, legend and bars follow the bars that remain', { skip, timeout: 60_000 }, async () => {
  const w = await openWebview(chromium.browser(), chromium.pages().origin, 'dashboard', 'dark', () => undefined);
  const t0 = Date.parse('2026-12-01T06:00:00Z');
  const bars = (worker: string, prefix: string, at: number) => Array.from({ length: 5 }, (_, i) => ({
    key: `${prefix}-${i}`, prefix, worker, action: 'compute', start: at + i * 100, stop: at + i * 100 + 80, thread: 0, status: 'OK',
  }));
  const stream = async (b: unknown[]) => {
    await w.send({ type: 'dashboard/taskStream', state: 'live', since: t0, bars: b });
    await w.page.evaluate(() => new Promise(requestAnimationFrame));
    return (await probe(w)).taskStream;
  };
  try {
    await w.page.waitForFunction(() => document.querySelector('[data-testid="workers-table"]') !== null);
    let ts = await stream(bars('tcp://10.0.0.1:1', 'old', t0));
    assert.deepEqual([ts.bars, ts.lanes, ts.prefixes], [5, ['tcp://10.0.0.1:1#0'], ['old']]);
    ts = await stream(bars('tcp://10.0.0.2:1', 'recent', t0 + 30_000));
    assert.deepEqual([ts.bars, ts.lanes.length, ts.prefixes.sort()], [10, 2, ['old', 'recent']]);
    // 80 s later all are kept; 140 s later the first worker's bars are out of the window: its lane and its prefix go with them.
    ts = await stream(bars('tcp://10.0.0.3:1', 'new', t0 + 80_000));
    assert.deepEqual([ts.bars, ts.lanes.length], [15, 3]);
    ts = await stream(bars('tcp://10.0.0.3:1', 'new', t0 + 140_000));
    assert.deepEqual([ts.bars, ts.lanes, ts.prefixes.sort()], [15, ['tcp://10.0.0.2:1#0', 'tcp://10.0.0.3:1#0'], ['new', 'recent']]);
    ts = await stream(bars('tcp://10.0.0.3:1', 'new', t0 + 300_000));
    assert.deepEqual([ts.bars, ts.lanes, ts.prefixes], [5, ['tcp://10.0.0.3:1#0'], ['new']]);
    await w.send({ type: 'dashboard/taskStream', state: 'off', bars: [] });
    ts = await stream([]);
    assert.deepEqual([ts.bars, ts.lanes, ts.prefixes], [0, [], []]);
  } finally {
    await w.page.close();
  }
});

test('the task stream shows 70 s of bars, and still does after a theme change; a flood is held to TASK_STREAM_MAX_BARS', { skip, timeout: 60_000 }, async () => {
  const w = await openWebview(chromium.browser(), chromium.pages().origin, 'dashboard', 'light', () => undefined);
  const t0 = Date.parse('2026-12-06T21:00:00Z');
  // 70 s of a steady stream as the host batches it: 5 bars per 500 ms message, times from the scheduler's clock.
  const batch = (from: number, n: number, stepMs: number) => Array.from({ length: n }, (_, i) => {
    const stop = t0 + (from + i) * stepMs;
    return { key: `inc-${from + i}`, prefix: 'inc', worker: `tcp://10.0.0.${(from + i) % 4}:1`, action: 'compute', start: stop - 80, stop, thread: 0, status: 'OK' };
  });
  const drawn = () => w.page.evaluate(() => (window as unknown as { pangeoDashboard: { taskStream(): { bars: number; held: number; spanMs: number } } }).pangeoDashboard.taskStream());
  try {
    await w.page.waitForFunction(() => document.querySelector('[data-testid="workers-table"]') !== null);
    for (let m = 0; m < 140; m++) await w.send({ type: 'dashboard/taskStream', state: 'live', since: t0, bars: batch(m * 5, 5, 100) });
    await w.page.evaluate(() => new Promise(requestAnimationFrame));
    let ts = await drawn();
    assert.deepEqual([ts.bars, ts.held], [700, 700]);
    assert.ok(ts.spanMs >= 60_000, `shows ${ts.spanMs / 1000} s`);
    for (const theme of ['dark', 'high-contrast', 'light'] as ThemeName[]) {
      await setTheme(w, theme);
      ts = await drawn();
      assert.deepEqual([ts.bars, ts.held], [700, 700], `after switching to ${theme}`);
      assert.ok(ts.spanMs >= 69_000, `shows ${ts.spanMs / 1000} s after switching to ${theme}`);
    }
    assert.match(await w.page.locator('[data-testid="task-stream-status"]').innerText(), /last two minutes/);
    // A flood (30,000 bars in 3 s): the chart holds the newest TASK_STREAM_MAX_BARS.
    for (let m = 0; m < 30; m++) await w.send({ type: 'dashboard/taskStream', state: 'live', since: t0, bars: batch(700 + m * 1000, 1000, 0.1) });
    await w.page.evaluate(() => new Promise(requestAnimationFrame));
    ts = await drawn();
    assert.equal(ts.held, TASK_STREAM_MAX_BARS);
    assert.equal(ts.bars, TASK_STREAM_MAX_BARS);
  } finally {
    await w.page.close();
  }
});
