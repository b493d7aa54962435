// Downloads a preset from an https URL (size-limited, no credentials sent) and validates it.
import { HttpClient } from '../core/http/httpClient';
import { InvalidInputError } from '../core/http/errors';
import type { Logger } from '../core/log';
import { redactUrl } from '../core/http/redact';
import { urlProblem } from './semanticChecks';
import { PRESET_LIMITS, validatePreset, type ValidateOptions } from './validatePreset';
import type { PresetValidation } from './presetTypes';

const MAX_REDIRECTS = 5;

export interface FetchPresetOptions extends ValidateOptions {
  logger?: Logger;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For tests: a fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export async function fetchPresetFromUrl(url: string, opts: FetchPresetOptions = {}): Promise<PresetValidation> {
  const problem = urlProblem(url);
  if (problem) throw new InvalidInputError(`The preset URL ${problem.message}.`);
  const http = new HttpClient({ baseUrl: url, timeoutMs: opts.timeoutMs ?? 15_000, retries: 1, logger: opts.logger, fetch: opts.fetch });
  let current = url;
  let res = await http.request({ path: current, anonymous: true, signal: opts.signal, redirect: 'manual', headers: { Accept: 'application/json' } });
  // Redirects are followed by hand so every hop passes the https rule before anything connects to it.
  for (let hops = 0; res.status >= 300 && res.status < 400; hops++) {
    const location = res.headers.get('location');
    if (!location || hops >= MAX_REDIRECTS) throw new InvalidInputError(`The preset URL ${redactUrl(url)} redirects ${location ? 'too often' : 'without a Location'}.`);
    current = new URL(location, current).toString();
    const hopProblem = urlProblem(current);
    if (hopProblem) throw new InvalidInputError(`The preset URL redirected to ${redactUrl(current)}, an address that ${hopProblem.message}.`);
    await res.body?.cancel();
    res = await http.request({ path: current, anonymous: true, signal: opts.signal, redirect: 'manual', headers: { Accept: 'application/json' } });
  }
  const maxBytes = opts.maxBytes ?? PRESET_LIMITS.maxBytes;
  const bytes = await readLimited(res.body, maxBytes);
  if (bytes === undefined) {
    return { ok: false, problems: [{ path: '$', line: 1, column: 1, offset: 0, length: 0, code: 'too-large', message: `preset is larger than ${maxBytes} bytes, the limit` }] };
  }
  return validatePreset(bytes, opts);
}

/** Reads at most `max` bytes; undefined when the body is longer (the rest is not downloaded). */
async function readLimited(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
