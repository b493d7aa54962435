// Connects the real host-side DashboardSession to the dashboard page in Chromium, both ways, in order.
import type { Browser } from 'playwright-core';
import { DashboardSession } from '../../src/dashboard/dashboardSession';
import type { HostMessage } from '../../src/shared/protocol/panels';
import { openWebview, ThemeName, waitForPost, WebviewUnderTest } from './webviewTestHost';

export async function connectDashboard(browser: Browser, origin: string, theme: ThemeName, makeSession: (post: (m: HostMessage) => void) => DashboardSession) {
  let opened!: (w: WebviewUnderTest) => void;
  const page = new Promise<WebviewUnderTest>((resolve) => (opened = resolve));
  // Messages wait for the page (the webview's `ready` arrives while it is still loading), then go in order.
  let queue: Promise<unknown> = page;
  const session = makeSession((m) => {
    queue = queue.then(async () => (await page).send(m)).catch(() => undefined);
  });
  const w = await openWebview(browser, origin, 'dashboard', theme, (m) => session.receive(m));
  opened(w);
  await waitForPost(w, (m) => (m as { type?: string }).type === 'ready');
  // Visible, as an editor panel in front is.
  session.setVisible(true);
  const flush = async () => {
    await new Promise((r) => setTimeout(r, 10));
    await queue;
    await w.page.evaluate(() => new Promise(requestAnimationFrame));
    await w.page.evaluate(() => new Promise(requestAnimationFrame));
  };
  return { w, session, flush };
}

export interface DrawnBars {
  rows: { key: string; label: string; widths: number[]; selected: boolean }[];
  missing?: string;
}

export interface DashboardProbe {
  bars: Record<'progress' | 'prefixTime' | 'workerMemory' | 'processing' | 'occupancy', DrawnBars>;
  taskStream: { bars: number; lanes: string[]; prefixes: string[]; selectedLanes: number; state: string };
  selected?: string;
}

/** What the page's charts drew last (window.pangeoDashboard). */
export function probe(w: WebviewUnderTest): Promise<DashboardProbe> {
  return w.page.evaluate(() => {
    const d = (window as unknown as { pangeoDashboard: { bars(): unknown; taskStream(): unknown; selected(): unknown } }).pangeoDashboard;
    return { bars: d.bars(), taskStream: d.taskStream(), selected: d.selected() } as DashboardProbe;
  });
}
