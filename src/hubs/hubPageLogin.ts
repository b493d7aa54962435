// JupyterHub's HTML pages (/hub/spawn, where the options form lives) refuse API tokens (JupyterHub 2+ sets
// _accept_token_auth = False on page handlers); they need the hub's login cookie. This logs in once with a password
// and keeps only the resulting cookies, never the password.
import type { HttpClient } from '../core/http/httpClient';
import { ForbiddenError, PangeoError, XsrfRejectedError } from '../core/http/errors';
import { extractServerMessage } from '../core/http/errorMapping';
import { registerSecret } from '../core/http/redact';

/** Cookie names worth keeping: the hub login cookie, its session id, and the XSRF cookie of JupyterHub ≥ 4. */
const KEEP = /^(jupyterhub-hub-login|jupyterhub-session-id|_xsrf)$/;

export function mergeCookies(existing: string, setCookies: string[]): string {
  const jar = new Map(existing.split(/;\s*/).filter(Boolean).map((kv) => [kv.split('=')[0]!, kv] as const));
  for (const header of setCookies) {
    const pair = header.split(';')[0]!.trim();
    const name = pair.split('=')[0]!;
    if (!KEEP.test(name)) continue;
    if (/=""?$/.test(pair) || /expires=Thu, 01 Jan 1970/i.test(header)) jar.delete(name);
    else jar.set(name, pair);
  }
  return [...jar.values()].join('; ');
}

export interface PageLoginHooks {
  /** Runs between the login page's GET and the form POST of each attempt (tests cross second boundaries or alter the form here). */
  beforePost?: (form: URLSearchParams, attempt: number) => void | Promise<void>;
}

/** What a 403 on the login POST means: a refused XSRF check (with the hub's words), wrong credentials, or something else. */
function classify403(html: string): { xsrf: string } | 'credentials' | 'other' {
  const text = html.replace(/<[^>]+>/g, '\n').replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  // Tornado: "'_xsrf' argument missing from POST", "XSRF cookie does not match POST argument"; JupyterHub 5 shows
  // its login page again with "Login form invalid or expired. Try again." instead.
  const named = text.split('\n').map((l) => l.trim()).find((l) => (/xsrf/i.test(l) || /login form invalid or expired/i.test(l)) && l.length < 200);
  if (named) return { xsrf: named };
  // JupyterHub 5 answers a wrong password with 403 and the login page again.
  if (/name="password"|Invalid username or password/i.test(html)) return 'credentials';
  // Tornado runs its XSRF check before the hub's handler, and JupyterHub 3 then renders nothing: an empty 403.
  if (!html.trim()) return { xsrf: 'the hub answered 403 with an empty page' };
  return 'other';
}

/**
 * Logs in through the hub's login form; returns the cookie header value for later page requests.
 * Both requests go as navigations so JupyterHub 4.1+ sets its anonymous `_xsrf` cookie on the GET; the POST sends it
 * back as cookie and form field. A 403 naming XSRF is retried once with a fresh GET, then reported as XsrfRejectedError.
 */
export async function loginForPages(http: HttpClient, username: string, password: string, signal?: AbortSignal, hooks: PageLoginHooks = {}): Promise<string> {
  registerSecret(password);
  const url = http.resolve('hub/login').toString();
  for (let attempt = 1; ; attempt++) {
    const page = await http.request({ path: 'hub/login', anonymous: true, navigation: true, signal, acceptStatuses: [200], headers: { Accept: 'text/html' } });
    let cookies = mergeCookies('', page.headers.getSetCookie());
    const html = await page.text();
    const xsrf = /name="_xsrf"\s+value="([^"]+)"/.exec(html)?.[1] ?? /(?:^|;\s*)_xsrf=([^;]+)/.exec(cookies)?.[1];
    const form = new URLSearchParams({ username, password });
    if (xsrf) form.set('_xsrf', xsrf);
    await hooks.beforePost?.(form, attempt);
    const res = await http.request({
      method: 'POST', path: 'hub/login', anonymous: true, navigation: true, signal, body: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...(cookies ? { Cookie: cookies } : {}), Referer: url },
      acceptStatuses: [200, 403],
    });
    if (res.status === 403) {
      const body = await res.text();
      const kind = classify403(body);
      if (kind === 'credentials') throw wrongCredentials(url);
      if (kind === 'other') throw new ForbiddenError(url, extractServerMessage(body, res.headers.get('content-type')));
      const message = kind.xsrf;
      if (attempt < 2) {
        http.logger.warn(`page login on ${url}: the hub refused the XSRF check (${message}); retrying once`);
        continue;
      }
      throw new XsrfRejectedError(url, message);
    }
    cookies = mergeCookies(cookies, res.headers.getSetCookie());
    if (!/jupyterhub-hub-login=/.test(cookies)) {
      throw wrongCredentials(url);
    }
    registerSecret(/jupyterhub-hub-login=([^;]+)/.exec(cookies)?.[1]);
    return cookies;
  }
}

/** The hub at `url` refused the username and password (its login form, or the token API's password sign-in). */
export function wrongCredentials(url: string): PangeoError {
  return new PangeoError('Unauthorized', `${url} did not accept this username and password.`,
    'Check them and try again (hubs that sign in through GitHub, CILogon or similar have no password: paste an API token from the hub\'s Token page).',
    { status: 401, url });
}
