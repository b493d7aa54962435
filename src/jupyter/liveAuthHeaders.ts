// Authorization headers lent by reference to the Jupyter extension, which keeps a resolved server's `headers` object
// and reads it at every REST request and kernel websocket handshake: rewritten in place from the auth source whenever
// a hub's token changes (renewal, sign-in again, sign-out), so its kernels reconnect with the current token.
import type { Event } from '../core/emitter';

/** The current Authorization header value for a hub ("token …"), or undefined when signed out. */
export type HubAuthorization = (hubId: string) => Promise<string | undefined>;

interface Lent {
  hubId: string;
  headers: Record<string, string>;
  /** Bumped per rewrite: a slower, older look-up must not overwrite a newer token. */
  version: number;
}

export class LiveAuthHeaders {
  private readonly lent = new Map<string, Lent>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly authorizationFor: HubAuthorization, onDidChangeTokens: Event<void>) {
    this.subscription = onDidChangeTokens(() => void this.rewriteAll());
  }

  /** The headers for a server, with the current token: the same object each time for the same server id. */
  async headersFor(serverId: string, hubId: string): Promise<Record<string, string>> {
    let entry = this.lent.get(serverId);
    if (!entry || entry.hubId !== hubId) {
      entry = { hubId, headers: {}, version: 0 };
      this.lent.set(serverId, entry);
    }
    await this.rewrite(entry);
    return entry.headers;
  }

  private async rewriteAll(): Promise<void> {
    await Promise.all([...this.lent.values()].map((entry) => this.rewrite(entry).catch(() => undefined)));
  }

  private async rewrite(entry: Lent): Promise<void> {
    const version = ++entry.version;
    const auth = await this.authorizationFor(entry.hubId);
    if (version !== entry.version) return;
    if (auth) entry.headers.Authorization = auth;
    else delete entry.headers.Authorization;
  }

  dispose(): void {
    this.subscription.dispose();
    this.lent.clear();
  }
}
