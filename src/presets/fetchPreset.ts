// Downloads a preset from an https URL (bounded in size and in time, no credentials sent) and validates it.
import { HttpClient } from '../core/http/httpClient';
import { BodyTooLargeError, InvalidInputError } from '../core/http/errors';
import type { Logger } from '../core/log';
import { redactUrl } from '../core/http/redact';
import { urlProblem } from './semanticChecks';
import { PRESET_LIMITS, validatePreset, type ValidateOptions } from './validatePreset';
import type { PresetValidation } from './presetTypes';

const MAX_REDIRECTS = 5;
/** A preset is at most 64 KiB: any host that is not stalling sends it in well under this. */
const BODY_TIMEOUT_MS = 20_000;

export interface FetchPresetOptions extends ValidateOptions {
  logger?: Logger;
  /** Time for the headers of each request. */
  timeoutMs?: number;
  /** Time for the whole body once its headers arrived (a host trickling bytes is stopped): default 20 s. */
  bodyTimeoutMs?: number;
  signal?: AbortSignal;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export async function fetchPresetFromUrl(url: string, opts: FetchPresetOptions = {}): Promise<PresetValidation> {
  const problem = urlProblem(url);
  if (problem) throw new InvalidInputError(`The preset URL ${problem.message}.`);
  const maxBytes = opts.maxBytes ?? PRESET_LIMITS.maxBytes;
  const http = new HttpClient({
    baseUrl: url, timeoutMs: opts.timeoutMs ?? 15_000, bodyTimeoutMs: opts.bodyTimeoutMs ?? BODY_TIMEOUT_MS, retries: 1, logger: opts.logger, fetch: opts.fetch,
  });
  const get = (path: string) =>
    http.request({ path, anonymous: true, signal: opts.signal, redirect: 'manual', headers: { Accept: 'application/json' }, maxBodyBytes: maxBytes });
  let current = url;
  let res = await get(current);
  // Redirects are followed by hand so every hop passes the https rule before anything connects to it.
  for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
    const location = res.headers.get('location');
    if (!location || hops >= MAX_REDIRECTS) throw new InvalidInputError(`The preset URL ${redactUrl(url)} redirects ${location ? 'too often' : 'without a Location'}.`);
    current = new URL(location, current).toString();
    const hopProblem = urlProblem(current);
    if (hopProblem) throw new InvalidInputError(`The preset URL redirected to ${redactUrl(current)}, an address that ${hopProblem.message}.`);
    await res.body?.cancel();
    res = await get(current);
  }
  let bytes: Uint8Array;
  try {
    bytes = await res.bytes();
  } catch (e) {
    if (!(e instanceof BodyTooLargeError)) throw e;
    return { ok: false, problems: [{ path: '$', line: 1, column: 1, offset: 0, length: 0, code: 'too-large', message: `preset is larger than ${maxBytes} bytes, the limit` }] };
  }
  return validatePreset(bytes, opts);
}
