// The `pangeo-hub:` FileSystemProvider: files of a ready hub server through its Contents API. Nothing is written to
// local disk; listings are cached in memory for a moment so the Explorer's stat-per-child costs no extra requests.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ConnectedServer, HubRegistry } from '../../hubs/hubRegistry';
import { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { ContentsClient, TransferProgress } from '../contentsClient';
import { ContentsChange, ContentsWatch, ContentsWatchOptions } from '../contentsWatch';
import { causeOfError, causeOfMissingServer, filesUnavailableMessage, FilesUnavailableCause } from '../filesUnavailable';
import { ContentsEntry, joinServerPath } from '../contentsModels';
import { fromHubUriParts, HUB_FILE_SCHEME, HubUriError, sameServer, serverFolderName, ServerFileLocation, toHubUriParts } from '../hubFileUri';
import { toFileSystemError } from './fileSystemErrors';
import { Disposable } from '../../core/lifecycle';

/** Stats served from a listing this recent; saves still check the server itself before writing. */
const LISTING_TTL_MS = 2000;

export interface HubFileSystemOptions {
  vs: typeof vscode;
  hubs: HubRegistry;
  logger: Logger;
  /** Told when a file operation cannot reach the server's files, and why (the module tells the user, once per cause). */
  onServerUnavailable?(loc: ServerFileLocation, cause: FilesUnavailableCause): void;
  /** Told when an operation on the server's files worked again. */
  onServerAvailable?(loc: ServerFileLocation): void;
  /** Runs a long transfer with a progress notification. */
  withProgress?<T>(title: string, run: (report: (p: TransferProgress) => void) => Promise<T>): Promise<T>;
  /** Seam for tests: the client of a server (default: the Contents API of the real server). */
  contentsFor?(server: ConnectedServer): ContentsClient;
  /** Seam for tests: poll timing of the watches (ContentsWatch's defaults otherwise). */
  watchTiming?: Pick<ContentsWatchOptions, 'intervalMs' | 'idleMaxMs' | 'errorMaxMs' | 'setTimer' | 'clearTimer'>;
}

interface CachedStat {
  entry: ContentsEntry;
  at: number;
}

export class HubFileSystemProvider extends Disposable implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly vs: typeof vscode;
  private readonly changes: vscode.EventEmitter<vscode.FileChangeEvent[]>;
  readonly onDidChangeFile: vscode.Event<vscode.FileChangeEvent[]>;
  private readonly stats = new Map<string, CachedStat>();
  /** The server's `last_modified` the editor last saw per file: a save checks the server still has it. */
  private readonly seen = new Map<string, string>();
  private readonly clients = new Map<string, { url: string; contents: ContentsClient }>();
  private refreshing?: Promise<void>;
  /** One poller per server for what the editor watches there. */
  private readonly watches = new Map<string, { loc: ServerFileLocation; watch: ContentsWatch }>();

  constructor(private readonly opts: HubFileSystemOptions) {
    super();
    this.vs = opts.vs;
    this.changes = this._register(new opts.vs.EventEmitter<vscode.FileChangeEvent[]>());
    this.onDidChangeFile = this.changes.event;
    // Polls stop while a server is not running and start again when it is back.
    this._register(opts.hubs.onDidChangeServers(() => {
      for (const { loc, watch } of this.watches.values()) {
        if (this.findServer(loc)) watch.resume();
        else watch.pause();
      }
    }));
  }

  uriFor(loc: ServerFileLocation): vscode.Uri {
    return this.vs.Uri.from({ scheme: HUB_FILE_SCHEME, ...toHubUriParts(loc) });
  }

  /** The server and client for a Uri; a server that is not ready gives FileSystemError.Unavailable. */
  async resolve(uri: vscode.Uri): Promise<{ loc: ServerFileLocation; contents: ContentsClient; server: ConnectedServer }> {
    let loc: ServerFileLocation;
    try {
      loc = fromHubUriParts(uri);
    } catch (e) {
      throw this.vs.FileSystemError.FileNotFound(e instanceof HubUriError ? e.message : uri);
    }
    let server = this.findServer(loc);
    if (!server) {
      // After a reload the registry has not read the hub yet: one refresh (shared by concurrent calls) before giving up.
      this.refreshing ??= this.opts.hubs.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing.catch(() => undefined);
      server = this.findServer(loc);
    }
    if (!server) {
      // Signed out, the hub down, or the server stopped: each is told as what it is (never "not running" when signed out).
      const cause = causeOfMissingServer(this.opts.hubs.isSignedIn(loc.hubId), this.opts.hubs.refreshError?.(loc.hubId));
      this.opts.onServerUnavailable?.(loc, cause);
      throw this.vs.FileSystemError.Unavailable(filesUnavailableMessage(loc, cause));
    }
    return { loc, contents: this.contentsFor(server), server };
  }

  private findServer(loc: ServerFileLocation): ConnectedServer | undefined {
    return this.opts.hubs.readyServers().find((s) => sameServer({ hubId: s.hubId, user: s.user, serverName: s.server.name }, loc));
  }

  private contentsFor(server: ConnectedServer): ContentsClient {
    if (this.opts.contentsFor) return this.opts.contentsFor(server);
    const key = `${server.hubId}\u0000${server.user}\u0000${server.server.name}`;
    const url = server.server.url!;
    let cached = this.clients.get(key);
    // A restarted server may have a new URL, and a re-sign-in a new hub client.
    if (!cached || cached.url !== url) {
      cached = { url, contents: new ContentsClient(new JupyterServerClient(url, server.client.http)) };
      this.clients.set(key, cached);
    }
    return cached.contents;
  }

  /** Runs one operation; errors become FileSystemErrors, and a stopped server is reported once. */
  private async run<T>(uri: vscode.Uri, op: (ctx: { loc: ServerFileLocation; contents: ContentsClient }) => Promise<T>): Promise<T> {
    const ctx = await this.resolve(uri);
    let result: T;
    try {
      result = await op(ctx);
    } catch (e) {
      this.opts.logger.warn(`${HUB_FILE_SCHEME}: ${ctx.loc.path || '/'} on ${serverFolderName(ctx.loc)}: ${e instanceof Error ? e.message : String(e)}`);
      const cause = causeOfError(e);
      if (!cause) throw toFileSystemError(this.vs, e, uri);
      this.opts.onServerUnavailable?.(ctx.loc, cause);
      // The registry learns the server stopped (or the token went) and says so in the Hubs view.
      if (cause !== 'unreachable') void this.opts.hubs.refresh().catch(() => undefined);
      throw this.vs.FileSystemError.Unavailable(filesUnavailableMessage(ctx.loc, cause));
    }
    this.opts.onServerAvailable?.(ctx.loc);
    return result;
  }

  /**
   * Watches by polling the Contents API (it has no change notifications): see ContentsWatch. Our own writes fire
   * their events at once and are not reported again.
   */
  watch(uri: vscode.Uri, options: { readonly recursive: boolean; readonly excludes?: readonly string[] }): vscode.Disposable {
    let loc: ServerFileLocation;
    try {
      loc = fromHubUriParts(uri);
    } catch {
      return new this.vs.Disposable(() => undefined);
    }
    const stop = this.watchOf(loc).watch(loc.path, { recursive: options.recursive });
    return new this.vs.Disposable(stop);
  }

  private watchOf(loc: ServerFileLocation): ContentsWatch {
    const key = `${loc.hubId}\u0000${loc.user}\u0000${loc.serverName}`;
    let found = this.watches.get(key);
    if (!found) {
      const server = { ...loc, path: '' };
      const watch = this._register(new ContentsWatch({
        ...this.opts.watchTiming,
        source: () => {
          const s = this.findServer(server);
          return s && this.contentsFor(s);
        },
        onChanges: (changes) => this.fireServerChanges(server, changes),
        // The registry learns the server stopped; its change event resumes the watch when it is back.
        onServerStopped: () => void this.opts.hubs.refresh().catch(() => undefined),
      }));
      found = { loc: server, watch };
      this.watches.set(key, found);
      // After a reload the registry may not know the server yet: its change event starts the polls.
      if (!this.findServer(server)) watch.pause();
    }
    return found.watch;
  }

  /** Changes the polls found on the server: cached stats of those paths go, then the editor is told in one event. */
  private fireServerChanges(server: ServerFileLocation, changes: ContentsChange[]): void {
    const kinds = { created: this.vs.FileChangeType.Created, changed: this.vs.FileChangeType.Changed, deleted: this.vs.FileChangeType.Deleted };
    const events = changes.map(({ path, kind }) => ({ type: kinds[kind], uri: this.uriFor({ ...server, path }) }));
    for (const { uri, type } of events) {
      if (type === this.vs.FileChangeType.Deleted) this.forget(uri);
      else this.stats.delete(uri.toString());
    }
    this.changes.fire(events);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const key = uri.toString();
    const cached = this.stats.get(key);
    if (cached && Date.now() - cached.at < LISTING_TTL_MS) return this.toStat(key, cached.entry);
    return this.run(uri, async ({ loc, contents }) => this.toStat(key, await contents.stat(loc.path)));
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return this.run(uri, async ({ loc, contents }) => {
      const listing = await contents.list(loc.path);
      const { children } = listing;
      this.watchOf(loc).noteListed(loc.path, listing);
      const at = Date.now();
      return children.map((child) => {
        this.stats.set(this.vs.Uri.joinPath(uri, child.name).toString(), { entry: child, at });
        return [child.name, this.fileType(child)] as [string, vscode.FileType];
      });
    });
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async ({ loc, contents }) => {
      const { entry, bytes } = await contents.read(loc.path);
      this.seen.set(uri.toString(), entry.lastModified);
      this.watchOf(loc).noteRead(loc.path, entry);
      return bytes;
    });
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const key = uri.toString();
    await this.run(uri, async ({ loc, contents }) => {
      const current = await contents.statIfExists(loc.path);
      if (!current && !options.create) throw this.vs.FileSystemError.FileNotFound(uri);
      if (current && !options.overwrite) throw this.vs.FileSystemError.FileExists(uri);
      if (current?.type === 'directory') throw this.vs.FileSystemError.FileIsADirectory(uri);
      const expectedLastModified = current ? this.seen.get(key) ?? current.lastModified : undefined;
      const write = (onProgress?: (p: TransferProgress) => void) => contents.write(loc.path, content, { expectedLastModified, onProgress, current: current ?? null });
      const entry = content.byteLength > 4 * 1024 * 1024 && this.opts.withProgress
        ? await this.opts.withProgress(`Uploading ${loc.path.split('/').pop()} to ${serverFolderName(loc)}`, (report) => write(report))
        : await write();
      this.seen.set(key, entry.lastModified);
      this.stats.delete(key);
      this.watchOf(loc).noteLocalChange(loc.path, entry);
      this.changes.fire([{ type: current ? this.vs.FileChangeType.Changed : this.vs.FileChangeType.Created, uri }]);
    });
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    await this.run(uri, async ({ loc, contents }) => {
      this.watchOf(loc).noteLocalChange(loc.path, await contents.createDirectory(loc.path));
      this.changes.fire([{ type: this.vs.FileChangeType.Created, uri }]);
    });
  }

  async delete(uri: vscode.Uri): Promise<void> {
    // The Explorer asks before deleting (explorer.confirmDelete); the server moves it to its trash when it has one.
    await this.run(uri, async ({ loc, contents }) => {
      await contents.delete(loc.path);
      this.watchOf(loc).noteLocalChange(loc.path, undefined);
      this.forget(uri);
      this.changes.fire([{ type: this.vs.FileChangeType.Deleted, uri }]);
    });
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    await this.transfer(oldUri, newUri, options, 'rename');
    this.forget(oldUri);
    this.changes.fire([{ type: this.vs.FileChangeType.Deleted, uri: oldUri }, { type: this.vs.FileChangeType.Created, uri: newUri }]);
  }

  async copy(source: vscode.Uri, destination: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    await this.transfer(source, destination, options, 'copy');
    this.changes.fire([{ type: this.vs.FileChangeType.Created, uri: destination }]);
  }

  /** Rename and copy on one server: refuse or replace what is at the target (as `overwrite` says), then move or copy. */
  private async transfer(from: vscode.Uri, to: vscode.Uri, options: { overwrite: boolean },
    how: 'rename' | 'copy'): Promise<void> {
    const target = this.sameServerTarget(from, to);
    await this.run(from, async ({ loc, contents }) => {
      const existing = await contents.statIfExists(target.path);
      if (existing && !options.overwrite) throw this.vs.FileSystemError.FileExists(to);
      if (existing) await contents.delete(target.path);
      const entry = how === 'rename' ? await contents.rename(loc.path, target.path) : await contents.copy(loc.path, target.path);
      this.forget(to);
      const watch = this.watchOf(loc);
      if (how === 'rename') watch.noteLocalChange(loc.path, undefined);
      watch.noteLocalChange(target.path, entry);
    });
  }

  /** Moves and copies stay on one server (the Contents API cannot reach another); across servers use Download/Upload. */
  private sameServerTarget(from: vscode.Uri, to: vscode.Uri): ServerFileLocation {
    let a: ServerFileLocation;
    let b: ServerFileLocation;
    try {
      a = fromHubUriParts(from);
      b = fromHubUriParts(to);
    } catch {
      throw this.vs.FileSystemError.FileNotFound(to);
    }
    if (!sameServer(a, b)) throw this.vs.FileSystemError.NoPermissions('Files move and copy within one server only: use Download… and Upload to Server… between servers.');
    return { ...b, path: joinServerPath('', b.path) };
  }

  private forget(uri: vscode.Uri): void {
    const prefix = uri.toString();
    for (const map of [this.stats, this.seen]) {
      for (const key of [...map.keys()]) if (key === prefix || key.startsWith(`${prefix}/`)) map.delete(key);
    }
  }

  private toStat(key: string, entry: ContentsEntry): vscode.FileStat {
    if (entry.type !== 'directory') this.seen.set(key, entry.lastModified);
    return {
      type: this.fileType(entry),
      ctime: entry.ctime,
      mtime: entry.mtime,
      size: entry.size ?? 0,
      permissions: entry.writable ? undefined : this.vs.FilePermission.Readonly,
    };
  }

  private fileType(entry: ContentsEntry): vscode.FileType {
    return entry.type === 'directory' ? this.vs.FileType.Directory : this.vs.FileType.File;
  }

  override dispose(): void {
    super.dispose(); // ends the registered watches too
    this.watches.clear();
    this.stats.clear();
    this.seen.clear();
    this.clients.clear();
  }
}
