// Sharing one's server on JupyterHub 5.0+ (REST: /hub/api/shares and /hub/api/share-codes; JupyterHub docs "Sharing
// access to user servers"): grant a user or group access, make a share code with an expiry and its link, list who has
// access, revoke. A refusal names the scope the hub wants; a code whose link cannot be made is revoked, not left behind.
import { InvalidInputError, isPangeoError, NotFoundError, PangeoError, UnexpectedResponseError } from '../core/http/errors';
import { hubSupportsSharing, scopesAllowSharing } from './sharingSupport';
import type { HttpRequest } from '../core/http/httpClient';
import { registerSecret } from '../core/http/redact';
import { checkedJson, type Answerer, type Guard } from '../core/http/responseCheck';
import type { HubClient } from './hubClient';
import { seg } from './hubUrl';
import {
  isEmptyOrShare, isRawPage, isRawShare, isRawShareCode, toServerShare, toShareCodeInfo,
  type NewShareCode, type RawShareCode, type ServerShare, type ShareCodeInfo, type ShareTarget,
} from './shareModels';
import { scopesNamedIn } from './tokenScopes';

/** Share codes live from one minute to one year (JupyterHub refuses anything else). */
export const SHARE_CODE_MIN_SECONDS = 60;
export const SHARE_CODE_MAX_SECONDS = 365 * 24 * 3600;

/** Most pages read for one list: a hub that always says "next" cannot loop us forever. */
const MAX_PAGES = 50;

/** The hub is older than 5.0: it has no sharing API. */
export class SharingUnsupportedError extends PangeoError {
  constructor(base: string, version: string) {
    super('InvalidInput', `${base} runs JupyterHub ${version}; sharing a server needs JupyterHub 5.0 or later.`,
      'Ask the hub admin to upgrade, or give access with a role in the hub configuration.');
  }
}

/** The hub refused sharing for want of `scope`: says which, and who can grant it. */
export class SharingRefusedError extends PangeoError {
  constructor(readonly scope: string, what: string, serverMessage?: string) {
    super('Forbidden', `The hub refused ${what}: your token lacks the scope ${scope}.`, hintFor(scope), { status: 403, serverMessage });
  }
}

function hintFor(scope: string): string {
  const name = scope.split('!')[0];
  if (name === 'read:users:name' || name === 'read:groups:name') {
    return `Sharing with a ${name === 'read:users:name' ? 'user' : 'group'} by name also needs ${name}: ask the hub admin to add it to your role, or make a share link instead, which needs no names.`;
  }
  return "JupyterHub 5 lets no user share by default: ask the hub admin to add 'shares!user' to the users' role (c.JupyterHub.load_roles), then try again.";
}

export class HubShares {
  constructor(private readonly hub: HubClient) {}

  private get answerer(): Answerer {
    return { who: 'The hub', hint: `Is ${this.hub.base} a JupyterHub 5 or later? Something in front of it may have answered instead.` };
  }

  private json<T>(req: HttpRequest, guard: Guard<T>): Promise<T> {
    return checkedJson(this.hub.http, req, guard, this.answerer);
  }

  private path(kind: 'shares' | 'share-codes', owner: string, serverName: string): string {
    // The default server is the empty name: `/shares/alice/` (the trailing slash is part of the route).
    return `hub/api/${kind}/${seg(owner)}/${seg(serverName)}`;
  }

  /** Throws SharingUnsupportedError on a hub older than 5.0 (it would answer 404 to every call below). */
  async ensureSupported(signal?: AbortSignal): Promise<void> {
    const version = await this.hub.getVersion(signal);
    if (!hubSupportsSharing(version)) throw new SharingUnsupportedError(this.hub.base, version);
  }

  /**
   * Before asking anything: the token's own scopes (`GET /hub/api/user` lists them) must include `shares` for this
   * server, or the hub will refuse every change. A hub that lists no scopes is left to answer for itself.
   */
  async ensureMayShare(owner: string, serverName: string, signal?: AbortSignal): Promise<void> {
    const me = await this.hub.getCurrentUser(signal);
    if (!scopesAllowSharing(me.scopes, owner, serverName)) {
      throw new SharingRefusedError(`shares!server=${owner}/${serverName}`, `to let you share ${serverLabel(owner, serverName)}`);
    }
  }

  /** Who has access to the server (users and groups), oldest first. */
  async list(owner: string, serverName: string, signal?: AbortSignal): Promise<ServerShare[]> {
    const raw = await this.guarded('to list who has access', owner, serverName, () => this.pages(this.path('shares', owner, serverName), isRawShare, signal));
    return raw.map(toServerShare).filter((s): s is ServerShare => s !== undefined);
  }

  /** The server's unexpired share codes (without the codes themselves, which the hub does not keep). */
  async listCodes(owner: string, serverName: string, signal?: AbortSignal): Promise<ShareCodeInfo[]> {
    const raw = await this.guarded('to list share links', owner, serverName, () => this.pages(this.path('share-codes', owner, serverName), isRawShareCode, signal));
    return raw.map(toShareCodeInfo);
  }

  /** Gives a user or group JupyterHub's default share: `access:servers` on this one server. */
  async grant(owner: string, serverName: string, target: ShareTarget, signal?: AbortSignal): Promise<ServerShare> {
    const name = checkTargetName(target);
    const raw = await this.guarded(`to share with ${target.kind} ${name}`, owner, serverName, () => this.json({
      method: 'POST', path: this.path('shares', owner, serverName), json: { [target.kind]: name }, signal,
    }, isRawShare)).catch((e: unknown) => {
      // 400 "No such user: x": the name, not the request, is wrong.
      throw isPangeoError(e) && e.status === 400
        ? new InvalidInputError(`The hub did not share with ${target.kind} ${name}: ${e.serverMessage ?? 'it refused the name'}.`, `Type the ${target.kind}'s name as the hub knows it (its login name, not a display name).`)
        : e;
    });
    const share = toServerShare(raw);
    if (!share) throw new UnexpectedResponseError(this.hub.http.resolve(this.path('shares', owner, serverName)).toString(), 200, 'the share names neither a user nor a group');
    return share;
  }

  /** Takes all of a user's or group's access away (PATCH without scopes revokes every one). */
  async revoke(owner: string, serverName: string, target: ShareTarget, signal?: AbortSignal): Promise<void> {
    const name = checkTargetName(target);
    await this.guarded(`to revoke ${target.kind} ${name}'s access`, owner, serverName, () => this.json({
      method: 'PATCH', path: this.path('shares', owner, serverName), json: { [target.kind]: name }, signal,
    }, isEmptyOrShare));
  }

  /**
   * Makes a share code that grants access to whoever accepts it, until `expiresInSeconds` from now. The code is
   * returned once; if its link cannot be made from the answer, the code is revoked again before the error is thrown.
   */
  async createCode(owner: string, serverName: string, expiresInSeconds: number, signal?: AbortSignal): Promise<NewShareCode> {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < SHARE_CODE_MIN_SECONDS || expiresInSeconds > SHARE_CODE_MAX_SECONDS) {
      throw new InvalidInputError(`A share link must expire between one minute and one year from now, not in ${expiresInSeconds} s.`);
    }
    const raw = await this.guarded('to make a share link', owner, serverName, () => this.json({
      method: 'POST', path: this.path('share-codes', owner, serverName), json: { expires_in: expiresInSeconds }, signal,
    }, isRawShareCode));
    if (raw.code) registerSecret(raw.code);
    try {
      return { ...toShareCodeInfo(raw), code: requireCode(raw), link: this.linkOf(raw, owner, serverName) };
    } catch (e) {
      await this.revokeCode(owner, serverName, raw.id).catch((revokeError: unknown) => {
        this.hub.http.logger.warn(`could not revoke the share code ${raw.id} whose link was unusable: ${revokeError instanceof Error ? revokeError.message : String(revokeError)}`);
      });
      throw e;
    }
  }

  /** Revokes one share code by its id (`sc_<n>`); people who already accepted it keep their share. */
  async revokeCode(owner: string, serverName: string, id: string, signal?: AbortSignal): Promise<void> {
    await this.guarded('to revoke a share link', owner, serverName, () => this.hub.http.request({
      method: 'DELETE', path: this.path('share-codes', owner, serverName), query: { id }, signal,
    }).catch((e: unknown) => {
      // "No code found matching id=…": the link, not the server, is gone.
      if (e instanceof NotFoundError && /no (matching )?code/i.test(e.serverMessage ?? '')) {
        throw new InvalidInputError(`${serverLabel(owner, serverName)} has no share link ${id}: it was revoked, or it expired.`, 'List the server\'s share links to see the live ones.');
      }
      throw e;
    }));
  }

  /** Revokes every share and every share code of the server. */
  async revokeAll(owner: string, serverName: string, signal?: AbortSignal): Promise<void> {
    await this.guarded('to revoke all access', owner, serverName, async () => {
      await this.hub.http.request({ method: 'DELETE', path: this.path('share-codes', owner, serverName), signal });
      await this.hub.http.request({ method: 'DELETE', path: this.path('shares', owner, serverName), signal });
    });
  }

  /** Every item of a paginated list, following `_pagination.next`. */
  private async pages<T>(path: string, item: Guard<T>, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    let offset = 0;
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await this.json({ path, query: offset ? { offset } : undefined, signal }, isRawPage(item));
      out.push(...page.items);
      const next = page._pagination?.next?.offset;
      if (next === undefined || next <= offset) break;
      offset = next;
    }
    return out;
  }

  /** The link to send: the hub's public URL for it when configured, else the accept page on the hub's own origin. */
  private linkOf(raw: RawShareCode, owner: string, serverName: string): string {
    const full = raw.full_accept_url;
    if (full && /^https?:\/\//i.test(full) && URL.canParse(full)) return new URL(full).toString();
    const path = raw.accept_url ?? '';
    const url = path.startsWith('/') && !path.startsWith('//') && URL.canParse(path, this.hub.origin) ? new URL(path, this.hub.origin) : undefined;
    if (!url || url.origin !== this.hub.origin) {
      throw new UnexpectedResponseError(this.hub.http.resolve(this.path('share-codes', owner, serverName)).toString(), 200, 'the new share code came without a usable accept_url');
    }
    return url.toString();
  }

  /** Runs a sharing call; a 403 becomes the scope the hub names, a 404 says what may be missing. */
  private async guarded<T>(what: string, owner: string, serverName: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw explainRefusal(e, what, owner, serverName);
    }
  }
}

function serverLabel(owner: string, serverName: string): string {
  return serverName ? `${owner}'s server "${serverName}"` : `${owner}'s default server`;
}

function checkTargetName(target: ShareTarget): string {
  const name = target.name.trim();
  if (!name) throw new InvalidInputError(`The ${target.kind} name is empty.`, `Type the name of the ${target.kind} as the hub knows it.`);
  return name;
}

function requireCode(raw: RawShareCode): string {
  if (!raw.code) throw new UnexpectedResponseError(`share code ${raw.id}`, 200, 'the hub answered without the new code');
  return raw.code;
}

/** JupyterHub's words for a missing scope: "requires any of [shares]", "Need scope 'read:users:name' …", "… with scope X". */
export function scopeNamedIn(serverMessage: string | undefined): string | undefined {
  const text = serverMessage ?? '';
  return scopesNamedIn(text)?.join(' or ')
    ?? /Need scope '([^']+)'/.exec(text)?.[1]
    ?? /grant share with scope (\S+)/.exec(text)?.[1];
}

/** A refusal of a sharing call as the user should read it; other errors pass unchanged. */
export function explainRefusal(e: unknown, what: string, owner: string, serverName: string): unknown {
  if (!isPangeoError(e)) return e;
  if (e.status === 403) {
    const scope = scopeNamedIn(e.serverMessage);
    // "Missing or invalid credentials": the token itself is gone, which the ForbiddenError already says.
    return scope ? new SharingRefusedError(scope, what, e.serverMessage) : e;
  }
  if (e instanceof NotFoundError) {
    return new PangeoError('NotFound', `The hub did not find ${serverLabel(owner, serverName)} among the servers you may share (${e.serverMessage ?? '404'}).`,
      "Refresh the Hubs view: the server may have been deleted. If it is listed, your sharing scope does not cover it: ask the hub admin for 'shares!user'.",
      { status: 404, url: e.details.url, serverMessage: e.serverMessage });
  }
  return e;
}
