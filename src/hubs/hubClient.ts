// JupyterHub REST client: version, the token's user, servers (start/stop/progress), options form and tokens.
import { HttpClient, HttpClientOptions, sleep, type HttpRequest } from '../core/http/httpClient';
import { ConflictError, InvalidInputError, isAuthError, TimeoutError, UnexpectedResponseError } from '../core/http/errors';
import { registerSecret } from '../core/http/redact';
import { HubServer, HubUser, isHubVersion, isRawToken, isRawUser, isTokenList, MintedToken, RawToken, toHubUser } from './hubModels';
import { checkedBody, checkedJson, type Answerer, type Guard } from '../core/http/responseCheck';
import { findHubNearby, NoHubAtAddressError } from './hubAddress';
import { whileHubAnswers } from './hubWatchdog';
import { seg } from './hubUrl';
import { wrongCredentials } from './hubPageLogin';
import { parseOptionsForm, OptionsForm } from './optionsForm';
import { rememberProfiles } from './profileCatalog';
import { readSpawnProgress, SpawnFailedError, SpawnProgressEvent } from './spawnProgress';

export interface HubClientOptions extends Omit<HttpClientOptions, 'baseUrl' | 'authorization'> {
  /** The current API token; a function so a renewed token is picked up without rebuilding the client. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** The hub login cookie for HTML pages (the options form), from loginForPages(); pages refuse API tokens. */
  pageCookie?: () => string | undefined | Promise<string | undefined>;
}

export type StartResult = 'ready' | 'pending';
export type StopResult = 'stopped' | 'stopping';

export type OptionsFormResult =
  | { kind: 'form'; form: OptionsForm; html: string }
  /** The hub has no options form (GET /hub/spawn started the server with its defaults, as JupyterHub does). */
  | { kind: 'none' }
  /** The server is already running or starting: the hub redirects instead of showing a form. */
  | { kind: 'running' }
  /** The hub's pages need a browser login (no page cookie): options must be entered by hand or come from a preset. */
  | { kind: 'login-required' };

export class HubClient {
  readonly http: HttpClient;
  /** The hub's base URL (origin + base_url prefix, trailing slash). */
  readonly base: string;
  private version?: string;
  private readonly pageCookie?: HubClientOptions['pageCookie'];

  constructor(base: string, opts: HubClientOptions = {}) {
    this.base = base.endsWith('/') ? base : `${base}/`;
    const { token, pageCookie, ...rest } = opts;
    this.pageCookie = pageCookie;
    this.http = new HttpClient({
      ...rest,
      baseUrl: this.base,
      authorization: async () => {
        const t = typeof token === 'function' ? await token() : token;
        return t ? `token ${t}` : undefined;
      },
    });
  }

  get origin(): string {
    return new URL(this.base).origin;
  }

  /** Who answers, for errors about a body of the wrong shape. */
  private get answerer(): Answerer {
    return { who: 'The hub', hint: `Is ${this.base} a JupyterHub? Check the address; if it is one, something in front of it (a proxy or login page) answered instead.` };
  }

  /** A JSON answer checked against the JupyterHub REST shape it should have. */
  private json<T>(req: HttpRequest, guard: Guard<T>): Promise<T> {
    return checkedJson(this.http, req, guard, this.answerer);
  }

  /**
   * `GET {base}hub/api` (no auth): proves this is a JupyterHub and gives its version. A 404 means no hub has this
   * prefix: NoHubAtAddressError, naming the hub the same host serves when there is one.
   */
  async getVersion(signal?: AbortSignal): Promise<string> {
    const res = await this.http.request({ path: 'hub/api', anonymous: true, signal, acceptStatuses: [404], headers: { Accept: 'application/json' } });
    if (res.status === 404) {
      const page = await res.text().catch(() => '');
      throw new NoHubAtAddressError(this.base, await findHubNearby(this.http, this.base, page, signal), 404);
    }
    const body = await checkedBody(res, isHubVersion, this.answerer, this.http.resolve('hub/api').toString());
    this.version = body.version;
    return body.version;
  }

  async majorVersion(): Promise<number> {
    const v = this.version ?? (await this.getVersion());
    return Number.parseInt(v.split('.')[0] ?? '0', 10) || 0;
  }

  /** `GET /hub/api/user`: whom the token belongs to, with its servers. */
  async getCurrentUser(signal?: AbortSignal): Promise<HubUser> {
    const raw = await this.json({ path: 'hub/api/user', signal }, isRawUser);
    return toHubUser(raw, this.origin);
  }

  /** A user with all servers, including stopped named ones; the default server is always listed. */
  async getUser(name: string, signal?: AbortSignal): Promise<HubUser> {
    const raw = await this.json({
      path: `hub/api/users/${seg(name)}`, query: { include_stopped_servers: '1' }, signal,
    }, isRawUser);
    const user = toHubUser(raw, this.origin);
    if (!user.servers.some((s) => s.name === '')) {
      user.servers.unshift({ name: '', state: 'stopped', userOptions: {} });
    }
    return user;
  }

  async listServers(user: string, signal?: AbortSignal): Promise<HubServer[]> {
    return (await this.getUser(user, signal)).servers;
  }

  async getServer(user: string, serverName: string, signal?: AbortSignal): Promise<HubServer> {
    const servers = await this.listServers(user, signal);
    return servers.find((s) => s.name === serverName) ?? { name: serverName, state: 'stopped', userOptions: {} };
  }

  serverPath(user: string, serverName: string): string {
    return serverName ? `hub/api/users/${seg(user)}/servers/${seg(serverName)}` : `hub/api/users/${seg(user)}/server`;
  }

  /** Starts a server with `userOptions`; 201 → ready, 202 → pending (follow progress). */
  async startServer(user: string, serverName = '', userOptions: Record<string, unknown> = {}, signal?: AbortSignal): Promise<StartResult> {
    // JupyterHub ≤ 5 reads the body as user_options; 6 wants {"user_options": …}.
    const body = (await this.majorVersion()) >= 6 ? { user_options: userOptions } : userOptions;
    const res = await this.http.request({
      method: 'POST', path: this.serverPath(user, serverName), json: body, signal, acceptStatuses: [400],
    });
    if (res.status === 400) {
      const text = await res.text();
      if (/already (running|pending|active)|is pending/i.test(text)) return 'pending';
      throw new UnexpectedResponseError(`${this.base}${this.serverPath(user, serverName)}`, 400, extractMessage(text));
    }
    return res.status === 201 ? 'ready' : 'pending';
  }

  /** Stops a server; 204 → stopped, 202 → stopping (poll with waitForStop). */
  async stopServer(user: string, serverName = '', signal?: AbortSignal): Promise<StopResult> {
    const res = await this.http.request({ method: 'DELETE', path: this.serverPath(user, serverName), signal, acceptStatuses: [400] });
    if (res.status === 400) {
      const text = await res.text();
      if (/not running|no such server|is not running/i.test(text)) return 'stopped';
      throw new UnexpectedResponseError(`${this.base}${this.serverPath(user, serverName)}`, 400, extractMessage(text));
    }
    return res.status === 202 ? 'stopping' : 'stopped';
  }

  /** Removes a stopped named server for good (its state is lost). */
  async deleteNamedServer(user: string, serverName: string, signal?: AbortSignal): Promise<void> {
    if (!serverName) throw new InvalidInputError('The default server cannot be deleted, only stopped.');
    await this.http.request({ method: 'DELETE', path: this.serverPath(user, serverName), json: { remove: true }, signal });
  }

  /** Polls until the server is stopped (there is no progress stream for stopping). */
  async waitForStop(user: string, serverName = '', timeoutMs = 120_000, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 250; ; delay = Math.min(delay * 2, 3000)) {
      const server = await this.getServer(user, serverName, signal);
      if (server.state === 'stopped') return;
      if (Date.now() > deadline) throw new TimeoutError(`${this.base}${this.serverPath(user, serverName)}`, timeoutMs);
      await sleep(delay, signal);
    }
  }

  /**
   * Follows the spawn progress stream until ready or failed. Yields each event; ends with the final one.
   * `timeoutMs` bounds the whole spawn (cloud spawns take minutes), `idleMs` the silence between events.
   */
  async *followProgress(user: string, serverName = '', opts: { timeoutMs?: number; idleMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<SpawnProgressEvent> {
    const path = `${this.serverPath(user, serverName)}/progress`;
    yield* readSpawnProgress(this.http, path, opts);
  }

  /** Starts a server and waits for it to be ready, reporting progress; throws with the hub's message on failure. */
  async startAndWait(user: string, serverName: string, userOptions: Record<string, unknown>,
    opts: { timeoutMs?: number; signal?: AbortSignal; onProgress?: (e: SpawnProgressEvent) => void; watchEveryMs?: number } = {}): Promise<HubServer> {
    let started: StartResult;
    try {
      started = await this.startServer(user, serverName, userOptions, opts.signal);
    } catch (e) {
      // A spawn that fails fast answers 500 with a generic text; the progress stream carries the spawner's own reason.
      if (e instanceof UnexpectedResponseError && e.status === 500) throw await this.spawnFailure(user, serverName, e);
      throw e;
    }
    if (started === 'pending') {
      // The stream alone would hang for its idle limit if the hub died; the server model is probed beside it.
      await whileHubAnswers(this.base, 'the server was starting', (signal) => this.getServer(user, serverName, signal), async (signal) => {
        for await (const event of this.followProgress(user, serverName, { ...opts, signal })) opts.onProgress?.(event);
      }, { signal: opts.signal, everyMs: opts.watchEveryMs });
    }
    const server = await this.getServer(user, serverName, opts.signal);
    if (server.state !== 'ready') {
      throw new ConflictError(`${this.base}${this.serverPath(user, serverName)}`, 409, `The server is ${server.state}, not ready.`);
    }
    return server;
  }

  private async spawnFailure(user: string, serverName: string, original: Error): Promise<Error> {
    try {
      for await (const _event of this.followProgress(user, serverName, { timeoutMs: 5000, idleMs: 5000 })) {
        // a failed event makes followProgress throw SpawnFailedError
      }
    } catch (e) {
      if (e instanceof SpawnFailedError) return e;
    }
    return new SpawnFailedError(original instanceof UnexpectedResponseError ? original.serverMessage ?? original.message : original.message);
  }

  /**
   * Reads the options form from `/hub/spawn` (`/hub/spawn/{user}/{server}` for named servers) with the page cookie.
   * JupyterHub renders the form only for a stopped server, and GET starts the server when there is no form: call this
   * only when about to start. That GET also creates a stopped entry for a new named server: when only the form was
   * read, the entry is removed again, so nothing is left behind if the user does not start it.
   */
  async getOptionsForm(user: string, serverName = '', signal?: AbortSignal): Promise<OptionsFormResult> {
    const cookie = await this.pageCookie?.();
    if (!cookie) return { kind: 'login-required' };
    const path = serverName ? `hub/spawn/${seg(user)}/${seg(serverName)}` : `hub/spawn/${seg(user)}`;
    const isNew = serverName ? await this.isNewNamedServer(user, serverName, signal) : false;
    const res = await this.http.request({ path, signal, redirect: 'manual', anonymous: true, headers: { Accept: 'text/html', Cookie: cookie } });
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get('location') ?? '';
      if (/\/hub\/login/.test(location)) return { kind: 'login-required' };
      // A redirect to the pending page or the server means: no form (the spawn was triggered) or already running.
      const server = await this.getServer(user, serverName, signal).catch(() => undefined);
      return server?.state === 'ready' && !/spawn-pending/.test(location) ? { kind: 'running' } : { kind: 'none' };
    }
    const html = await res.text();
    if (isNew) {
      await this.deleteNamedServer(user, serverName, signal).catch((e: unknown) => {
        this.http.logger.warn(`could not remove the named server entry "${serverName}" that reading its form created: ${e instanceof Error ? e.message : String(e)}`);
      });
    }
    const form = parseOptionsForm(html);
    rememberProfiles(this.base, form.profiles); // sizes for the cost meter
    return { kind: 'form', form, html };
  }

  /** True only when the hub is sure it has no entry (stopped or not) named `serverName`; unknown counts as existing. */
  private async isNewNamedServer(user: string, serverName: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return !(await this.listServers(user, signal)).some((s) => s.name === serverName);
    } catch (e) {
      this.http.logger.warn(`could not list the servers of ${user}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /** Mints a token for `user` with the current token. */
  async createToken(user: string, opts: { note: string; expiresInSeconds?: number; scopes?: string[] }, signal?: AbortSignal): Promise<MintedToken> {
    const raw = await this.json({
      method: 'POST', path: `hub/api/users/${seg(user)}/tokens`, signal,
      json: { note: opts.note, expires_in: opts.expiresInSeconds, ...(opts.scopes ? { scopes: opts.scopes } : {}) },
    }, isRawToken);
    return toMinted(raw);
  }

  /**
   * Password sign-in: mints a token with an expiry from username + password (password authenticators only).
   * The password is sent once in the body and never kept.
   */
  async createTokenWithPassword(username: string, password: string, opts: { note: string; expiresInSeconds?: number }, signal?: AbortSignal): Promise<MintedToken> {
    registerSecret(password);
    try {
      const raw = await this.json({
        method: 'POST', path: `hub/api/users/${seg(username)}/tokens`, anonymous: true, signal,
        json: { auth: { username, password }, note: opts.note, expires_in: opts.expiresInSeconds },
      }, isRawToken);
      return toMinted(raw);
    } catch (e) {
      // The hub answers a refused password with 403 (401 on some): not a token that lacks scopes.
      if (isAuthError(e)) throw wrongCredentials(this.base);
      throw e;
    }
  }

  /** Revokes a token by id (what sign-out and "remove hub" do with the token we minted). */
  async revokeToken(user: string, tokenId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `hub/api/users/${seg(user)}/tokens/${seg(tokenId)}`, signal, acceptStatuses: [404] });
  }

  /** The id of the token in use (matched by note + prefix is impossible; the hub lists token ids with `GET .../tokens`). */
  async listTokens(user: string, signal?: AbortSignal): Promise<Array<{ id: string; note?: string; expiresAt?: Date }>> {
    const raw = await this.json({ path: `hub/api/users/${seg(user)}/tokens`, signal }, isTokenList);
    return (raw.api_tokens ?? []).map((t) => ({ id: String(t.id), note: t.note ?? undefined, expiresAt: t.expires_at ? new Date(t.expires_at) : undefined }));
  }

  /** Absolute URL of the page where a user creates a token by hand. */
  tokenPageUrl(): string {
    return `${this.base}hub/token`;
  }
}

function toMinted(raw: RawToken): MintedToken {
  if (!raw.token) throw new UnexpectedResponseError('token endpoint', 201, 'the hub returned no token');
  registerSecret(raw.token);
  return {
    id: String(raw.id),
    token: raw.token,
    expiresAt: raw.expires_at ? new Date(raw.expires_at) : undefined,
    scopes: raw.scopes,
    note: raw.note ?? undefined,
  };
}

function extractMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { message?: string };
    return j.message ?? text;
  } catch {
    return text.slice(0, 200);
  }
}

