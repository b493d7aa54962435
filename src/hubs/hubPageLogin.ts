// JupyterHub's HTML pages (/hub/spawn, where the options form lives) refuse API tokens (JupyterHub 2+ sets
// _accept_token_auth = False on page handlers); they need the hub's login cookie. This logs in once with a password
// and keeps only the resulting cookies, never the password.
import type { HttpClient } from '../core/http/httpClient';
import { UnauthorizedError } from '../core/http/errors';
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

/** Logs in through the hub's login form; returns the cookie header value for later page requests. */
export async function loginForPages(http: HttpClient, username: string, password: string, signal?: AbortSignal): Promise<string> {
  registerSecret(password);
  const page = await http.request({ path: 'hub/login', anonymous: true, signal, redirect: 'manual', acceptStatuses: [200] });
  let cookies = mergeCookies('', page.headers.getSetCookie());
  const html = await page.text();
  const xsrf = /name="_xsrf"\s+value="([^"]+)"/.exec(html)?.[1];
  const form = new URLSearchParams({ username, password });
  if (xsrf) form.set('_xsrf', xsrf);
  const res = await http.request({
    method: 'POST', path: 'hub/login', anonymous: true, signal, redirect: 'manual', body: form,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookies ? { Cookie: cookies } : {}), Referer: http.resolve('hub/login').toString() },
    acceptStatuses: [200, 403],
  });
  cookies = mergeCookies(cookies, res.headers.getSetCookie());
  if (!/jupyterhub-hub-login=/.test(cookies)) {
    throw new UnauthorizedError(http.resolve('hub/login').toString(), 'the hub did not accept this username and password');
  }
  registerSecret(/jupyterhub-hub-login=([^;]+)/.exec(cookies)?.[1]);
  return cookies;
}
