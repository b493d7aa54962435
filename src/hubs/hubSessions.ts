// The signed-in state of every hub: non-secret records in a key-value store, tokens and page cookies in a secret store.
// Plain TypeScript: the editor backs the stores with globalState and SecretStorage, tests with maps.
import { HubClient, HubClientOptions } from './hubClient';
import { hubLabel, parseHubUrl } from './hubUrl';
import { forgetSecret, registerSecret } from '../core/http/redact';
import { InvalidInputError, isAuthError, UnauthorizedError } from '../core/http/errors';
import type { Logger } from '../core/log';
import type { KeyValueStore, SecretStore } from '../core/keyValueStore';
import { Emitter, type Event } from '../core/emitter';
import type { OptionsForm } from './optionsForm';
import type { RememberedForm, UsedOptions } from './rememberedOptions';
import { oauthCredential, passwordSignIn, tokenSignIn, type HubCredential, type SignInMethod, type SignInMethodId, type SignInTarget } from './signInMethods';
import { insideHubLabel, type InsideHub } from './insideHub';

export interface HubRecord {
  /** Hub base URL (origin + prefix, trailing slash): the hub's id. */
  base: string;
  label: string;
  version?: string;
  user?: string;
  /** 'server': the hub this editor runs inside, signed in with the server's own token from its environment. */
  method?: SignInMethodId | 'server';
  /** Id of the token this extension minted (revoked on sign-out / removal); absent for pasted tokens. */
  mintedTokenId?: string;
  /** ISO time the token expires, when the hub said. */
  expiresAt?: string;
  /** Lifetime to ask for when renewing a minted token. */
  lifetimeSeconds?: number;
  /** Last options used to start each server ('' = default), remembered per hub. */
  lastOptions?: Record<string, Record<string, unknown>>;
  /** ISO time each server's lastOptions were used. */
  lastOptionsAt?: Record<string, string>;
  /** The hub's options form as last read (offered when it cannot be read, e.g. with a pasted token). */
  lastForm?: RememberedForm;
}

const RECORDS_KEY = 'pangeo.hubs';
const TOKEN_PREFIX = 'pangeo.hub.token:';
const COOKIE_PREFIX = 'pangeo.hub.cookie:';
const tokenKey = (base: string) => `${TOKEN_PREFIX}${base}`;
const cookieKey = (base: string) => `${COOKIE_PREFIX}${base}`;
const oauthSecretKey = (base: string) => `pangeo.hub.oauthSecret:${base}`;

/** Renew when less than this share of the lifetime (or one hour) is left. */
const RENEW_FRACTION = 0.2;

export class HubSessions {
  private readonly tokens = new Map<string, string | undefined>();
  private readonly cookies = new Map<string, string | undefined>();
  private readonly changes = new Emitter<void>();
  /** Fires when a hub is added, removed, signed in or out, its token renewed (here or in another window), or its record changes. */
  readonly onDidChange: Event<void> = this.changes.event;
  private readonly secretWatch?: { dispose(): void };

  constructor(
    private readonly state: KeyValueStore,
    private readonly secrets: SecretStore,
    private readonly opts: {
      logger?: Logger; client?: Omit<HubClientOptions, 'token' | 'pageCookie'>; now?: () => number;
      /** The hub this process runs inside: listed and signed in with the server's token, which is never stored. */
      inside?: InsideHub;
    } = {},
  ) {
    if (opts.inside) registerSecret(opts.inside.token);
    // Another window renewed (revoking the token cached here), signed in or out: connections must get the new one.
    this.secretWatch = secrets.onDidChange?.((e) => void this.secretChanged(e.key).catch((err: unknown) =>
      this.opts.logger?.warn(`re-reading a changed hub secret failed: ${err instanceof Error ? err.message : String(err)}`)));
  }

  /** Stops following secret changes made elsewhere. */
  dispose(): void {
    this.secretWatch?.dispose();
    this.changes.dispose();
  }

  /** A cached token or cookie changed in the store: the cache takes the stored value; listeners hear of a real change. */
  private async secretChanged(key: string): Promise<void> {
    const prefix = [TOKEN_PREFIX, COOKIE_PREFIX].find((p) => key.startsWith(p));
    if (!prefix) return;
    const cache = prefix === TOKEN_PREFIX ? this.tokens : this.cookies;
    const base = key.slice(prefix.length);
    // Not cached yet: the next read goes to the store anyway.
    if (!cache.has(base)) return;
    const value = await this.secrets.get(key);
    // Our own write (already cached) is no news.
    if (cache.get(base) === value) return;
    if (cache === this.tokens) registerSecret(value);
    cache.set(base, value);
    this.fire();
  }

  private fire(): void {
    this.changes.fire();
  }

  hubs(): HubRecord[] {
    const stored = this.state.get<HubRecord[]>(RECORDS_KEY) ?? [];
    const inside = this.opts.inside;
    if (!inside) return [...stored];
    return [...stored.filter((h) => h.base !== inside.id), this.insideRecord()].sort((a, b) => a.label.localeCompare(b.label));
  }

  /** The hub this process runs inside, if any. */
  get inside(): InsideHub | undefined {
    return this.opts.inside;
  }

  /** Kept in memory only: the environment signs it in again at every start, with whatever token the server has then. */
  private insideMemo?: HubRecord;

  private insideRecord(): HubRecord {
    const inside = this.opts.inside!;
    this.insideMemo ??= { base: inside.id, label: insideHubLabel(inside) };
    return { ...this.insideMemo, user: inside.user, method: 'server' };
  }

  private refuseInside(base: string, what: string): void {
    if (this.opts.inside?.id === base) {
      throw new InvalidInputError(`This editor runs inside your server on ${insideHubLabel(this.opts.inside)}, which signs it in with the server's own token: there is nothing to ${what}.`);
    }
  }

  hub(base: string): HubRecord | undefined {
    return this.hubs().find((h) => h.base === base);
  }

  private async save(record: HubRecord): Promise<void> {
    if (this.opts.inside?.id === record.base) {
      this.insideMemo = { ...record, user: undefined, method: undefined };
      return;
    }
    const all = this.hubs().filter((h) => h.base !== record.base);
    await this.state.update(RECORDS_KEY, [...all, record].sort((a, b) => a.label.localeCompare(b.label)));
  }

  /** A client for the hub that always uses the current token and page cookie. */
  client(base: string, overrides: Partial<HubClientOptions> = {}): HubClient {
    const inside = this.opts.inside;
    // API calls go to the hub's internal address (the public one may not be reachable from inside the cluster).
    if (inside?.id === base) return new HubClient(inside.apiBase, { ...this.opts.client, logger: this.opts.logger, ...overrides, token: () => inside.token });
    return new HubClient(base, {
      ...this.opts.client, logger: this.opts.logger, ...overrides,
      token: () => this.token(base),
      pageCookie: () => this.cookie(base),
    });
  }

  async token(base: string): Promise<string | undefined> {
    if (this.opts.inside?.id === base) return this.opts.inside.token;
    if (!this.tokens.has(base)) {
      const t = await this.secrets.get(tokenKey(base));
      registerSecret(t);
      this.tokens.set(base, t);
    }
    return this.tokens.get(base);
  }

  private async cookie(base: string): Promise<string | undefined> {
    if (!this.cookies.has(base)) this.cookies.set(base, await this.secrets.get(cookieKey(base)));
    return this.cookies.get(base);
  }

  isSignedIn(base: string): boolean {
    return !!this.hub(base)?.user;
  }

  /** Parses a pasted URL and detects the hub (GET hub/api); stores the record. Returns any token carried in the link. */
  async addHub(input: string, signal?: AbortSignal): Promise<{ record: HubRecord; tokenInLink?: string; insecure: boolean }> {
    const parsed = parseHubUrl(input);
    const version = await new HubClient(parsed.base, { ...this.opts.client, logger: this.opts.logger }).getVersion(signal);
    const record: HubRecord = { ...this.hub(parsed.base), base: parsed.base, label: hubLabel(parsed.base), version };
    await this.save(record);
    this.fire();
    return { record, tokenInLink: parsed.token, insecure: parsed.insecure };
  }

  private async storeSignIn(base: string, token: string, update: Partial<HubRecord>, cookie?: string): Promise<HubRecord> {
    registerSecret(token);
    await this.secrets.store(tokenKey(base), token);
    this.tokens.set(base, token);
    if (cookie) {
      await this.secrets.store(cookieKey(base), cookie);
      this.cookies.set(base, cookie);
    } else {
      await this.secrets.delete(cookieKey(base));
      this.cookies.set(base, undefined);
    }
    const record: HubRecord = { ...(this.hub(base) ?? { base, label: hubLabel(base) }), mintedTokenId: undefined, expiresAt: undefined, ...update };
    await this.save(record);
    this.fire();
    return record;
  }

  private requireHub(base: string): HubRecord {
    const record = this.hub(base);
    if (!record) throw new InvalidInputError(`The hub ${base} is not added.`, 'Add it first.');
    return record;
  }

  /** Signs in with any method: its credential replaces the hub's previous one (a token we minted is revoked). */
  async signIn<Input>(base: string, method: SignInMethod<Input>, input: Input, signal?: AbortSignal): Promise<HubRecord> {
    this.requireHub(base);
    this.refuseInside(base, 'sign in to');
    return this.adopt(base, await method.signIn(this.signInTarget(base), input, signal));
  }

  private signInTarget(base: string): SignInTarget {
    return { base, logger: this.opts.logger, client: (token) => new HubClient(base, { ...this.opts.client, logger: this.opts.logger, token }) };
  }

  private async adopt(base: string, c: HubCredential): Promise<HubRecord> {
    await this.revokeMinted(base).catch(() => undefined);
    const update: Partial<HubRecord> = { user: c.user, method: c.method };
    if (c.mintedTokenId) update.mintedTokenId = c.mintedTokenId;
    if (c.expiresAt) update.expiresAt = c.expiresAt.toISOString();
    if (c.lifetimeSeconds) update.lifetimeSeconds = c.lifetimeSeconds;
    return this.storeSignIn(base, c.token, update, c.pageCookie);
  }

  /** Sign-in with a pasted API token: checked against the hub before it is stored. */
  async signInWithToken(base: string, token: string, signal?: AbortSignal): Promise<HubRecord> {
    return this.signIn(base, tokenSignIn, { token }, signal);
  }

  /**
   * Password sign-in: mints a token with an expiry and logs in to the hub's pages (for the options form).
   * The password is used for these two requests and then dropped.
   */
  async signInWithPassword(base: string, username: string, password: string, lifetimeSeconds: number, signal?: AbortSignal,
    /** Told when the token works but the page login (for the options form) failed, e.g. an XSRF refusal. */
    onPageLoginFailed: (e: unknown) => void = () => undefined): Promise<HubRecord> {
    return this.signIn(base, passwordSignIn, { username, password, lifetimeSeconds, onPageLoginFailed }, signal);
  }

  /** Stores a token from the OAuth flow. */
  async signInWithOAuthToken(base: string, accessToken: string, expiresAt?: Date, signal?: AbortSignal): Promise<HubRecord> {
    this.requireHub(base);
    this.refuseInside(base, 'sign in to');
    return this.adopt(base, await oauthCredential(this.signInTarget(base), { accessToken, expiresAt }, signal));
  }

  private async revokeMinted(base: string): Promise<void> {
    const record = this.hub(base);
    if (!record?.mintedTokenId || !record.user) return;
    await this.client(base).revokeToken(record.user, record.mintedTokenId);
  }

  /** Signs out: revokes the token we minted (best effort), forgets token and cookie. The hub stays listed. */
  async signOut(base: string): Promise<{ revoked: boolean }> {
    this.refuseInside(base, 'sign out of');
    let revoked = false;
    try {
      if (this.hub(base)?.mintedTokenId) {
        await this.revokeMinted(base);
        revoked = true;
      }
    } catch (e) {
      this.opts.logger?.warn(`could not revoke the token on ${base}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const token = this.tokens.get(base);
    await this.secrets.delete(tokenKey(base));
    await this.secrets.delete(cookieKey(base));
    this.tokens.set(base, undefined);
    this.cookies.set(base, undefined);
    forgetSecret(token);
    const record = this.hub(base);
    if (record) await this.save({ ...record, user: undefined, method: undefined, mintedTokenId: undefined, expiresAt: undefined });
    this.fire();
    return { revoked };
  }

  /** Removes the hub: signs out (revoking our token) and forgets the record. */
  async removeHub(base: string): Promise<{ revoked: boolean }> {
    this.refuseInside(base, 'remove');
    const result = await this.signOut(base);
    await this.state.update(RECORDS_KEY, this.hubs().filter((h) => h.base !== base));
    this.fire();
    return result;
  }

  /** True when the token we minted is close to expiry (pasted/OAuth tokens cannot be renewed by us). */
  needsRenewal(base: string): boolean {
    const record = this.hub(base);
    if (!record?.expiresAt || record.method !== 'password' || !record.user) return false;
    const left = new Date(record.expiresAt).getTime() - (this.opts.now ?? Date.now)();
    const lifetime = (record.lifetimeSeconds ?? 86_400) * 1000;
    return left < Math.max(lifetime * RENEW_FRACTION, Math.min(3_600_000, lifetime / 2));
  }

  /** Mints a fresh token with the current one (same lifetime), switches to it, revokes the old one. */
  async renew(base: string, signal?: AbortSignal): Promise<HubRecord> {
    const record = this.requireHub(base);
    if (!record.user) throw new UnauthorizedError(base, 'not signed in');
    const old = { id: record.mintedTokenId, token: await this.token(base) };
    const minted = await this.client(base).createToken(record.user, { note: 'Pangeo Compute for VS Code', expiresInSeconds: record.lifetimeSeconds }, signal);
    const updated = await this.storeSignIn(base, minted.token, {
      user: record.user, method: record.method, mintedTokenId: minted.id, expiresAt: minted.expiresAt?.toISOString(), lifetimeSeconds: record.lifetimeSeconds,
    }, await this.cookie(base));
    if (old.id) await this.client(base).revokeToken(record.user, old.id).catch(() => undefined);
    forgetSecret(old.token);
    return updated;
  }

  /** Renews every token close to expiry; returns the hubs whose renewal failed with an auth error (sign in again). */
  async renewDue(signal?: AbortSignal): Promise<string[]> {
    const failed: string[] = [];
    for (const h of this.hubs()) {
      if (!this.needsRenewal(h.base)) continue;
      try {
        await this.renew(h.base, signal);
        this.opts.logger?.info(`renewed the token for ${h.label}`);
      } catch (e) {
        this.opts.logger?.warn(`token renewal for ${h.label} failed: ${e instanceof Error ? e.message : String(e)}`);
        if (isAuthError(e)) failed.push(h.base);
      }
    }
    return failed;
  }

  async rememberOptions(base: string, serverName: string, options: Record<string, unknown>): Promise<void> {
    const record = this.hub(base);
    if (!record) return;
    const at = new Date((this.opts.now ?? Date.now)()).toISOString();
    await this.save({ ...record, lastOptions: { ...record.lastOptions, [serverName]: options }, lastOptionsAt: { ...record.lastOptionsAt, [serverName]: at } });
  }

  /** Every server's remembered options with the time they were used (options from before times were kept count as old). */
  usedOptions(base: string): UsedOptions[] {
    const record = this.hub(base);
    return Object.entries(record?.lastOptions ?? {}).map(([serverName, options]) => ({
      serverName, options, usedAt: new Date(record?.lastOptionsAt?.[serverName] ?? 0), source: 'extension' as const,
    }));
  }

  async rememberForm(base: string, form: OptionsForm): Promise<void> {
    const record = this.hub(base);
    if (!record) return;
    await this.save({ ...record, lastForm: { form, readAt: new Date((this.opts.now ?? Date.now)()).toISOString() } });
  }

  rememberedForm(base: string): RememberedForm | undefined {
    return this.hub(base)?.lastForm;
  }

  lastOptions(base: string, serverName: string): Record<string, unknown> | undefined {
    const record = this.hub(base);
    return record?.lastOptions?.[serverName] ?? record?.lastOptions?.[''];
  }

  /** The OAuth client secret a hub admin handed out (kept with the other secrets); '' means a public client. */
  async oauthClientSecret(base: string): Promise<string | undefined> {
    return this.secrets.get(oauthSecretKey(base));
  }

  async setOAuthClientSecret(base: string, secret: string | undefined): Promise<void> {
    if (secret === undefined) await this.secrets.delete(oauthSecretKey(base));
    else await this.secrets.store(oauthSecretKey(base), secret);
  }

  /** Records the hub's version after a successful contact. */
  async setVersion(base: string, version: string): Promise<void> {
    const record = this.hub(base);
    if (record && record.version !== version) await this.save({ ...record, version });
  }
}
