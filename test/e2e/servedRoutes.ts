// Stand-ins for internet servers (a CDN) in the harness's browser: this machine has no internet, so a test names the
// URLs to answer and the files to answer them with (the `serve` UI action), and reads back how often each was asked for.
// Routed on the browser context, not the page: that also covers requests of the notebook webviews' nested iframes
// (whose service worker lets requests to other origins through to the network) and of any service worker itself.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Route } from 'playwright-core';
import type { ServedRoute } from './uiProtocol';

export class ServedRoutes {
  private routes = new Map<string, ServedRoute>();
  private counts = new Map<string, number>();
  private origins: string[] = [];

  constructor(private readonly context: BrowserContext) {}

  /** Replaces the served routes (and forgets the counts); an empty list stops serving. */
  async serve(routes: ServedRoute[]): Promise<void> {
    for (const origin of this.origins) await this.context.unroute(`${origin}/**`);
    this.routes = new Map(routes.map((r) => [r.url, r]));
    this.counts = new Map();
    // Read now, so a wrong path fails the request that named it rather than the page that asks later.
    const bodies = new Map(routes.map((r) => [r.url, readFileSync(r.file)]));
    this.origins = [...new Set(routes.map((r) => new URL(r.url).origin))];
    for (const origin of this.origins) {
      await this.context.route(`${origin}/**`, (route) => this.answer(route, bodies));
    }
  }

  /** Requests per URL of the served origins since the last `serve` (unserved ones too: they failed as offline). */
  served(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private async answer(route: Route, bodies: Map<string, Buffer>): Promise<void> {
    const url = route.request().url();
    this.counts.set(url, (this.counts.get(url) ?? 0) + 1);
    const served = this.routes.get(url);
    const body = bodies.get(url);
    if (!served || !body || route.request().method() !== 'GET') return route.abort('internetdisconnected');
    // The CDN's CORS header: the webview's content comes from another origin.
    return route.fulfill({ status: 200, contentType: served.contentType, body, headers: { 'access-control-allow-origin': '*' } });
  }
}
