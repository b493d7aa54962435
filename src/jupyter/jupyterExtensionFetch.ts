// The `fetch` we hand the Jupyter extension for a "Pangeo hubs" server (its connection information takes one). Its
// kernel connection (@jupyterlab/services) asks GET api/kernels/<id> each time the kernel websocket fails, and only an
// answer other than 404/424/503/network error ends the "Reconnecting to the kernel" loop (kernel dead → cell ended).
// So for a server we know is gone we give that answer at once, and a failed look-up waits for our verdict. While it is
// gone, its listings are answered as last seen (kernelspecs) or empty (kernels, sessions): a failed listing makes the
// Jupyter extension drop the server's kernelspec controllers, and the notebook then ends up bound to a dead kernel's
// controller (its first run after a restart hangs). Anything else asked of a gone server gets 410 with the reason.
// While its hub is signed out the server still runs, and so do the kernel connections already open (the hub checks
// tokens when a websocket opens): every listing is answered as last seen. An empty session list would make the
// Jupyter extension's session manager (it asks every 10 s) dispose the notebook's session, after which every run says
// "session has been disposed" until "Restart Kernel", even after signing in again.
// It also tells which notebook a new session is for as soon as the Jupyter extension asks for one (POST api/sessions).
// Hand-written because the Jupyter extension passes its own (node-fetch) Request object; global fetch cannot take it.

import { labelKernelSpecs } from './kernelSpecLabels';

/** What the fetch needs to know about the server it serves. */
export interface ServerFate {
  /** Why a kernel on this server cannot come back (server gone now, or the kernel was lost with it); else undefined. */
  lost(kernelId: string, status?: number): string | undefined;
  /** Waits (bounded) for our verdict on a server that did not answer: the reason when it is gone, else undefined. */
  settle(): Promise<string | undefined>;
  /**
   * The Jupyter extension asks for a session for this path (its `<notebook>-jvsc-<uuid>.ipynb` or the notebook's);
   * the function returned is called when that request fails (no session was made).
   */
  sessionRequested?(path: string): (() => void) | void;
  /** The reason while the server is gone now (not after it runs again); else undefined. */
  goneReason?(): string | undefined;
  /** The reason while the server cannot be used for a reason of its own (its hub is signed out); else undefined. */
  signedOutReason?(): string | undefined;
  /** Something was asked of the gone server (a kernel start…) and refused: a chance to offer starting it again. */
  refused?(): void;
  /** Last good answers to listing GETs (key: 'kernelspecs', 'kernels', 'sessions'), kept per server for answering while it is gone or signed out. */
  readonly listings?: Map<string, string>;
}

/** The parts of a Fetch-API Request (browser, undici or node-fetch) we read. */
interface RequestLike {
  url: string;
  method?: string;
  headers?: { forEach(cb: (value: string, key: string) => void): void };
  arrayBuffer?(): Promise<ArrayBuffer>;
  signal?: AbortSignal | null;
}

export type FetchFn = (input: unknown, init?: RequestInit) => Promise<Response>;

const KERNEL_MODEL = /\/api\/kernels\/([^/?#]+)\/?(?:[?#].*)?$/;
const SESSIONS = /\/api\/sessions\/?(?:[?#].*)?$/;
const LISTING = /\/api\/(kernelspecs|kernels|sessions)\/?$/;
/** Statuses that make @jupyterlab/services try the kernel again later: missing, hub says "not running", unavailable. */
const RETRIED = new Set([404, 424, 503]);

export interface JupyterExtensionFetchOptions {
  /** The label for a kernelspec's display name (the kernel's name in its picker and the notebook's toolbar). */
  kernelLabel?(displayName: string): string;
}

export function jupyterExtensionFetch(fate: ServerFate, send: typeof fetch = fetch, opts: JupyterExtensionFetchOptions = {}): FetchFn {
  return async (input, init) => {
    const { url, request } = await toRequest(input, init);
    const kernelId = request.method === 'GET' ? KERNEL_MODEL.exec(new URL(url).pathname)?.[1] : undefined;
    if (!kernelId && request.method === 'POST' && SESSIONS.test(new URL(url).pathname)) {
      const failed = noteSession(fate, request.body);
      const res = await other(fate, send, url, request, opts).catch((e: unknown) => {
        failed?.();
        throw e;
      });
      if (!res.ok) failed?.();
      return res;
    }
    if (!kernelId) return other(fate, send, url, request, opts);
    const id = decodeURIComponent(kernelId);
    const known = fate.lost(id);
    if (known) return goneResponse(known);
    let res: Response;
    try {
      res = await send(url, request);
    } catch (e) {
      const reason = await fate.settle();
      if (reason) return goneResponse(reason);
      throw e;
    }
    if (!RETRIED.has(res.status)) return res;
    const reason = fate.lost(id, res.status) ?? (res.status === 404 ? undefined : await fate.settle());
    if (!reason) return res;
    await res.arrayBuffer().catch(() => undefined);
    return goneResponse(reason);
  };
}

/** Requests other than kernel look-ups: listings answered while the server is gone or signed out, the rest refused then. */
async function other(fate: ServerFate, send: typeof fetch, url: string, request: RequestInit & { method: string }, opts: JupyterExtensionFetchOptions): Promise<Response> {
  const listing = request.method === 'GET' ? LISTING.exec(new URL(url).pathname)?.[1] : undefined;
  const signedOut = fate.signedOutReason?.();
  const gone = fate.goneReason?.();
  const reason = signedOut ?? gone;
  if (reason) {
    // Gone: its kernels and sessions went with it. Signed out: they still run, as last seen.
    if (!signedOut && (listing === 'kernels' || listing === 'sessions')) return jsonResponse('[]');
    const kept = listing && fate.listings?.get(listing);
    if (kept) return jsonResponse(kept);
    if (listing === 'kernels' || listing === 'sessions') return jsonResponse('[]');
    fate.refused?.();
    return goneResponse(reason);
  }
  const res = await send(url, request);
  if (!listing || res.status !== 200) return res;
  if (listing !== 'kernelspecs' || !opts.kernelLabel) {
    fate.listings?.set(listing, await res.clone().text());
    return res;
  }
  const labelled = labelKernelSpecs(await res.text(), (name) => opts.kernelLabel?.(name) ?? name);
  fate.listings?.set(listing, labelled);
  const headers = new Headers(res.headers);
  for (const stale of ['content-length', 'content-encoding']) headers.delete(stale);
  return new Response(labelled, { status: res.status, statusText: res.statusText, headers });
}

function jsonResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
}

/** 410 with a Jupyter-style `{message}`: @jupyterlab/services then marks the kernel dead instead of retrying. */
function goneResponse(reason: string): Response {
  return new Response(JSON.stringify({ message: reason, reason }), { status: 410, statusText: 'Gone', headers: { 'Content-Type': 'application/json' } });
}

function noteSession(fate: ServerFate, body: BodyInit | null | undefined): (() => void) | undefined {
  if (!fate.sessionRequested || typeof body !== 'string' && !(body instanceof Uint8Array)) return undefined;
  try {
    const parsed: unknown = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body));
    const path = (parsed as { path?: unknown } | null)?.path;
    return typeof path === 'string' ? fate.sessionRequested(path) ?? undefined : undefined;
  } catch {
    return undefined; // not JSON: not a session request we can name
  }
}

async function toRequest(input: unknown, init?: RequestInit): Promise<{ url: string; request: RequestInit & { method: string } }> {
  if (typeof input === 'string' || input instanceof URL) {
    return { url: input.toString(), request: { ...init, method: (init?.method ?? 'GET').toUpperCase() } };
  }
  const r = input as RequestLike;
  const method = (init?.method ?? r.method ?? 'GET').toUpperCase();
  const headers = new Headers(init?.headers);
  r.headers?.forEach((value, key) => {
    if (!headers.has(key)) headers.set(key, value);
  });
  const body = init?.body ?? (method === 'GET' || method === 'HEAD' || !r.arrayBuffer ? undefined : new Uint8Array(await r.arrayBuffer()));
  return { url: r.url, request: { method, headers, body: body && (body as Uint8Array).byteLength === 0 ? undefined : body, signal: init?.signal ?? r.signal ?? undefined } };
}
