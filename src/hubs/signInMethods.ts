// The ways to sign in to a JupyterHub behind one interface: each turns what the user gives (a pasted token, a username
// and password, an approval in the browser) into a HubCredential that HubSessions stores. Pure: the editor and the CLI
// ask for the input and show the progress.
import { InvalidInputError } from '../core/http/errors';
import { forgetSecret, registerSecret } from '../core/http/redact';
import type { Logger } from '../core/log';
import type { HubClient } from './hubClient';
import { loginForPages } from './hubPageLogin';
import { authorizeUrl, createPkce, exchangeCode, newState, parseCallback, type OAuthToken } from './oauth';

export type SignInMethodId = 'token' | 'password' | 'oauth';

/** What a sign-in yields: the token to use from now on, whose it is, and what we must know to renew or revoke it. */
export interface HubCredential {
  token: string;
  user: string;
  method: SignInMethodId;
  /** Id of a token we minted (revoked on sign-out); absent for tokens the user brought. */
  mintedTokenId?: string;
  expiresAt?: Date;
  /** The lifetime asked for, so a renewal asks for the same. */
  lifetimeSeconds?: number;
  /** The hub's page login (cookie header value), which opens the options form; only a password gives one. */
  pageCookie?: string;
}

/** The hub being signed in to. */
export interface SignInTarget {
  base: string;
  /** A client for the hub with the given token, or anonymous. */
  client(token?: string): HubClient;
  logger?: Logger;
}

export interface SignInMethod<Input> {
  readonly id: SignInMethodId;
  /** How the sign-in choice names the method. */
  readonly label: string;
  signIn(hub: SignInTarget, input: Input, signal?: AbortSignal): Promise<HubCredential>;
}

/** The token's user, refusing a service's token (it has no servers). */
async function personOf(client: HubClient, signal?: AbortSignal): Promise<string> {
  const user = await client.getCurrentUser(signal);
  if (user.isService) throw new InvalidInputError('This token belongs to a service, not a user.', 'Create a token on the hub\'s Token page while signed in as yourself.');
  return user.name;
}

/** A pasted API token (from the hub's Token page or a /user/…?token= link), checked against the hub before it is used. */
export const tokenSignIn: SignInMethod<{ token: string }> = {
  id: 'token',
  label: 'Paste an API token',
  async signIn(hub, input, signal) {
    const token = input.token.trim();
    registerSecret(token);
    return { token, user: await personOf(hub.client(token), signal), method: 'token' };
  },
};

export interface PasswordInput {
  username: string;
  password: string;
  /** How long the minted token lives (undefined: as long as the hub allows). */
  lifetimeSeconds?: number;
  /** The token's note on the hub's Token page. */
  note?: string;
  /** Also log in to the hub's pages (for the options form); default true. */
  pageLogin?: boolean;
  /**
   * Told when the token works but the page login failed (e.g. an XSRF refusal); the sign-in then goes on without it.
   * Without this, the sign-in fails and the minted token is revoked.
   */
  onPageLoginFailed?(e: unknown): void;
}

/** Username and password: mints a token with an expiry; the password is used for these requests and then dropped. */
export const passwordSignIn: SignInMethod<PasswordInput> = {
  id: 'password',
  label: 'Username and password',
  async signIn(hub, input, signal) {
    const anonymous = hub.client();
    try {
      const minted = await anonymous.createTokenWithPassword(input.username, input.password, { note: input.note ?? 'Pangeo Compute for VS Code', expiresInSeconds: input.lifetimeSeconds }, signal);
      const user = (await hub.client(minted.token).getCurrentUser(signal)).name;
      let pageCookie: string | undefined;
      if (input.pageLogin ?? true) {
        try {
          pageCookie = await loginForPages(anonymous.http, input.username, input.password, signal);
        } catch (e) {
          if (!input.onPageLoginFailed) {
            await hub.client(minted.token).revokeToken(user, minted.id).catch(() => undefined);
            throw e;
          }
          hub.logger?.warn(`page login failed (options form unavailable): ${e instanceof Error ? e.message : String(e)}`);
          input.onPageLoginFailed(e);
        }
      }
      return {
        token: minted.token, user, method: 'password', mintedTokenId: minted.id, expiresAt: minted.expiresAt, lifetimeSeconds: input.lifetimeSeconds, pageCookie,
      };
    } finally {
      forgetSecret(input.password); // masked while it was in use; nothing keeps it after this
    }
  },
};

/** The credential of an access token the hub's OAuth provider issued. */
export async function oauthCredential(hub: SignInTarget, token: OAuthToken, signal?: AbortSignal): Promise<HubCredential> {
  const user = (await hub.client(token.accessToken).getCurrentUser(signal)).name;
  return { token: token.accessToken, user, method: 'oauth', expiresAt: token.expiresAt };
}

export interface BrowserInput {
  /** The OAuth client the hub admin registered for this extension. */
  clientId: string;
  /** Its secret, for a confidential client; empty or absent for a public one. */
  clientSecret?: string;
  /** Where the hub sends the browser back with the code (the editor's URI handler). */
  redirectUri: string;
  /** Starts waiting for the redirect carrying `state`; resolves with its query string. */
  awaitRedirect(state: string, signal?: AbortSignal): Promise<string>;
  /** Opens the hub's authorize page in the browser. */
  openBrowser(url: string): Promise<void>;
}

/** Browser OAuth (authorization code + PKCE) against the hub's own provider. */
export const browserSignIn: SignInMethod<BrowserInput> = {
  id: 'oauth',
  label: 'Sign in with the browser',
  async signIn(hub, input, signal) {
    const pkce = createPkce();
    const state = newState();
    // Waiting starts before the browser opens, so a quick approval is not missed.
    const redirect = input.awaitRedirect(state, signal);
    redirect.catch(() => undefined);
    await input.openBrowser(authorizeUrl(hub.base, { clientId: input.clientId, redirectUri: input.redirectUri, state, challenge: pkce.challenge }));
    const code = parseCallback(await redirect, state);
    const token = await exchangeCode(hub.client().http, {
      clientId: input.clientId, clientSecret: input.clientSecret || undefined, code, redirectUri: input.redirectUri, verifier: pkce.verifier,
    }, signal);
    return oauthCredential(hub, token, signal);
  },
};
