// Downloads a preset from an https URL (size-limited, no credentials sent) and validates it.
import { HttpClient } from '../core/http/httpClient';
import { InvalidInputError } from '../core/http/errors';
import type { Logger } from '../core/log';
import { urlProblem } from './semanticChecks';
import { PRESET_LIMITS, validatePreset, type ValidateOptions } from './validatePreset';
import type { PresetValidation } from './presetTypes';

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
  const res = await http.request({ path: url, anonymous: true, signal: opts.signal, headers: { Accept: 'application/json' } });
  // A redirect could have left https: the final address must pass the same rule.
  const finalProblem = res.url ? urlProblem(res.url) : undefined;
  if (finalProblem) throw new InvalidInputError(`The preset URL redirected to an address that ${finalProblem.message}.`);
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
