// A fetch-shaped sender over node:http/https for requests that must look like a page navigation.
// Node's fetch (undici) always adds `Sec-Fetch-Mode: cors`, and JupyterHub 4.1+ sets its `_xsrf` cookie only on
// navigations; node:http sends exactly the headers given, so the hub treats the request as one (no Sec-Fetch-* at all).
import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export interface NavigationInit {
  method: string;
  headers: Record<string, string>;
  body?: string | URLSearchParams;
  signal: AbortSignal;
}

export type NavigationFetch = (url: URL, init: NavigationInit) => Promise<Response>;

/** Statuses whose Response must have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** Sends one request and never follows redirects: the caller reads Location, as a browser would navigate. */
export const navigationFetch: NavigationFetch = (url, init) => new Promise<Response>((resolve, reject) => {
  const body = init.body === undefined ? undefined : Buffer.from(init.body.toString());
  const headers: Record<string, string> = { ...init.headers };
  if (body) headers['Content-Length'] = String(body.length);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(url, { method: init.method, headers, signal: init.signal }, (res) => resolve(toResponse(url, res)));
  req.on('error', reject);
  req.end(body);
});

function toResponse(url: URL, res: IncomingMessage): Response {
  const headers = new Headers();
  // rawHeaders keeps repeated headers (several Set-Cookie) apart.
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 502;
  let body: ReadableStream<Uint8Array> | null = null;
  if (NULL_BODY.has(status)) res.resume();
  else body = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
  const response = new Response(body, { status, statusText: res.statusMessage, headers });
  Object.defineProperty(response, 'url', { value: url.toString() });
  return response;
}
