// Buttons of the dashboard and cost pages in each theme: text on its own fill with readable contrast (the task stream's
// "Stop live task stream" was light text on a light fallback fill in High Contrast), and the contrast border there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import type { HostMessage } from '../../src/shared/protocol/panels';
import { fakeSchedulerFetch, syntheticPayloads } from '../unit/metrics/syntheticScheduler';
import { contrast, openWebview, useBrowserPages, waitForPost, THEMES, type ThemeName, type WebviewUnderTest } from './webviewTestHost';

const chromium = useBrowserPages();
const { skip, artifacts: ARTIFACTS } = chromium;

/** Colours the browser resolves for every visible button, its background seen over the page's when transparent. */
async function buttonColours(view: 'dashboard' | 'cost', theme: ThemeName, hover = false) {
  // The dashboard draws once its host session has sent the cluster (a synthetic scheduler of 2 workers).
  const queue: HostMessage[] = [];
  let session: DashboardSession | undefined;
  const post = (m: HostMessage) => { queue.push(m); };
  if (view === 'dashboard') {
    session = new DashboardSession({ id: 'url:x', name: 'colours', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
      post, { fetch: fakeSchedulerFetch({ requests: [], payloads: () => syntheticPayloads({ workers: 2 }) }), intervalMs: 3_600_000 });
  }
  const w: WebviewUnderTest = await openWebview(chromium.browser(), chromium.pages().origin, view, theme, (m) => session?.receive(m));
  try {
    if (session) {
      await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
      await session.tick();
      for (const m of queue.splice(0)) await w.send(m);
    }
    await w.page.waitForSelector(view === 'dashboard' ? '[data-testid="task-stream-toggle"]' : 'button');
    if (hover) await w.page.locator('[data-testid="task-stream-toggle"]').hover();
    const found = await w.page.evaluate(`(() => [...document.querySelectorAll('button')]
      .filter((b) => b.offsetParent !== null)
      .map((b) => { const s = getComputedStyle(b); return { text: b.textContent, testId: b.dataset.testid ?? '', color: s.color,
        background: s.backgroundColor, page: getComputedStyle(document.body).backgroundColor, border: s.borderTopColor, hover: b.matches(':hover') }; }))()`);
    await w.page.screenshot({ path: `${ARTIFACTS}/buttons-${view}-${theme}${hover ? '-hover' : ''}.png` });
    return found as Array<{ text: string; testId: string; color: string; background: string; page: string; border: string; hover: boolean }>;
  } finally {
    session?.dispose();
    await w.page.close();
  }
}

const seen = (b: { background: string; page: string }) => (/rgba\(\d+, \d+, \d+, 0\)/.test(b.background) ? b.page : b.background);

for (const theme of Object.keys(THEMES) as ThemeName[]) {
  for (const view of ['dashboard', 'cost'] as const) {
    test(`${view} buttons (${theme}): each text readable on its own fill`, { skip, timeout: 60_000 }, async () => {
      const buttons = await buttonColours(view, theme);
      assert.ok(buttons.length > 0, 'the page has buttons');
      if (view === 'dashboard') assert.ok(buttons.some((b) => b.testId === 'task-stream-toggle'), 'the task stream toggle is there');
      for (const b of buttons) {
        const ratio = contrast(b.color, seen(b));
        assert.ok(ratio >= 4.5, `"${b.text}": ${b.color} on ${seen(b)} is ${ratio.toFixed(2)}:1`);
        if (theme === 'high-contrast') assert.equal(b.border, 'rgb(111, 195, 223)', `"${b.text}" has the contrast border`);
      }
    });
  }
}

test('the task stream toggle stays readable when hovered in High Contrast', { skip, timeout: 60_000 }, async () => {
  const toggle = (await buttonColours('dashboard', 'high-contrast', true)).find((b) => b.testId === 'task-stream-toggle')!;
  assert.ok(toggle.hover);
  assert.ok(contrast(toggle.color, seen(toggle)) >= 4.5, `${toggle.color} on ${seen(toggle)}`);
});
