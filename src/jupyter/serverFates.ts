// What the fetch we hand the Jupyter extension needs to know per watched server (see jupyterExtensionFetch): whether
// its kernels are lost (server gone now, or restarted since), a bounded wait for the watch's verdict, and which
// notebooks the Jupyter extension asked sessions for (a sign-out right after a first run precedes the server's list).
import type { ServerFate } from './jupyterExtensionFetch';
import { notebookOfSessionPath } from './jupyterExtensionSessions';
import type { ServerWatch } from './serverWatch';

export interface ServerFatesOptions {
  /** "The default server on hub" etc.; undefined for a server we do not serve. */
  describe(id: string): string | undefined;
  /** How long a failed kernel look-up waits for the verdict (ServerWatch: 5 s polls, gone after 12 s of silence). */
  settleMs?: number;
  /** How long a requested session names its notebook without the server listing it. */
  requestedMs?: number;
  /** Something was asked of a gone (or unavailable) server and refused (e.g. offer to start it again). */
  onRefused?(id: string): void;
  /** Why the server cannot be used now for a reason of its own (e.g. its hub is signed out); else undefined. */
  unavailable?(id: string): string | undefined;
  now?: () => number;
}

export class ServerFates {
  private readonly gone = new Set<string>();
  /** Gone at least once since watched: kernels it no longer has were lost with it. */
  private readonly interrupted = new Set<string>();
  private readonly requested = new Map<string, Map<string, number>>();
  private readonly listings = new Map<string, Map<string, string>>();
  private readonly now: () => number;
  private readonly subscription: { dispose(): void };

  constructor(private readonly watch: ServerWatch, private readonly opts: ServerFatesOptions) {
    this.now = opts.now ?? Date.now;
    // Subscribed before any settle() waits, so a waiter sees the server already marked gone.
    this.subscription = watch.onDidGo(({ key }) => {
      this.gone.add(key);
      this.interrupted.add(key);
    });
  }

  /** The server runs again (the hub says so): new kernels may start; its old ones stay lost. */
  back(id: string): void {
    this.gone.delete(id);
  }

  fateOf(id: string): ServerFate {
    const listings = this.listings.get(id) ?? new Map<string, string>();
    this.listings.set(id, listings);
    return {
      listings,
      goneReason: () => {
        const server = this.gone.has(id) ? this.opts.describe(id) : undefined;
        return server && `${server} is gone. Start it again (Hubs view), or pick another kernel.`;
      },
      signedOutReason: () => this.opts.unavailable?.(id),
      refused: () => this.opts.onRefused?.(id),
      lost: (_kernelId, status) => this.lostReason(id, status),
      settle: () => this.settle(id),
      sessionRequested: (path) => {
        const name = notebookOfSessionPath(path);
        if (!name) return;
        const asked = this.requested.get(id) ?? new Map<string, number>();
        const at = this.now();
        asked.set(name, at);
        this.requested.set(id, asked);
        return () => {
          if (asked.get(name) === at) asked.delete(name); // that request made no session; a later one may have
        };
      },
    };
  }

  /** Notebooks the Jupyter extension asked a session for lately on this server. */
  requestedNotebooks(id: string): string[] {
    const asked = this.requested.get(id);
    if (!asked) return [];
    for (const [name, at] of asked) if (this.now() - at > (this.opts.requestedMs ?? 60_000)) asked.delete(name);
    return [...asked.keys()];
  }

  private lostReason(id: string, status?: number): string | undefined {
    const server = this.opts.describe(id);
    if (!server) return undefined;
    if (this.gone.has(id)) return `${server} is gone; this kernel ended with it.`;
    if (status === 404 && this.interrupted.has(id)) return `${server} was restarted; this kernel ended with it. The next run starts a new one.`;
    return undefined;
  }

  /** The reason once the watch finds the server gone; undefined after settleMs, or at once when it is not watched. */
  private settle(id: string): Promise<string | undefined> {
    const now = this.lostReason(id);
    if (now || !this.watch.isWatching(id)) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (reason: string | undefined) => {
        clearTimeout(timer);
        sub.dispose();
        resolve(reason);
      };
      const timer = setTimeout(() => done(undefined), this.opts.settleMs ?? 25_000);
      const sub = this.watch.onDidGo(({ key }) => key === id && done(this.lostReason(id)));
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
