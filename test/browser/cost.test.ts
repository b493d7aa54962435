// The cost webview in headless Chromium, fed snapshots from the real CostMeter through the protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CostMeter } from '../../src/cost/costMeter';
import { defaultPriceTable } from '../../src/cost/priceTable';
import { isWebviewMessage, CostSnapshot } from '../../src/shared/protocol/panels';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../unit/metrics/syntheticScheduler';
import { MemoryStore } from '../../src/core/keyValueStore';
import { openWebview, useBrowserPages, waitForPost } from './webviewTestHost';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;

/** Two hours of a server and a cluster that grows from 4 to 10 workers, minute by minute. */
async function recordedSnapshot(): Promise<CostSnapshot> {
  let workers = 4;
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers, processing: 2 }) };
  const t0 = Date.UTC(2026, 4, 5, 8, 0);
  const meter = new CostMeter({
    table: defaultPriceTable, store: new MemoryStore(), fetch: fakeSchedulerFetch(control), dayOf: (t) => new Date(t).toISOString().slice(0, 10),
    budget: { limitUsd: 2, period: 'day' },
    sources: [{ list: async () => [
      { resource: { kind: 'server', id: 'hub:alice', label: 'alice on pangeo hub', cloud: 'aws', region: 'us-west-2', instanceType: 'r5.xlarge' } },
      { resource: { kind: 'cluster', id: 'gw:abc', label: 'gateway abc', cloud: 'aws', region: 'us-west-2', workerInstanceType: 'm5.xlarge', schedulerInstanceType: 'm5.large' },
        dashboard: { dashboardUrl: 'http://sched.test:8787/' } },
    ] }],
  });
  let snap: CostSnapshot | undefined;
  for (let i = 0; i <= 120; i++) {
    if (i === 60) workers = 10;
    snap = (await meter.tick(t0 + i * 60_000)).snapshot;
  }
  return snap!;
}

for (const theme of ['light', 'dark'] as const) {
  test(`cost panel shows the meter's numbers, budget warning and chart (${theme})`, { skip, timeout: 60_000 }, async () => {
    const snapshot = await recordedSnapshot();
    let budgetRequest: unknown;
    const w = await openWebview(chromium.browser(), chromium.pages().origin, 'cost', theme, async (m) => {
      assert.ok(isWebviewMessage(m), `the webview posts only valid messages: ${JSON.stringify(m)}`);
      if ((m as { type: string }).type === 'cost/setBudget') {
        budgetRequest = m;
        await w.send({ type: 'result', requestId: (m as { requestId: number }).requestId, ok: true, message: 'Budget set to $50 per month.' });
      }
    });
    try {
      await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
      await w.send({ type: 'cost/snapshot', snapshot });
      const text = (id: string) => w.page.locator(`[data-testid="${id}"]`).innerText();
      await w.page.waitForFunction(() => document.querySelector('[data-testid="card-rate"]')?.textContent !== '–');
      // 0.252 (r5.xlarge) + 10 × 0.192 + 0.096 = $2.27/h
      assert.equal(await text('card-rate'), '$2.27/h');
      assert.equal(snapshot.totalUsdPerHour.toFixed(3), '2.268');
      const today = snapshot.todayUsd;
      assert.ok(Math.abs(today - (0.252 * 2 + (4 * 0.192 + 0.096) + (10 * 0.192 + 0.096))) < 1e-6, `today ${today}`);
      assert.equal(await text('card-today'), `$${today.toFixed(2)}`);
      assert.equal(await text('card-session'), `$${snapshot.sessionUsd.toFixed(2)}`);
      assert.match(await text('budget-banner'), /^Budget reached: \$[\d.]+ of \$2\.00 this day\.$/);
      assert.equal(await w.page.locator('[data-testid="budget-banner"]').getAttribute('data-level'), '100');
      assert.equal(await w.page.locator('[data-testid="resources-table"] tbody tr').count(), 2);
      assert.match(await w.page.locator('tr[data-id="gw:abc"]').innerText(), /10 × worker m5\.xlarge @ \$0\.19\/h/);
      assert.equal(await w.page.locator('[data-testid="chart-total"] canvas').count(), 1);
      assert.equal(await w.page.locator('[data-testid="chart-per-resource"] canvas').count(), 1);
      assert.match(await text('footnote'), /as of 2024-06-01/);
      await w.page.screenshot({ path: `${ARTIFACTS}/cost-${theme}.png`, fullPage: true });

      await w.page.locator('[data-testid="budget-limit"]').fill('50');
      await w.page.locator('[data-testid="budget-period"]').selectOption('month');
      await w.page.locator('[data-testid="budget-set"]').click();
      await waitForPost(w, (m) => (m as { type?: string }).type === 'cost/setBudget');
      assert.deepEqual({ ...(budgetRequest as object), requestId: 0 }, { type: 'cost/setBudget', requestId: 0, limitUsd: 50, period: 'month' });
      await w.page.waitForFunction(() => document.querySelector('[data-testid="request-status"]')?.textContent === 'Budget set to $50 per month.');
      assert.deepEqual(await w.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []), []);
    } finally {
      await w.page.close();
    }
  });
}

test('the cost page CSP blocks an injected inline script', { skip, timeout: 30_000 }, async () => {
  const w = await openWebview(chromium.browser(), chromium.pages().origin, 'cost', 'dark', () => undefined);
  try {
    await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
    const ran = await w.page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 100));
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    assert.equal(ran, false);
  } finally {
    await w.page.close();
  }
});
