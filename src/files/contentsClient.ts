// Client of a Jupyter server's Contents API (/api/contents): list, stat, read, write with a conflict check, create,
// rename, delete, copy and chunked uploads. Written over the project's HttpClient rather than @jupyterlab/services'
// Drive so every call gets our typed errors, timeouts, retries and redaction, and so uploads can be chunked.
import { randomBytes } from 'node:crypto';
import type { HttpClient, HttpRequest } from '../core/http/httpClient';
import { checkedJson, type Guard } from '../core/http/responseCheck';
import { isPangeoError, PangeoError } from '../core/http/errors';
import type { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import {
  baseName, contentsApiPath, ContentsEntry, isRawContentsModel, isRawDirectoryModel, joinServerPath, normalizeServerPath, parentPath,
  RawContentsModel, toEntry,
} from './contentsModels';
import {
  FileChangedOnServerError, FileExistsOnServerError, FileTooLargeError, isServerStoppedStatus, ServerNotRunningError, WrongContentTypeError,
} from './contentsErrors';

/** 1 MiB per chunk, as JupyterLab uploads: each request stays far below proxies' usual body limits. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** The smallest chunk tried when a proxy refuses bigger ones: 64 KiB rounded up to a multiple of 3 (whole base64). */
const MIN_CHUNK_BYTES = 3 * 21_846;
/** Files up to this size are written with one PUT; larger ones go in chunks. */
export const DEFAULT_SINGLE_PUT_BYTES = 4 * 1024 * 1024;

export interface TransferProgress {
  /** Bytes sent (or received) so far. */
  done: number;
  total: number;
}

export interface WriteOptions {
  /** The `last_modified` the caller read: the write fails with FileChangedOnServerError when the server's differs. */
  expectedLastModified?: string;
  /** Fail with FileExistsOnServerError instead of replacing an existing file. */
  mustNotExist?: boolean;
  /** What the caller just read of the target (null: nothing there), saving a request. */
  current?: ContentsEntry | null;
  onProgress?(p: TransferProgress): void;
  signal?: AbortSignal;
}

export interface ContentsClientOptions {
  /** Raw bytes per chunk of a chunked upload (rounded down to a multiple of 3 so each chunk is whole base64). */
  chunkBytes?: number;
  singlePutBytes?: number;
}

export interface FileContent {
  entry: ContentsEntry;
  bytes: Uint8Array;
}

export class ContentsClient {
  readonly http: HttpClient;
  private readonly chunkBytes: number;
  private readonly singlePutBytes: number;

  constructor(private readonly jupyter: JupyterServerClient, opts: ContentsClientOptions = {}) {
    this.http = jupyter.http;
    this.chunkBytes = Math.max(3, Math.floor((opts.chunkBytes ?? DEFAULT_CHUNK_BYTES) / 3) * 3);
    this.singlePutBytes = opts.singlePutBytes ?? DEFAULT_SINGLE_PUT_BYTES;
  }

  /** The server's base URL (for messages). */
  get where(): string {
    return this.jupyter.serverUrl;
  }

  /** Metadata only (`content=0`). */
  async stat(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    return toEntry(await this.get(path, { content: '0' }, signal));
  }

  /** Metadata, or undefined when nothing is there. */
  async statIfExists(path: string, signal?: AbortSignal): Promise<ContentsEntry | undefined> {
    try {
      return await this.stat(path, signal);
    } catch (e) {
      if (isPangeoError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /** The folder's entries (one request, however many files it holds). */
  async list(path: string, signal?: AbortSignal): Promise<{ entry: ContentsEntry; children: ContentsEntry[] }> {
    const raw = await this.get(path, { type: 'directory', content: '1' }, signal, 'directory', isRawDirectoryModel);
    return { entry: toEntry(raw), children: raw.content.map(toEntry) };
  }

  /** A file's bytes, whatever it holds (notebooks too: read as a file, exactly as stored). */
  async read(path: string, signal?: AbortSignal): Promise<FileContent> {
    const raw = await this.get(path, { type: 'file', content: '1' }, signal, 'file');
    return { entry: toEntry(raw), bytes: contentBytes(raw) };
  }

  /** A file as text; fails (400 from the server) when it is not UTF-8. */
  async readText(path: string, signal?: AbortSignal): Promise<{ entry: ContentsEntry; text: string }> {
    const raw = await this.get(path, { type: 'file', format: 'text', content: '1' }, signal, 'file');
    return { entry: toEntry(raw), text: typeof raw.content === 'string' ? raw.content : '' };
  }

  /** A notebook as the server's parsed nbformat JSON. */
  async readNotebook(path: string, signal?: AbortSignal): Promise<{ entry: ContentsEntry; notebook: Record<string, unknown> }> {
    const raw = await this.get(path, { type: 'notebook', content: '1' }, signal, 'file');
    return { entry: toEntry(raw), notebook: (raw.content ?? {}) as Record<string, unknown> };
  }

  /**
   * Writes bytes to a file. With `expectedLastModified` the server's current `last_modified` is checked first (the
   * Contents API has no If-Match). Large files go up in chunks to a temporary name and are renamed into place at the
   * end, so an interrupted upload never leaves a half-written file where the real one was.
   */
  async write(path: string, bytes: Uint8Array, opts: WriteOptions = {}): Promise<ContentsEntry> {
    const target = normalizeServerPath(path);
    const current = opts.current !== undefined ? opts.current ?? undefined : await this.statIfExists(target, opts.signal);
    if (current?.type === 'directory') throw new WrongContentTypeError(target, 'directory', 'file');
    if (current && opts.mustNotExist) throw new FileExistsOnServerError(target);
    if (opts.expectedLastModified !== undefined && current && current.lastModified !== opts.expectedLastModified) {
      throw new FileChangedOnServerError(target, opts.expectedLastModified, current.lastModified);
    }
    if (bytes.byteLength <= this.singlePutBytes) {
      try {
        const entry = toEntry(await this.put(target, { type: 'file', format: 'base64', content: Buffer.from(bytes).toString('base64') }, opts.signal));
        opts.onProgress?.({ done: bytes.byteLength, total: bytes.byteLength });
        return entry;
      } catch (e) {
        // A proxy with a small body limit (nginx's default is 1 MB) refused it: chunks may still get through.
        if (!(e instanceof FileTooLargeError) || bytes.byteLength <= MIN_CHUNK_BYTES) throw e;
      }
    }
    return this.uploadChunked(target, bytes, current !== undefined, opts);
  }

  /** Writes text as UTF-8. */
  async writeText(path: string, text: string, opts: WriteOptions = {}): Promise<ContentsEntry> {
    return this.write(path, Buffer.from(text, 'utf8'), opts);
  }

  /** Saves a notebook model (the server validates and signs it, as JupyterLab's save does). */
  async writeNotebook(path: string, notebook: unknown, opts: Pick<WriteOptions, 'expectedLastModified' | 'signal'> = {}): Promise<ContentsEntry> {
    const target = normalizeServerPath(path);
    if (opts.expectedLastModified !== undefined) {
      const current = await this.statIfExists(target, opts.signal);
      if (current && current.lastModified !== opts.expectedLastModified) throw new FileChangedOnServerError(target, opts.expectedLastModified, current.lastModified);
    }
    return toEntry(await this.put(target, { type: 'notebook', format: 'json', content: notebook }, opts.signal));
  }

  private async uploadChunked(target: string, bytes: Uint8Array, replaces: boolean, opts: WriteOptions): Promise<ContentsEntry> {
    const temp = joinServerPath(parentPath(target), `${baseName(target)}.pangeo-upload-${randomBytes(4).toString('hex')}.part`);
    const total = bytes.byteLength;
    let size = this.chunkBytes;
    try {
      for (let offset = 0, index = 1; offset < total || index === 1;) {
        const end = Math.min(total, offset + size);
        // Chunk numbers: 1 creates the file, 2.. append, -1 appends the last one (LargeFileManager).
        const chunk = end >= total ? -1 : index;
        try {
          await this.put(temp, { type: 'file', format: 'base64', chunk, content: Buffer.from(bytes.subarray(offset, end)).toString('base64') }, opts.signal);
        } catch (e) {
          // Over a proxy's body limit: the same bytes again in smaller chunks (appending continues where it was).
          if (e instanceof FileTooLargeError && size > MIN_CHUNK_BYTES) {
            size = Math.max(MIN_CHUNK_BYTES, Math.floor(size / 6) * 3);
            continue;
          }
          throw e;
        }
        offset = end;
        index++;
        opts.onProgress?.({ done: end, total });
      }
      if (replaces) await this.delete(target, opts.signal);
      return await this.rename(temp, target, opts.signal);
    } catch (e) {
      await this.delete(temp).catch(() => undefined);
      throw e;
    }
  }

  /** Creates an empty folder; fails if something is already there. */
  async createDirectory(path: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const target = normalizeServerPath(path);
    if (await this.statIfExists(target, signal)) throw new FileExistsOnServerError(target);
    return toEntry(await this.put(target, { type: 'directory' }, signal));
  }

  /**
   * Makes sure `path` is a folder, creating it and each missing folder above it (as `mkdir -p` does); a file in the
   * way is an error. Returns the folders it created, top first (none when it was there).
   */
  async createDirectories(path: string, signal?: AbortSignal): Promise<string[]> {
    const created: string[] = [];
    // From the top down: below a file the server answers 500 (NotADirectoryError), not 404.
    let folder = '';
    for (const name of normalizeServerPath(path).split('/').filter(Boolean)) {
      folder = joinServerPath(folder, name);
      const existing = created.length ? undefined : await this.statIfExists(folder, signal);
      if (existing?.type === 'directory') continue;
      if (existing) throw new WrongContentTypeError(folder, existing.type, 'directory');
      // PUT {type: 'directory'} creates one level; on a folder made meanwhile by someone else it changes nothing.
      await this.put(folder, { type: 'directory' }, signal);
      created.push(folder);
    }
    return created;
  }

  /** Renames or moves (PATCH); the server refuses (409) when the new path exists. */
  async rename(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const target = normalizeServerPath(to);
    try {
      const raw = await this.call({ method: 'PATCH', path: contentsApiPath(from), json: { path: target }, signal }, from, isRawContentsModel);
      return toEntry(raw);
    } catch (e) {
      if (isPangeoError(e) && e.status === 409) throw new FileExistsOnServerError(target);
      throw e;
    }
  }

  /** Deletes a file or folder (to the server's trash when it has one: jupyter_server's delete_to_trash). */
  async delete(path: string, signal?: AbortSignal): Promise<void> {
    const target = normalizeServerPath(path);
    if (!target) throw new WrongContentTypeError('/', 'directory', 'file');
    await this.call({ method: 'DELETE', path: contentsApiPath(target), signal }, target);
  }

  /**
   * Copies a file to `to` (the server's copy picks a free name in the target folder; it is then renamed), or a folder
   * by recreating it file by file (jupyter_server 1.x refuses to copy folders).
   */
  async copy(from: string, to: string, signal?: AbortSignal): Promise<ContentsEntry> {
    const source = await this.stat(from, signal);
    const target = normalizeServerPath(to);
    if (await this.statIfExists(target, signal)) throw new FileExistsOnServerError(target);
    if (source.type === 'directory') {
      const created = await this.createDirectory(target, signal);
      for (const child of (await this.list(source.path, signal)).children) {
        await this.copy(child.path, joinServerPath(target, child.name), signal);
      }
      return created;
    }
    const copied = toEntry(await this.call({
      method: 'POST', path: contentsApiPath(parentPath(target)), json: { copy_from: source.path }, signal,
    }, from, isRawContentsModel));
    if (copied.path === target) return copied;
    try {
      return await this.rename(copied.path, target, signal);
    } catch (e) {
      await this.delete(copied.path).catch(() => undefined);
      throw e;
    }
  }

  private get<T extends RawContentsModel = RawContentsModel>(path: string, query: Record<string, string>, signal: AbortSignal | undefined,
    expect?: 'file' | 'directory', guard: Guard<T> = isRawContentsModel as Guard<T>): Promise<T> {
    const p = normalizeServerPath(path);
    return this.call({ path: contentsApiPath(p), query, signal }, p, guard).catch(async (e: unknown) => {
      // Asking for the wrong type is a 400 from the server: say which it is instead.
      if (expect && isPangeoError(e) && e.status === 400) {
        const actual = await this.statIfExists(p, signal).catch(() => undefined);
        if (actual && (actual.type === 'directory') !== (expect === 'directory')) throw new WrongContentTypeError(p || '/', actual.type, expect);
      }
      throw e;
    });
  }

  private put(path: string, model: Record<string, unknown>, signal?: AbortSignal): Promise<RawContentsModel> {
    return this.call({ method: 'PUT', path: contentsApiPath(path), json: model, signal, timeoutMs: 120_000 }, path, isRawContentsModel);
  }

  /**
   * One request; hub statuses for a stopped server and size refusals become their typed errors. With a guard the
   * answer is a checked model; without one, nothing is read (DELETE answers 204).
   */
  private async call<T>(req: HttpRequest, path: string, guard: Guard<T>): Promise<T>;
  private async call(req: HttpRequest, path: string): Promise<void>;
  private async call<T>(req: HttpRequest, path: string, guard?: Guard<T>): Promise<T | void> {
    try {
      if (guard) return await checkedJson(this.http, req, guard, this.jupyter.answerer);
      await (await this.http.request(req)).text();
    } catch (e) {
      throw this.mapError(e, path);
    }
  }

  private mapError(e: unknown, path: string): unknown {
    if (!(e instanceof PangeoError)) return e;
    if (isServerStoppedStatus(e)) return new ServerNotRunningError(this.where, e.status);
    if (e.status === 413) return new FileTooLargeError(path || '/', e.serverMessage ?? 'the server refused the request body (413)');
    return e;
  }
}

/** Bytes of a `type=file` model, whichever format the server chose (text when UTF-8, else base64). */
function contentBytes(raw: RawContentsModel): Uint8Array {
  if (typeof raw.content !== 'string') return new Uint8Array();
  return raw.format === 'base64' ? Buffer.from(raw.content, 'base64') : Buffer.from(raw.content, 'utf8');
}
