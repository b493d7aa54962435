// OAuth 2 authorization code + PKCE against JupyterHub's own provider (/hub/api/oauth2/authorize and /token),
// for hubs whose admin registered a client for this extension.
import { createHash, randomBytes } from 'node:crypto';
import type { HttpClient } from '../core/http/httpClient';
import { UnauthorizedError, UnexpectedResponseError } from '../core/http/errors';
import { registerSecret } from '../core/http/redact';
import { checkedBody, num, optional, shape, str } from '../core/http/responseCheck';

/** The token endpoint's answer (RFC 6749 §5.1) or its error (§5.2). */
interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

const isTokenAnswer = shape<TokenAnswer>({
  access_token: optional(str), expires_in: optional(num), scope: optional(str), error: optional(str), error_description: optional(str),
});

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function newState(): string {
  return randomBytes(16).toString('base64url');
}

export function authorizeUrl(base: string, p: { clientId: string; redirectUri: string; state: string; challenge: string }): string {
  const url = new URL('hub/api/oauth2/authorize', base);
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge', p.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Reads code and state from the redirect back to us; a mismatched state is refused (CSRF). */
export function parseCallback(query: string, expectedState: string): string {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const error = params.get('error');
  if (error) throw new UnauthorizedError('OAuth sign-in', `${error}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`);
  if (params.get('state') !== expectedState) throw new UnauthorizedError('OAuth sign-in', 'the sign-in answer does not match the request (state mismatch): start again');
  const code = params.get('code');
  if (!code) throw new UnauthorizedError('OAuth sign-in', 'the hub sent no authorization code');
  registerSecret(code);
  return code;
}

export interface OAuthToken {
  accessToken: string;
  expiresAt?: Date;
  scopes?: string[];
}

export async function exchangeCode(http: HttpClient, p: { clientId: string; clientSecret?: string; code: string; redirectUri: string; verifier: string }, signal?: AbortSignal): Promise<OAuthToken> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code', client_id: p.clientId, code: p.code, redirect_uri: p.redirectUri, code_verifier: p.verifier,
  });
  if (p.clientSecret) body.set('client_secret', p.clientSecret);
  const res = await http.request({
    method: 'POST', path: 'hub/api/oauth2/token', anonymous: true, body, signal, acceptStatuses: [400],
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  });
  const raw = await checkedBody(res, isTokenAnswer, {
    who: 'The hub', hint: 'Check the hub address and its OAuth client registration (pangeo.hubs.oauthClients), or sign in with an API token.',
  }, http.resolve('hub/api/oauth2/token').toString());
  if (res.status === 400 || !raw.access_token) {
    if (raw.error === 'invalid_client' || raw.error === 'invalid_grant') {
      throw new UnauthorizedError(http.resolve('hub/api/oauth2/token').toString(), raw.error_description ?? raw.error);
    }
    throw new UnexpectedResponseError(http.resolve('hub/api/oauth2/token').toString(), res.status, raw.error_description ?? raw.error ?? 'no access token');
  }
  registerSecret(raw.access_token);
  return {
    accessToken: raw.access_token,
    expiresAt: raw.expires_in ? new Date(Date.now() + raw.expires_in * 1000) : undefined,
    scopes: raw.scope?.split(/\s+/).filter(Boolean),
  };
}
