// The Jupyter Contents API (/api/contents) shapes we read (checked on arrival) and send, and helpers for its
// '/'-separated server paths.
import { arrayOf, bool, maybe, num, oneOf, optional, shape, str, unknownValue, type Guard } from '../core/http/responseCheck';

export type ContentType = 'directory' | 'file' | 'notebook';
export type ContentFormat = 'text' | 'base64' | 'json';

/** A Contents API model as jupyter_server 1.x/2.x returns it (content only when asked for). */
export interface RawContentsModel {
  name: string;
  path: string;
  type: ContentType;
  writable?: boolean;
  created?: string | null;
  last_modified: string;
  size?: number | null;
  mimetype?: string | null;
  format?: ContentFormat | null;
  content?: unknown;
  hash?: string | null;
}

export const isRawContentsModel: Guard<RawContentsModel> = shape<RawContentsModel>({
  name: str, path: str, type: oneOf('directory', 'file', 'notebook'), writable: optional(bool), created: maybe(str),
  last_modified: str, size: maybe(num), mimetype: maybe(str), format: maybe(oneOf('text', 'base64', 'json')), content: unknownValue,
  hash: maybe(str),
});

/** A folder read with `content=1`: its entries are models too (without their own content). */
export const isRawDirectoryModel = shape<RawContentsModel & { content: RawContentsModel[] }>({
  name: str, path: str, type: oneOf('directory'), writable: optional(bool), created: maybe(str),
  last_modified: str, size: maybe(num), mimetype: maybe(str), format: maybe(oneOf('text', 'base64', 'json')), content: arrayOf(isRawContentsModel),
  hash: maybe(str),
});

/** What the rest of the code uses: typed dates, no content. */
export interface ContentsEntry {
  name: string;
  /** Server path relative to the server's root, no leading slash ('' is the root). */
  path: string;
  type: ContentType;
  writable: boolean;
  /** The server's `last_modified` exactly as sent (microseconds): the conflict check compares this string. */
  lastModified: string;
  /** `last_modified` in epoch milliseconds (what editors show and compare). */
  mtime: number;
  ctime: number;
  /** Bytes; undefined for folders and where the server does not say. */
  size?: number;
  mimetype?: string;
}

export function toEntry(raw: RawContentsModel): ContentsEntry {
  const mtime = Date.parse(raw.last_modified);
  const ctime = raw.created ? Date.parse(raw.created) : mtime;
  return {
    name: raw.name,
    path: raw.path,
    type: raw.type,
    writable: raw.writable !== false,
    lastModified: raw.last_modified,
    mtime: Number.isNaN(mtime) ? 0 : mtime,
    ctime: Number.isNaN(ctime) ? 0 : ctime,
    size: typeof raw.size === 'number' ? raw.size : undefined,
    mimetype: raw.mimetype ?? undefined,
  };
}

/** Normalises a server path: no leading/trailing slash, no empty, '.' or '..' segments. */
export function normalizeServerPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new RangeError(`".." is not allowed in server paths: ${path}`);
  return parts.join('/');
}

export function parentPath(path: string): string {
  const p = normalizeServerPath(path);
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function baseName(path: string): string {
  const p = normalizeServerPath(path);
  return p.slice(p.lastIndexOf('/') + 1);
}

export function joinServerPath(dir: string, name: string): string {
  return normalizeServerPath(`${dir}/${name}`);
}

/** `api/contents/<each segment percent-encoded>` (jupyter_server url-unescapes the path). */
export function contentsApiPath(path: string): string {
  const p = normalizeServerPath(path);
  return `api/contents/${p.split('/').map(encodeURIComponent).join('/')}`.replace(/\/$/, '');
}
