import { bundleWebviews, launchChromium, openWebview, servePages } from './webviewTestHost';
void (async () => {
  const pages = await servePages(await bundleWebviews());
  const browser = await launchChromium();
  const w = await openWebview(browser, pages.origin, 'dashboard', 'light', () => undefined);
  await w.page.waitForTimeout(300);
  await w.page.evaluate(`(() => {
      const t0 = Date.UTC(2026, 4, 5, 8, 0) / 1000; const span = 86400;
      const xs = []; const ys = [];
      for (let i = 0; i <= 60; i++) { xs.push(t0 + i * span / 60); ys.push(i); }
      window.postMessage({ type: 'dashboard/init', cluster: { id: 'x', name: 'x', dashboardUrl: 'http://h/', canScale: true, canAdapt: true },
        series: { time: xs.map((x) => x * 1000), workers: ys, threads: ys, memoryUsedBytes: ys, memoryLimitBytes: ys, tasks: {} } }, '*');
  })()`);
  await w.page.waitForTimeout(300);
  await w.page.screenshot({ path: '/tmp/dbg.png', clip: { x: 0, y: 150, width: 420, height: 280 } });
  await browser.close(); await pages.close();
})();
