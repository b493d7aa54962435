// Which JupyterHub scopes a token holds, and the error that names a missing one. A single-user server's own token
// holds only the 'server' role's scopes unless the admin widened them: 3.x `users:activity!user`,
// `access:servers!user`; 5.x `access:servers!server=<user>/<name>`; plus the implicit read:users:name/groups/activity
// of its owner (`GET hub/api/user` lists them, expanded). Without `read:servers` the hub answers the user model
// WITHOUT its `servers` key (200, not 403), so the need is checked here, not inferred from an error.
import { PangeoError } from '../core/http/errors';

export type NeededScope = 'read:servers' | 'delete:servers' | 'servers' | 'shares' | 'read:shares';

/** Scopes that include another (JupyterHub's scope hierarchy, the part we need). */
const IMPLIED_BY: Record<NeededScope, string[]> = {
  'read:servers': ['read:servers', 'servers', 'admin:servers'],
  'delete:servers': ['delete:servers', 'servers', 'admin:servers'],
  servers: ['servers', 'admin:servers'],
  // JupyterHub 5: no other scope implies it (the admin role lists it by name).
  shares: ['shares'],
  'read:shares': ['read:shares', 'shares'],
};

/** True when `scopes` grant `needed` on `user`'s server `serverName` (unfiltered, or filtered to that user or server). */
export function hasScope(scopes: readonly string[], needed: NeededScope, user: string, serverName = ''): boolean {
  return scopes.some((s) => {
    const [name, filter] = s.split('!', 2) as [string, string | undefined];
    if (!IMPLIED_BY[needed].includes(name)) return false;
    if (!filter) return true;
    if (filter === `user=${user}`) return true;
    if (filter === `server=${user}/${serverName}`) return true;
    // A group filter may cover the user: the hub decides; we do not guess no.
    return filter.startsWith('group=');
  });
}

/** The scope as the user's hub admin would grant it, e.g. `read:servers!user=alice`. */
export function scopeForUser(needed: NeededScope, user: string): string {
  return `${needed}!user=${user}`;
}

/** A token works but lacks a scope a feature needs: says which, for what, and who can grant it. */
export class MissingScopeError extends PangeoError {
  constructor(readonly scope: string, readonly feature: string, whose = "This server's token") {
    super('Forbidden', `${whose} lacks the scope ${scope}, which ${feature} needs.`,
      'Ask your hub admin to grant it (JupyterHub 4+: c.Spawner.server_token_scopes; or add it to the "server" role), or sign in to the hub with a token of your own.',
      { status: 403 });
  }
}

/** Reads "requires any of [delete:servers]" from a JupyterHub 403 message; undefined when it names none. */
export function scopesNamedIn(serverMessage: string | undefined): string[] | undefined {
  const m = /requires any of \[([^\]]*)\]/.exec(serverMessage ?? '');
  const names = m?.[1]?.split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean);
  return names?.length ? names : undefined;
}
