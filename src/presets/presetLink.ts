// One-click preset links: vscode://pangeo-compute.pangeo-compute/preset?url=<https URL> or ?data=<base64url JSON> for
// desktop VS Code, and an https link to a code-server page for code-server in the browser (see codeServerPresetLink).
import { InvalidInputError } from '../core/http/errors';
import { urlProblem } from './semanticChecks';
import { validatePreset, type ValidateOptions } from './validatePreset';
import type { Preset, PresetValidation } from './presetTypes';
import { PRESET_FILE_SCHEME } from './presetFileScheme';

export { PRESET_FILE_SCHEME } from './presetFileScheme';

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

/**
 * An https link to the code-server page `codeServerUrl` that opens the preset there (e.g. on a hub
 * `https://hub.example.org/hub/user-redirect/vscode/`, which JupyterHub sends to each student's own server).
 */
export function codeServerPresetLink(source: Preset | string | URL, codeServerUrl: string): string {
  const problem = urlProblem(codeServerUrl);
  if (problem) throw new InvalidInputError(`The code-server address ${problem.message}.`, 'Give the https address students open code-server at, e.g. https://hub.example.org/hub/user-redirect/vscode/.');
  const inner = presetLink(source, { scheme: PRESET_FILE_SCHEME }).replace(`${PRESET_FILE_SCHEME}://${EXTENSION_ID}`, `${PRESET_FILE_SCHEME}:`);
  const page = new URL(codeServerUrl);
  page.searchParams.delete('payload');
  page.searchParams.set('payload', JSON.stringify([['openFile', inner]]));
  const link = page.toString();
  if (typeof source !== 'string' && !(source instanceof URL) && link.length > MAX_INLINE_LINK_CHARS) {
    throw new InvalidInputError(`This preset is too large to inline in a link (${link.length} characters; the limit is ${MAX_INLINE_LINK_CHARS}).`,
      'Host the preset file at an https:// address and link to that URL instead.');
  }
  return link;
}

/** The `pangeo-preset:` link inside a code-server preset link (https://…?payload=[["openFile", …]]), else undefined. */
export function presetInCodeServerLink(text: string): string | undefined {
  let payload: unknown;
  try {
    const url = new URL(text);
    if (!/^https?:$/.test(url.protocol) || !url.searchParams.has('payload')) return undefined;
    payload = JSON.parse(url.searchParams.get('payload')!);
  } catch {
    return undefined;
  }
  if (!Array.isArray(payload)) return undefined;
  const entry = payload.find((e): e is [string, string] => Array.isArray(e) && e[0] === 'openFile' && typeof e[1] === 'string' && e[1].startsWith(`${PRESET_FILE_SCHEME}:`));
  return entry?.[1];
}

/**
 * The code-server address students open, guessed from this editor's own address (its `/callback` address will do) on
 * a hub: `…/user/<name>/<rest>` becomes `…/hub/user-redirect/<rest>` (JupyterHub sends that to whoever opens it).
 */
export function studentCodeServerUrl(ownUrl: string): string {
  const url = new URL(ownUrl);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/callback$/, '/');
  url.pathname = url.pathname.replace(/\/user\/[^/]+\//, '/hub/user-redirect/');
  return url.toString();
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
    // `scheme://authority/path?query`, or `pangeo-preset:/path?query` (no authority) as in code-server links.
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?(\/[^?#]*)(?:\?([^#]*))?/.exec(uri);
    if (!m) return { kind: 'invalid', reason: 'not a link' };
    parts = { scheme: m[1]!, authority: m[2] ?? '', path: m[3]!, query: m[4] ?? '' };
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
