// One-click preset links: vscode://pangeo-compute.pangeo-compute/preset?url=<https URL> or ?data=<base64url JSON>.
import { InvalidInputError } from '../core/http/errors';
import { urlProblem } from './semanticChecks';
import { validatePreset, type ValidateOptions } from './validatePreset';
import type { Preset, PresetValidation } from './presetTypes';

export const EXTENSION_ID = 'pangeo-compute.pangeo-compute';
export const PRESET_LINK_PATH = '/preset';
/** Longer inline links get cut by mail clients and chat apps; host bigger presets and link by URL. */
export const MAX_INLINE_LINK_CHARS = 2000;

export interface PresetLinkOptions {
  /** `vscode`, `vscode-insiders`, ... */
  scheme?: string;
}

/** A link that applies `source`: an https URL where the preset is hosted, or a (small) preset inlined. */
export function presetLink(source: Preset | string | URL, opts: PresetLinkOptions = {}): string {
  const base = `${opts.scheme ?? 'vscode'}://${EXTENSION_ID}${PRESET_LINK_PATH}`;
  if (typeof source === 'string' || source instanceof URL) {
    const url = source.toString();
    const problem = urlProblem(url);
    if (problem) throw new InvalidInputError(`The preset URL ${problem.message}.`, 'Host the preset at an https:// address.');
    return `${base}?url=${encodeURIComponent(url)}`;
  }
  const data = Buffer.from(JSON.stringify(source), 'utf8').toString('base64url');
  const link = `${base}?data=${data}`;
  if (link.length > MAX_INLINE_LINK_CHARS) {
    throw new InvalidInputError(`This preset is too large to inline in a link (${link.length} characters; the limit is ${MAX_INLINE_LINK_CHARS}).`,
      'Host the preset file at an https:// address and link to that URL instead.');
  }
  return link;
}

/** The parts of a URI the handler gets (vscode.Uri has these; a string is parsed). */
export interface UriParts {
  scheme: string;
  authority: string;
  path: string;
  query: string;
}

export type ParsedPresetLink =
  | { kind: 'url'; url: string }
  | { kind: 'inline'; validation: PresetValidation }
  | { kind: 'invalid'; reason: string };

/** Reads a preset link; an inline preset is validated, a URL is checked (fetch it with fetchPresetFromUrl). */
export function parsePresetLink(uri: string | UriParts, options: ValidateOptions = {}): ParsedPresetLink {
  let parts: UriParts;
  if (typeof uri === 'string') {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(uri);
    if (!m) return { kind: 'invalid', reason: 'not a link' };
    parts = { scheme: m[1]!, authority: m[2]!, path: m[3]!, query: m[4] ?? '' };
  } else {
    parts = uri;
  }
  if (parts.authority && parts.authority.toLowerCase() !== EXTENSION_ID) {
    return { kind: 'invalid', reason: `the link is for ${parts.authority}, not ${EXTENSION_ID}` };
  }
  if (parts.path.replace(/\/+$/, '') !== PRESET_LINK_PATH) return { kind: 'invalid', reason: `unknown link path "${parts.path}"` };
  let query = parts.query;
  // vscode.Uri.toString() may encode "=" in the query; vscode.Uri.query is already decoded: accept both.
  if (!query.includes('=') && /%3d/i.test(query)) query = safeDecode(query);
  const m = /^(url|data)=([\s\S]*)$/.exec(query);
  if (!m) return { kind: 'invalid', reason: 'the link carries neither url= nor data=' };
  if (m[1] === 'url') {
    let url = m[2]!;
    if (/^[a-z][a-z0-9+.-]*%3a/i.test(url)) url = safeDecode(url);
    const problem = urlProblem(url);
    if (problem) return { kind: 'invalid', reason: `the preset URL ${problem.message}` };
    return { kind: 'url', url };
  }
  const data = m[2]!.split('&')[0]!;
  if (!/^[A-Za-z0-9_-]*$/.test(data) || data.length === 0) return { kind: 'invalid', reason: 'the inline preset is not base64url' };
  if (data.length > MAX_INLINE_LINK_CHARS) return { kind: 'invalid', reason: 'the inline preset is too long' };
  return { kind: 'inline', validation: validatePreset(Buffer.from(data, 'base64url'), options) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
