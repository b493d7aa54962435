// Watches hub servers whose kernels another program runs (the Jupyter extension owns those websockets, so no socket
// close reaches us): polls the hub and tells once when a server is gone — stopped, culled, deleted, or the hub is down.
import { Emitter, type Event } from '../core/emitter';
import { Disposable } from '../core/lifecycle';
import { PollLoop } from '../core/pollLoop';
import { isAuthError, isPangeoError } from '../core/http/errors';

/**
 * What one look at the hub says about a server: 'unknown' when the hub itself did not answer; 'refused' when it
 * answered but refused the token (expired or revoked: sign-in's business, not a gone server).
 */
export type WatchProbe = 'ready' | 'stopped' | 'unknown' | 'refused';

/** 'stopped': the hub says so; 'unreachable': the hub has not answered for `goneAfterMs`. */
export type GoneReason = 'stopped' | 'unreachable';

export interface ServerGone {
  key: string;
  reason: GoneReason;
}

export interface ServerWatchOptions {
  /** How often watched servers are probed (default 5 s). */
  intervalMs?: number;
  /** How long a hub may stay silent before its servers count as gone (default 12 s, like our own kernels). */
  goneAfterMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

interface Watched {
  probe: (signal: AbortSignal) => Promise<WatchProbe>;
  unreachableSince?: number;
}

export class ServerWatch extends Disposable {
  private readonly watched = new Map<string, Watched>();
  private readonly goneEmitter = this._register(new Emitter<ServerGone>());
  private readonly loop: PollLoop;
  private readonly now: () => number;
  /** Fires once per watched server that is gone; the server is no longer watched afterwards. */
  readonly onDidGo: Event<ServerGone> = this.goneEmitter.event;

  constructor(private readonly opts: ServerWatchOptions = {}) {
    super();
    this.now = opts.now ?? Date.now;
    this.loop = this._register(new PollLoop((signal) => this.check(signal), {
      intervalMs: opts.intervalMs ?? 5_000,
      setTimer: opts.setTimer,
      clearTimer: opts.clearTimer,
    }));
  }

  /** Starts (or keeps) watching a server; the loop runs only while something is watched. */
  watch(key: string, probe: (signal: AbortSignal) => Promise<WatchProbe>): void {
    const existing = this.watched.get(key);
    if (existing) existing.probe = probe;
    else this.watched.set(key, { probe });
    this.loop.start();
  }

  unwatch(key: string): void {
    this.watched.delete(key);
    if (!this.watched.size) this.loop.stop();
  }

  isWatching(key: string): boolean {
    return this.watched.has(key);
  }

  keys(): string[] {
    return [...this.watched.keys()];
  }

  /** One look at every watched server (the loop's tick; tests call it directly). */
  async check(signal: AbortSignal = new AbortController().signal): Promise<void> {
    await Promise.all([...this.watched].map(async ([key, entry]) => {
      const probe = await entry.probe(signal).catch((): WatchProbe => 'unknown');
      if (signal.aborted || this.watched.get(key) !== entry) return;
      if (probe === 'ready' || probe === 'refused') {
        entry.unreachableSince = undefined;
        return;
      }
      if (probe === 'stopped') return this.gone(key, 'stopped');
      const since = (entry.unreachableSince ??= this.now());
      if (this.now() - since >= (this.opts.goneAfterMs ?? 12_000)) this.gone(key, 'unreachable');
    }));
  }

  private gone(key: string, reason: GoneReason): void {
    this.unwatch(key);
    this.goneEmitter.fire({ key, reason });
  }

  override dispose(): void {
    super.dispose();
    this.watched.clear();
  }
}

/** What a probe needs of the hub client (HubClient has it). */
export interface ServerStateSource {
  getServer(user: string, serverName: string, signal?: AbortSignal): Promise<{ state: string }>;
}

/** The hub's word on one server: a 404 (user deleted) is as stopped as "stopped"; any other failure is 'unknown'. */
export async function probeHubServer(hub: ServerStateSource, user: string, serverName: string, signal?: AbortSignal): Promise<WatchProbe> {
  try {
    return (await hub.getServer(user, serverName, signal)).state === 'ready' ? 'ready' : 'stopped';
  } catch (e) {
    return isPangeoError(e, 'NotFound') ? 'stopped' : isAuthError(e) ? 'refused' : 'unknown';
  }
}
