// Change detection for one server's files by polling its Contents API (it has no change notifications): only what
// the editor asked to watch, a bounded number of requests per round, slower while nothing changes or the server fails,
// paused while the server is not running.
//
// - A watched folder is polled by listing it (one request gives every child's `last_modified`); a watched file by a
//   metadata-only stat. The first poll of a path is its baseline and reports nothing.
// - A recursive watch does not crawl the tree: below the watched folder it polls only the folders the editor listed
//   (the Explorer's expanded folders) and the files it read (open editors), the most recently used first.
// - Changes of one round are reported together, once per path.
import { isPangeoError } from '../core/http/errors';
import { PollLoop } from '../core/pollLoop';
import type { ContentsEntry } from './contentsModels';
import { normalizeServerPath, parentPath } from './contentsModels';
import { ServerNotRunningError, WrongContentTypeError } from './contentsErrors';

/** What the watch needs of a Contents API client. */
export interface ContentsSource {
  list(path: string, signal?: AbortSignal): Promise<{ entry: ContentsEntry; children: ContentsEntry[] }>;
  stat(path: string, signal?: AbortSignal): Promise<ContentsEntry>;
}

export type ContentsChangeKind = 'created' | 'changed' | 'deleted';

export interface ContentsChange {
  /** Server path ('' is the root). */
  path: string;
  kind: ContentsChangeKind;
}

export interface ContentsWatchOptions {
  /** The server's client now, or undefined while it is not running (nothing is polled then). */
  source(): ContentsSource | undefined;
  onChanges(changes: ContentsChange[]): void;
  /** A poll found the server stopped: the watch pauses until resume(). */
  onServerStopped?(): void;
  /** Delay between rounds while things change (default 2 s). */
  intervalMs?: number;
  /** The longest delay while nothing changes (default 20 s). */
  idleMaxMs?: number;
  /** The longest delay while the server fails (default 60 s). */
  errorMaxMs?: number;
  /** Requests per round at most; more paths are polled in turns (default 8). */
  maxRequestsPerRound?: number;
  /** Folders listed and files read remembered for recursive watches, each (default 64). */
  maxRemembered?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

type Snapshot =
  | { kind: 'folder'; lastModified: string; children: Map<string, { type: ContentsEntry['type']; lastModified: string }> }
  | { kind: 'file'; lastModified: string }
  | { kind: 'missing' };

function folderSnapshot(entry: ContentsEntry, children: ContentsEntry[]): Snapshot {
  return {
    kind: 'folder',
    lastModified: entry.lastModified,
    children: new Map(children.map((c) => [c.name, { type: c.type, lastModified: c.lastModified }])),
  };
}

/** Idle rounds slow down by this factor each, up to idleMaxMs. */
const IDLE_FACTOR = 1.5;

export class ContentsWatch {
  private readonly watches = new Map<string, { recursive: number; count: number }>();
  private readonly snapshots = new Map<string, Snapshot>();
  /** Folders the editor listed and files it read, with when: what a recursive watch polls below its folder. */
  private readonly listed = new Map<string, number>();
  private readonly read = new Map<string, number>();
  /** Folders whose own last_modified our change moved (servers write through a temporary file): not reported. */
  private readonly quiet = new Set<string>();
  private readonly intervalMs: number;
  private readonly idleMaxMs: number;
  private readonly errorMaxMs: number;
  private readonly maxRequests: number;
  private readonly maxRemembered: number;
  /** Runs the rounds: one at a time, each after nextDelay(); stopped while paused or nothing is watched. */
  private readonly loop: PollLoop;
  private paused = false;
  private disposed = false;
  private idleRounds = 0;
  private errorRounds = 0;
  /** Where the next round starts in the list of paths (turns when there are more than maxRequestsPerRound). */
  private cursor = 0;

  constructor(private readonly opts: ContentsWatchOptions) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.idleMaxMs = opts.idleMaxMs ?? 20_000;
    this.errorMaxMs = opts.errorMaxMs ?? 60_000;
    this.maxRequests = Math.max(1, opts.maxRequestsPerRound ?? 8);
    this.maxRemembered = opts.maxRemembered ?? 64;
    this.loop = new PollLoop((signal) => this.runRound(signal), {
      intervalMs: this.intervalMs, nextDelayMs: () => this.nextDelay(), setTimer: opts.setTimer, clearTimer: opts.clearTimer, now: opts.now,
    });
  }

  /** Starts watching a path; the returned function stops it (watches of the same path are counted, recursive ones apart). */
  watch(path: string, opts: { recursive: boolean }): () => void {
    const p = normalizeServerPath(path);
    const w = this.watches.get(p) ?? { recursive: 0, count: 0 };
    w.count++;
    if (opts.recursive) w.recursive++;
    this.watches.set(p, w);
    this.poke();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (opts.recursive) w.recursive--;
      if (--w.count > 0) return;
      this.watches.delete(p);
      if (this.watches.size === 0) this.loop.stop();
    };
  }

  /**
   * The editor listed a folder (e.g. expanded it in the Explorer). What it saw is the baseline: a change made after
   * this listing is reported even when the first poll of the folder comes later.
   */
  noteListed(path: string, listing?: { entry: ContentsEntry; children: ContentsEntry[] }): void {
    const p = normalizeServerPath(path);
    this.remember(this.listed, p);
    if (listing) this.snapshots.set(p, folderSnapshot(listing.entry, listing.children));
    this.poke();
  }

  /** The editor read a file (e.g. opened it); what it read is the baseline, as for noteListed. */
  noteRead(path: string, entry?: ContentsEntry): void {
    const p = normalizeServerPath(path);
    this.remember(this.read, p);
    if (entry) this.takeEntry(p, entry);
    this.poke();
  }

  /**
   * The extension itself changed a path (its own event is already out): the snapshots take the new state so the
   * next round does not report it again. `entry` undefined: it was deleted.
   */
  noteLocalChange(path: string, entry: ContentsEntry | undefined): void {
    const p = normalizeServerPath(path);
    if (p) this.quiet.add(parentPath(p));
    if (entry) this.takeEntry(p, entry);
    else {
      const parent = this.snapshots.get(parentPath(p));
      if (p && parent?.kind === 'folder') parent.children.delete(p.slice(p.lastIndexOf('/') + 1));
      if (this.snapshots.has(p)) this.snapshots.set(p, { kind: 'missing' });
    }
    this.poke();
  }

  /** The state of one path as the editor now knows it: its own snapshot and its entry in its folder's. */
  private takeEntry(p: string, entry: ContentsEntry): void {
    const parent = this.snapshots.get(parentPath(p));
    if (p && parent?.kind === 'folder') parent.children.set(p.slice(p.lastIndexOf('/') + 1), { type: entry.type, lastModified: entry.lastModified });
    if (entry.type !== 'directory') this.snapshots.set(p, { kind: 'file', lastModified: entry.lastModified });
  }

  /** Something happened here: the next round comes soon. */
  poke(): void {
    this.idleRounds = 0;
    this.errorRounds = 0;
    if (this.disposed || this.paused || this.watches.size === 0) return;
    this.loop.start(this.intervalMs);
    this.loop.tickWithin(this.intervalMs);
  }

  /** Stops polling (the server stopped); snapshots are kept so changes made meanwhile are reported after resume(). */
  pause(): void {
    this.paused = true;
    this.loop.stop();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.poke();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** The paths polled now, in order (what watch/noteListed/noteRead add up to). */
  targets(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const add = (p: string) => {
      if (!seen.has(p)) {
        seen.add(p);
        out.push(p);
      }
    };
    for (const p of this.watches.keys()) add(p);
    const roots = [...this.watches].filter(([, w]) => w.recursive > 0).map(([p]) => p);
    const under = (p: string) => roots.some((r) => r === '' || p === r || p.startsWith(`${r}/`));
    const newest = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([p]) => p);
    const folders = newest(this.listed).filter(under);
    for (const p of folders) add(p);
    // A file in a polled folder that has its baseline is seen in that folder's listing.
    const listedFolders = new Set(out.filter((p) => this.snapshots.get(p)?.kind === 'folder'));
    for (const p of newest(this.read).filter(under)) if (!listedFolders.has(parentPath(p))) add(p);
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.loop.dispose();
    this.watches.clear();
    this.snapshots.clear();
  }

  private async runRound(signal: AbortSignal): Promise<void> {
    const source = this.opts.source();
    if (!source || this.paused || this.disposed) return;
    const all = this.targets();
    const batch = all.length <= this.maxRequests ? all
      : Array.from({ length: this.maxRequests }, (_, i) => all[(this.cursor + i) % all.length]!);
    this.cursor = all.length <= this.maxRequests ? 0 : (this.cursor + this.maxRequests) % all.length;
    const quiet = new Set(this.quiet);
    // Overlapping watches see the same change: once per path and kind.
    const changes = new Map<string, ContentsChange>();
    const report = (path: string, kind: ContentsChangeKind) => {
      if (!changes.has(`${kind}\u0000${path}`)) changes.set(`${kind}\u0000${path}`, { path, kind });
    };
    let failed = false;
    for (const path of batch) {
      if (signal.aborted) return;
      try {
        await this.pollPath(source, path, signal, report);
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ServerNotRunningError) {
          this.pause();
          this.opts.onServerStopped?.();
          return;
        }
        failed = true;
      }
    }
    if (this.disposed || this.paused) return;
    // A folder stays quiet until a listing of its parent has taken its new last_modified.
    for (const p of quiet) if (!p || batch.includes(parentPath(p))) this.quiet.delete(p);
    for (const { path, kind } of changes.values()) {
      if (kind === 'deleted') this.forgetBelow(path);
    }
    if (changes.size > 0) this.opts.onChanges([...changes.values()]);
    this.errorRounds = failed ? this.errorRounds + 1 : 0;
    this.idleRounds = changes.size > 0 ? 0 : this.idleRounds + 1;
  }

  private async pollPath(source: ContentsSource, path: string, signal: AbortSignal,
    report: (path: string, kind: ContentsChangeKind) => void): Promise<void> {
    const before = this.snapshots.get(path);
    let now: Snapshot;
    try {
      now = before?.kind === 'folder' ? await this.listAsSnapshot(source, path, signal).catch((e: unknown) => {
        // The folder is a file now.
        if (e instanceof WrongContentTypeError) return this.statAsSnapshot(source, path, signal);
        throw e;
      }) : await this.statAsSnapshot(source, path, signal);
    } catch (e) {
      if (!isPangeoError(e, 'NotFound')) throw e;
      now = { kind: 'missing' };
    }
    this.snapshots.set(path, now);
    if (!before) return;
    if (before.kind === 'missing') {
      if (now.kind !== 'missing') report(path, 'created');
      return;
    }
    if (now.kind === 'missing') {
      report(path, 'deleted');
      return;
    }
    if (before.kind === 'file' && now.kind === 'file') {
      if (before.lastModified !== now.lastModified) report(path, 'changed');
      return;
    }
    if (before.kind !== now.kind) {
      // A file became a folder or the other way round.
      report(path, 'deleted');
      report(path, 'created');
      return;
    }
    if (before.kind === 'folder' && now.kind === 'folder') {
      const prefix = path ? `${path}/` : '';
      for (const [name, child] of now.children) {
        const old = before.children.get(name);
        if (!old) report(`${prefix}${name}`, 'created');
        else if (old.type !== child.type) {
          report(`${prefix}${name}`, 'deleted');
        } else if (old.lastModified !== child.lastModified && !(child.type === 'directory' && this.quiet.has(`${prefix}${name}`))) {
          report(`${prefix}${name}`, 'changed');
        }
      }
      for (const name of before.children.keys()) if (!now.children.has(name)) report(`${prefix}${name}`, 'deleted');
    }
  }

  /** A file's snapshot from a metadata-only stat; a folder is listed instead. */
  private async statAsSnapshot(source: ContentsSource, path: string, signal: AbortSignal): Promise<Snapshot> {
    const entry = await source.stat(path, signal);
    return entry.type === 'directory' ? this.listAsSnapshot(source, path, signal) : { kind: 'file', lastModified: entry.lastModified };
  }

  private async listAsSnapshot(source: ContentsSource, path: string, signal: AbortSignal): Promise<Snapshot> {
    const { entry, children } = await source.list(path, signal);
    return folderSnapshot(entry, children);
  }

  /** A deleted path is no longer polled below the watch that saw it go (its watch, if any, stays and sees it return). */
  private forgetBelow(path: string): void {
    const inside = (p: string) => p === path || p.startsWith(`${path}/`);
    for (const m of [this.listed, this.read]) for (const p of [...m.keys()]) if (inside(p)) m.delete(p);
    for (const p of [...this.snapshots.keys()]) if (inside(p) && !this.watches.has(p)) this.snapshots.delete(p);
  }

  private remember(map: Map<string, number>, path: string): void {
    map.delete(path);
    map.set(path, this.now());
    while (map.size > this.maxRemembered) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
      if (!this.watches.has(oldest)) this.snapshots.delete(oldest);
    }
  }

  private nextDelay(): number {
    if (this.errorRounds > 0) return Math.min(this.errorMaxMs, this.intervalMs * 2 ** this.errorRounds);
    return Math.min(this.idleMaxMs, Math.round(this.intervalMs * IDLE_FACTOR ** this.idleRounds));
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}
