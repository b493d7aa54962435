// The one HTTP layer every protocol client uses: timeouts, retries with back-off, typed errors, redacted logs.
import { CancelledError, PangeoError, TimeoutError } from './errors';
import { extractServerMessage, mapNetworkError, mapStatus } from './errorMapping';
import { redactUrl, registerSecret } from './redact';
import { Logger, silentLogger } from '../log';
import { navigationFetch, NavigationFetch } from './navigationFetch';
import { releasableSignal } from '../abort';
import { BodyLimits, readBoundedBody } from './boundedBody';

export type AuthHeader = () => string | undefined | Promise<string | undefined>;

export interface HttpClientOptions {
  /** Every relative path is resolved against this (keep the trailing slash of prefixed bases). */
  baseUrl: string;
  /** Value of the Authorization header, asked for on every request so a renewed token is used at once. */
  authorization?: AuthHeader;
  headers?: Record<string, string>;
  /** Time for the headers of a request. */
  timeoutMs?: number;
  /** Time for a whole body read with text() or bytes(), from when the headers arrived; default: timeoutMs. */
  bodyTimeoutMs?: number;
  retries?: number;
  /** First back-off delay; doubles each retry, with jitter. */
  backoffMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Sender for `navigation` requests (tests may wrap it). */
  navigationFetch?: NavigationFetch;
}

export interface HttpRequest {
  method?: string;
  /** Relative to baseUrl (no leading slash), or absolute. */
  path: string;
  query?: Record<string, string | number | boolean | undefined | string[]>;
  headers?: Record<string, string>;
  json?: unknown;
  body?: string | URLSearchParams;
  timeoutMs?: number;
  /** Time for the whole body read with text() or bytes() (BodyTimeoutError after it); default: the client's. */
  bodyTimeoutMs?: number;
  /** Most bytes text() or bytes() reads (BodyTooLargeError beyond, the rest never downloaded); default: no cap. */
  maxBodyBytes?: number;
  /** Retry this request even if its method is not idempotent (e.g. a POST that only reads). */
  idempotent?: boolean;
  retries?: number;
  signal?: AbortSignal;
  /** Send no Authorization header (e.g. version probes, password sign-in). */
  anonymous?: boolean;
  redirect?: RequestRedirect;
  /** Statuses the caller handles itself instead of getting an error. */
  acceptStatuses?: number[];
  /**
   * Send it like a browser page navigation (no `Sec-Fetch-Mode: cors`; redirects are never followed): for HTML pages
   * whose server sets cookies only on navigations, as JupyterHub 4.1+ does with `_xsrf`.
   */
  navigation?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  url: string;
  /** The whole body, bounded by the request's bodyTimeoutMs and maxBodyBytes. */
  text(): Promise<string>;
  /** The body's bytes, undecoded (for a reader that decodes them elsewhere, e.g. on a worker thread); bounded like text(). */
  bytes(): Promise<Uint8Array>;
  /** The body as a stream of bytes (for event streams); neither the request's timeout nor the body's applies. */
  body: ReadableStream<Uint8Array> | null;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRY_STATUSES = new Set([502, 503, 504]);

export class HttpClient {
  readonly baseUrl: string;
  private readonly opts: Required<Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffMs'>> & HttpClientOptions;

  constructor(opts: HttpClientOptions) {
    this.baseUrl = opts.baseUrl;
    const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as HttpClientOptions;
    this.opts = { timeoutMs: 30_000, retries: 2, backoffMs: 250, ...defined };
  }

  get logger(): Logger {
    return this.opts.logger ?? silentLogger;
  }

  /** A client for another base URL sharing auth, logging and policy (e.g. a single-user server under the hub). */
  withBase(baseUrl: string, overrides: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({ ...this.opts, ...overrides, baseUrl });
  }

  resolve(path: string, query?: HttpRequest['query']): URL {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) v.forEach((item) => url.searchParams.append(k, item));
      else url.searchParams.set(k, String(v));
    }
    return url;
  }

  async authorizationHeader(): Promise<string | undefined> {
    const value = await this.opts.authorization?.();
    if (value) registerSecret(value.replace(/^\S+\s+/, ''));
    return value;
  }

  /** Sends a request; non-2xx statuses become typed errors unless listed in acceptStatuses. */
  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const retries = IDEMPOTENT.has(method) || req.idempotent ? req.retries ?? this.opts.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, req);
      } catch (e) {
        const retryable = e instanceof PangeoError && (e.kind === 'Unreachable' || e.kind === 'Timeout' ||
          (e.kind === 'UnexpectedResponse' && RETRY_STATUSES.has(e.status ?? 0)));
        if (!retryable || attempt >= retries || req.signal?.aborted) throw e;
        const delay = this.opts.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
        this.logger.warn(`${method} ${redactUrl(this.resolve(req.path))} failed (${e.kind}); retry ${attempt + 1}/${retries} in ${Math.round(delay)} ms`);
        await sleep(delay, req.signal);
      }
    }
  }

  /**
   * A `fetch` for libraries that speak HTTP themselves (@jupyterlab/services): same auth, timeout, logging and typed
   * network errors as request(), but statuses are left to the library.
   */
  fetchFunction(): typeof fetch {
    return async (input, init) => {
      // Libraries pass a Request object (method, headers, body inside it) or a URL plus init: normalise to one Request.
      const original = new Request(input, init);
      const shownUrl = redactUrl(original.url);
      const headers = new Headers(original.headers);
      const auth = await this.authorizationHeader();
      // Ours wins over one the library kept from when it connected: that token may have been renewed (and revoked).
      if (auth) headers.set('Authorization', auth);
      const timeout = AbortSignal.timeout(this.opts.timeoutMs);
      const signal = AbortSignal.any([original.signal, timeout]);
      const started = Date.now();
      try {
        const res = await (this.opts.fetch ?? fetch)(new Request(original, { headers, signal }));
        this.logger.trace(`${original.method} ${shownUrl} → ${res.status} (${Date.now() - started} ms)`);
        return res;
      } catch (e) {
        if (original.signal.aborted) throw new CancelledError(`${original.method} ${shownUrl}`);
        if (timeout.aborted) throw new TimeoutError(shownUrl, this.opts.timeoutMs);
        throw mapNetworkError(shownUrl, e);
      }
    };
  }

  private async once(method: string, req: HttpRequest): Promise<HttpResponse> {
    const url = this.resolve(req.path, req.query);
    const shownUrl = redactUrl(url);
    const headers: Record<string, string> = { ...this.opts.headers, ...req.headers };
    if (!req.anonymous) {
      const auth = await this.authorizationHeader();
      if (auth) headers.Authorization = auth;
    }
    let body: string | URLSearchParams | undefined = req.body;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['Content-Type'] = 'application/json';
    }
    const timeoutMs = req.timeoutMs ?? this.opts.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    // The timeout covers the headers only: once they arrived, long streams are not cut (body reads have their own).
    const untilHeaders = releasableSignal(timeout);
    const signal = req.signal ? AbortSignal.any([req.signal, untilHeaders.signal]) : untilHeaders.signal;
    const started = Date.now();
    let res: Response;
    try {
      res = req.navigation
        ? await (this.opts.navigationFetch ?? navigationFetch)(url, { method, headers, body, signal })
        : await (this.opts.fetch ?? fetch)(url, { method, headers, body, signal, redirect: req.redirect ?? 'follow' });
    } catch (e) {
      untilHeaders.release();
      if (req.signal?.aborted) throw new CancelledError(`${method} ${shownUrl}`);
      if (timeout.aborted) throw new TimeoutError(shownUrl, timeoutMs);
      const err = mapNetworkError(shownUrl, e);
      this.logger.warn(`${method} ${shownUrl} → ${err.kind} (${Date.now() - started} ms)`);
      throw err;
    }
    untilHeaders.release();
    this.logger.trace(`${method} ${shownUrl} → ${res.status} (${Date.now() - started} ms)`);
    const ok = (res.status >= 200 && res.status < 400) || req.acceptStatuses?.includes(res.status);
    // The body has its own bounds: the request's timeout covers only the headers.
    const limits: BodyLimits = {
      timeoutMs: req.bodyTimeoutMs ?? this.opts.bodyTimeoutMs ?? timeoutMs, maxBytes: req.maxBodyBytes, signal: req.signal,
    };
    if (!ok) {
      const text = decodeUtf8(await readBoundedBody(res, shownUrl, { ...limits, maxBytes: undefined }));
      throw mapStatus(shownUrl, res.status, extractServerMessage(text, res.headers.get('content-type')));
    }
    return {
      status: res.status,
      headers: res.headers,
      url: res.url,
      body: res.body,
      text: async () => decodeUtf8(await readBoundedBody(res, shownUrl, limits)),
      bytes: () => readBoundedBody(res, shownUrl, limits),
    };
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
