// When an address is not a JupyterHub (a typo in its prefix, or the prefix left out), finds the hub the same host
// serves, so the error can point to it: the root's redirects, and the hub's own 404 page, which links to
// `{prefix}hub/static/…` and `{prefix}hub/home` (JupyterHub's proxy sends every unknown path to that page).
import type { HttpClient } from '../core/http/httpClient';
import { PangeoError } from '../core/http/errors';
import { isHubVersion } from './hubModels';

/** No JupyterHub answers at the address given; `suggestion` is the hub found on the same host, if any. */
export class NoHubAtAddressError extends PangeoError {
  constructor(readonly given: string, readonly suggestion: string | undefined, status: number | undefined) {
    super('Unreachable',
      suggestion ? `No JupyterHub at ${given}; did you mean ${suggestion}?` : `No JupyterHub at ${given}${status ? ` (${given}hub/api answered ${status})` : ''}.`,
      suggestion ? `Use ${suggestion} as the hub's address.` : 'Check the address: it is the hub\'s own, with its prefix if it has one (e.g. https://host/jhub/).',
      { status, url: given });
  }
}

const MAX_REDIRECTS = 5;

/**
 * The base URL of a JupyterHub on the origin of `given` other than `given` itself, or undefined. `notFoundPage` is
 * the body the hub's 404 for `{given}hub/api` carried (it names the real prefix). Same origin only; nothing is sent
 * but anonymous GETs.
 */
export async function findHubNearby(http: HttpClient, given: string, notFoundPage: string, signal?: AbortSignal): Promise<string | undefined> {
  const origin = new URL(given).origin;
  const candidates = new Set<string>(prefixesInPage(notFoundPage, origin));
  for (const location of await rootRedirects(http, origin, signal)) candidates.add(prefixOfPath(location, origin));
  candidates.delete(given);
  for (const base of candidates) {
    if (await isHubAt(http, base, signal)) return base;
  }
  return undefined;
}

/** `/jhub/hub/static/…`, `/jhub/hub/home` in the page's links → `{origin}/jhub/`. */
export function prefixesInPage(html: string, origin: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/(?:href|src|action)=["']((?:\/[^"'?#/]+)*\/)hub\/(?:static|home|login|logout|spawn|token)\b/gi)) {
    found.add(`${origin}${m[1]}`);
  }
  return [...found];
}

/** Where the root redirects, hop by hop (absolute URLs on the same origin). */
async function rootRedirects(http: HttpClient, origin: string, signal?: AbortSignal): Promise<string[]> {
  const seen: string[] = [];
  let url = `${origin}/`;
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const res = await http.request({ path: url, anonymous: true, redirect: 'manual', signal, retries: 0, acceptStatuses: [404, 403, 401], headers: { Accept: 'text/html' } })
      .catch(() => undefined);
    const location = res && res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (!location) break;
    const next = new URL(location, url);
    if (next.origin !== origin) break;
    url = next.toString();
    seen.push(url);
  }
  return seen;
}

/** `{origin}/jhub/hub/home` → `{origin}/jhub/`: everything before the hub's own route. */
function prefixOfPath(url: string, origin: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const marker = segments.findIndex((s) => s === 'hub' || s === 'user');
  const prefix = marker >= 0 ? segments.slice(0, marker) : segments;
  return `${origin}/${prefix.map((s) => `${s}/`).join('')}`;
}

async function isHubAt(http: HttpClient, base: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const res = await http.request({ path: `${base}hub/api`, anonymous: true, signal, retries: 0, redirect: 'manual' });
    return isHubVersion(JSON.parse(await res.text()));
  } catch {
    return false;
  }
}
