// Which hubs can share servers: small and apart from the sharing client, so the Hubs tree can ask at activation while
// the client and its flow load on first use (dist/chunks/shareServer.js).
import { hasScope } from './tokenScopes';

/** The first JupyterHub major version with the shares API (/hub/api/shares). */
export const SHARING_MAJOR = 5;

/** True when a hub of this version shares servers (unknown versions do not: the action stays hidden). */
export function hubSupportsSharing(version: string | undefined): boolean {
  const major = Number.parseInt(version?.split('.')[0] ?? '', 10);
  return Number.isFinite(major) && major >= SHARING_MAJOR;
}

/**
 * False when the hub listed the token's scopes and none lets it manage shares of `owner`'s server `serverName`
 * (JupyterHub 5 grants `shares` to no user by default: the admin adds `shares!user` to a role). Scopes not listed
 * (not read yet, or a hub that does not say) leave it to the hub, whose refusal names the scope.
 */
export function scopesAllowSharing(scopes: readonly string[] | undefined, owner: string, serverName: string): boolean {
  return !scopes?.length || hasScope(scopes, 'shares', owner, serverName);
}
