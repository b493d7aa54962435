// Proves the harness's stand-in CDN (servedRoutes.ts) in plain Chromium: a served URL gets its file, any other URL of
// that origin fails as offline, each request is counted, and an empty list stops serving.
// Run: node --import tsx --test test/e2e/servedRoutes.selftest.ts   (~10 s; needs chromium)
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './browser';
import { ServedRoutes } from './servedRoutes';

const scratch = mkdtempSync(join(tmpdir(), 'pangeo-served-routes-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('served URLs answer with their files, others of the origin fail as offline, requests are counted', async () => {
  const file = join(scratch, 'module.js');
  writeFileSync(file, 'window.served = "from the file";');
  const page = '<html><body><script>window.load = (src) => new Promise((ok) => { const s = document.createElement("script"); s.src = src; s.onload = () => ok("loaded"); s.onerror = () => ok("failed"); document.head.append(s); });</script></body></html>';
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const routes = new ServedRoutes(context);
    const url = 'https://cdn.jsdelivr.net/npm/pangeo-test-widget@1.0.0/dist/index.js';
    const other = 'https://cdn.jsdelivr.net/npm/elsewhere@1.0.0/dist/index.js';
    await routes.serve([{ url, file, contentType: 'application/javascript' }]);
    const load = (src: string) => tab.evaluate((s) => (window as unknown as { load(s: string): Promise<string> }).load(s), src);
    assert.equal(await load(url), 'loaded');
    assert.equal(await tab.evaluate(() => (window as unknown as { served?: string }).served), 'from the file');
    assert.equal(await load(`${url}?again`), 'failed', 'only the exact URL is served');
    assert.equal(await load(other), 'failed');
    assert.deepEqual(routes.served(), { [url]: 1, [`${url}?again`]: 1, [other]: 1 });
    await routes.serve([]);
    assert.deepEqual(routes.served(), {}, 'counts start again');
  } finally {
    await browser.close();
    server.close();
  }
});
