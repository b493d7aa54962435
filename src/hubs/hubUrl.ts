// Turns whatever URL a person pastes (hub home, login page, a lab link with ?token=) into the hub's base URL.
import { InvalidInputError } from '../core/http/errors';

export interface ParsedHubUrl {
  /** Origin plus the hub's base_url prefix, always ending in "/" (e.g. https://host/jhub/). */
  base: string;
  /** The user named in a /user/<name>/... link, decoded. */
  user?: string;
  /** A token carried in the pasted link (?token=...): offered for sign-in, never stored as a URL. */
  token?: string;
  /** Plain http to a non-loopback host: allowed, but the UI warns that tokens travel in clear text. */
  insecure: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

export function parseHubUrl(input: string): ParsedHubUrl {
  let text = input.trim();
  if (!text) throw new InvalidInputError('The hub URL is empty.', 'Paste the address of your JupyterHub, e.g. https://hub.example.org');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInputError(`"${input.trim()}" is not a URL.`, 'Paste the address of your JupyterHub, e.g. https://hub.example.org');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(`Hub URLs must use https (got ${url.protocol}).`, 'Use the https:// address of your hub.');
  }
  const token = url.searchParams.get('token') ?? undefined;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  // The hub's own routes start at /hub/ or /user/ (or /services/); everything before that is the base_url prefix.
  const marker = segments.findIndex((s) => s === 'hub' || s === 'user' || s === 'services' || s === 'users');
  let prefix = marker >= 0 ? segments.slice(0, marker) : stripPageNames(segments);
  let user: string | undefined;
  if (marker >= 0 && segments[marker] === 'user' && segments[marker + 1]) {
    user = decodeURIComponent(segments[marker + 1]!);
  }
  if (marker < 0) prefix = prefix.filter((s) => s !== '');
  const base = `${url.protocol}//${url.host}/${prefix.map((s) => s).join('/')}${prefix.length ? '/' : ''}`;
  return { base, user, token, insecure: url.protocol === 'http:' && !isLoopbackHost(url.hostname) };
}

// A pasted ".../login" or ".../tree" without a hub marker: drop the page name, keep the prefix.
function stripPageNames(segments: string[]): string[] {
  const pages = new Set(['login', 'logout', 'home', 'spawn', 'token', 'lab', 'tree', 'admin']);
  const out = [...segments];
  while (out.length && pages.has(out[out.length - 1]!)) out.pop();
  return out;
}

/** A short label for a hub: host plus prefix ("hub.example.org/jhub"). */
export function hubLabel(base: string): string {
  const u = new URL(base);
  return `${u.host}${u.pathname.replace(/\/$/, '')}`;
}

/** Encodes one path segment the way JupyterHub does (Python's quote(name, safe='@~')): names may hold '@', ',', spaces, '()'. */
export function seg(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%40/g, '@');
}
