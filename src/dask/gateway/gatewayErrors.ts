// A Dask Gateway's failures in words that name their cause (dask_gateway_server/auth.py and routes.py, 2026.3.0):
// a refused password, a hub token that is expired or that lacks the gateway's access scope, a gateway service that is
// down behind its hub, a gateway that does not answer in time.
import { InvalidInputError, isPangeoError, PangeoError, UnauthorizedError } from '../../core/http/errors';
import type { GatewayAuth } from './gatewayAuth';

/** What the hub says of the token we gave the gateway: refused, accepted with these scopes, or not known. */
export type HubVerdict = { accepted: false } | { accepted: true; scopes?: string[] } | undefined;

/** Where the gateway is and how we signed in to it, for the words of an error. */
export interface GatewayErrorContext {
  url: string;
  auth: GatewayAuth;
  /** The gateway's name as a hub service (…/services/<name>/); the hub's proxy answers for it when it is down. */
  serviceName?: string;
  /** The hub's verdict on our token, asked only for jupyterhub auth after the gateway refused it. */
  hubVerdict(): Promise<HubVerdict>;
  /** Where the address was configured (DASK_GATEWAY__ADDRESS, a Dask config file): a wrong one is fixed there. */
  addressSource?: string;
}

/** 502/503/504 from the hub's proxy or a load balancer in front of the gateway: the gateway service is not running. */
const DOWN_STATUSES = new Set([502, 503, 504]);

/** The scopes with which auth.py lets a hub token in when the gateway is a hub service (use_service_access_scopes). */
export function accessScopes(serviceName: string): string[] {
  return ['access:services', `access:services!service=${serviceName}`];
}

/** The gateway's error in words a user can act on (anything not recognised is returned as it came). */
export async function explainGatewayError(e: unknown, ctx: GatewayErrorContext): Promise<unknown> {
  if (!isPangeoError(e)) return e;
  const msg = e.serverMessage;
  if (e.kind === 'Unreachable') {
    const from = ctx.addressSource ? ` (set by ${ctx.addressSource})` : '';
    return new PangeoError('Unreachable', `Cannot reach the Dask Gateway at ${ctx.url}${from}${codeOf(e)}: the gateway service is down or the address is wrong.`,
      `Check the address${ctx.addressSource ? ` in ${ctx.addressSource}` : ''}; if it is right, the gateway is not running: tell its admin.`, e.details);
  }
  if (e.status === 422) {
    return new InvalidInputError(`The Dask Gateway refused the request: ${msg ?? 'invalid options'}.`, 'Check the cluster options (pangeo-compute dask options).');
  }
  if (e.status === 502 && msg && /upstream failure verifying user's JupyterHub API token/i.test(msg)) {
    // auth.py: the hub answered 5xx to the gateway's token check.
    return new PangeoError('Unreachable', `The Dask Gateway at ${ctx.url} cannot reach its JupyterHub to check your token (${msg}).`,
      'The hub is down or overloaded: retry later, or tell the hub\'s admin.', e.details);
  }
  if (e.status !== undefined && DOWN_STATUSES.has(e.status)) {
    const behind = ctx.serviceName ? `the hub answered ${e.status} for its ${ctx.serviceName} service` : `${ctx.url}${ctx.addressSource ? ` (set by ${ctx.addressSource})` : ''} answered ${e.status}`;
    return new PangeoError('Unreachable', `The Dask Gateway service is down: ${behind}.`,
      'Retry later; if it stays down, tell the hub\'s admin that the Dask Gateway service is not running.', e.details);
  }
  if (e.status === 500 && msg && /permission failure verifying user's JupyterHub API token/i.test(msg)) {
    return explainPermissionFailure(e, ctx);
  }
  if (e.status === 500 && msg && /verifying user's JupyterHub API token/i.test(msg)) {
    return new UnauthorizedError(e.details.url ?? 'the Dask Gateway', `${msg} (the hub did not accept the token)`, 500);
  }
  if (e.kind === 'Unauthorized' && e.status === 401) return explainRefusal(e, ctx);
  if (e.status === 409) {
    return new PangeoError('Conflict', `The Dask Gateway says: ${msg ?? 'conflict'}.`, 'The cluster may have stopped or failed: refresh the list.', e.details);
  }
  return e;
}

/**
 * A 401 "Authentication required": auth.py answers it to a wrong password (SimpleAuthenticator), to a token the hub does
 * not know (hub 404), and to a valid hub token without the service's access scope. We name which one it is.
 */
async function explainRefusal(e: PangeoError, ctx: GatewayErrorContext): Promise<PangeoError> {
  const auth = ctx.auth;
  if (auth.type === 'basic') {
    return new PangeoError('Unauthorized', `The Dask Gateway at ${ctx.url} did not accept the username "${auth.username}" or its password.`,
      'Check the username and password for this gateway.', e.details);
  }
  if (auth.type === 'none') {
    return new PangeoError('Unauthorized', `The Dask Gateway at ${ctx.url} requires authentication.`,
      'Give it a JupyterHub API token, or a username and password.', e.details);
  }
  const verdict = await ctx.hubVerdict();
  if (verdict?.accepted === false) return expiredToken(e);
  const scopes = accessScopes(ctx.serviceName ?? 'dask-gateway');
  if (verdict?.accepted && verdict.scopes && !verdict.scopes.some((s) => scopes.includes(s))) {
    return new PangeoError('Forbidden',
      `Your JupyterHub token is valid, but it lacks the scope the Dask Gateway requires (${scopes.join(' or ')}).`,
      `Signing in again will not help: ask the hub's admin to give your users access to the ${ctx.serviceName ?? 'dask-gateway'} service (a role with ${scopes[1]}).`,
      e.details);
  }
  if (verdict?.accepted) {
    return new PangeoError('Unauthorized', `The Dask Gateway at ${ctx.url} refused your JupyterHub token, although the hub accepts it.`,
      'The gateway may belong to another hub, or its set-up is wrong: tell the hub\'s admin.', e.details);
  }
  return new PangeoError('Unauthorized', `The Dask Gateway at ${ctx.url} refused your JupyterHub token.`,
    `Either it expired or was revoked (sign in again), or it lacks the scope ${scopes.join(' or ')} (ask the hub's admin).`, e.details);
}

/**
 * A 500 "Permission failure verifying user's JupyterHub API token": the hub answered 403 to the gateway's check. Either
 * the user's token is bad (JupyterHub ≥ 2 answers 403 to an unknown token) or the gateway's hub service may not read
 * users. We ask the hub ourselves which one it is.
 */
async function explainPermissionFailure(e: PangeoError, ctx: GatewayErrorContext): Promise<PangeoError> {
  const verdict = await ctx.hubVerdict();
  if (verdict?.accepted === false) return expiredToken(e);
  const why = `The Dask Gateway cannot verify tokens with its JupyterHub (${e.serverMessage}).`;
  if (verdict?.accepted) {
    return new PangeoError('UnexpectedResponse', why,
      'Your sign-in is fine (the hub accepts your token): the gateway\'s own set-up is wrong. Contact the hub\'s administrator.', e.details);
  }
  return new PangeoError('UnexpectedResponse', why,
    'Either your token is no longer valid (sign in again), or the gateway cannot check tokens with its hub (contact the hub\'s administrator).', e.details);
}

function expiredToken(e: PangeoError): PangeoError {
  return new PangeoError('Unauthorized', 'The hub no longer accepts the JupyterHub API token given to the Dask Gateway.',
    'It expired or was revoked: sign in again.', e.details);
}

function codeOf(e: PangeoError): string {
  const m = /\(([A-Z_]+)\)/.exec(e.message);
  return m ? ` (${m[1]})` : '';
}
