// The servers of the hub this process runs inside, read with the server's own token. That token may lack
// `read:servers` (the default 'server' role has none): then this server alone is listed (the environment says it is
// ready, and where it listens) and the missing scope is named; a token that may also stop servers is told apart.
import type { HubClient } from './hubClient';
import type { HubServer } from './hubModels';
import type { InsideHub } from './insideHub';
import { hasScope, MissingScopeError, scopeForUser } from './tokenScopes';

export interface InsideServers {
  servers: HubServer[];
  /** Features the token's scopes do not allow, each naming its scope. */
  missing: MissingScopeError[];
  /** The hub's version (no record was ever stored for it). */
  version: string;
  /** The token's scopes as the hub lists them (`GET hub/api/user`): which actions the Hubs view offers. */
  scopes: string[];
}

/** This server as the environment describes it: ready, at its local address. */
export function thisServer(hub: InsideHub): HubServer {
  return { name: hub.serverName, state: 'ready', url: hub.localServerUrl, userOptions: {} };
}

/** True for this server's entry in a server list of the hub it runs inside. */
export function isThisServer(hub: InsideHub | undefined, hubId: string, serverName: string): boolean {
  return !!hub && hub.id === hubId && hub.serverName === serverName;
}

/**
 * The user's servers: this one at its local address, the others at their public address (unknown without a public
 * URL: then they are listed without one, so nothing tries the hub's internal port for them).
 */
export async function readInsideServers(client: HubClient, hub: InsideHub, signal?: AbortSignal): Promise<InsideServers> {
  const [me, version] = await Promise.all([client.getCurrentUser(signal), client.getVersion(signal)]);
  const missing: MissingScopeError[] = [];
  if (!hasScope(me.scopes, 'delete:servers', hub.user, hub.serverName)) {
    missing.push(new MissingScopeError(scopeForUser('delete:servers', hub.user), 'stopping a server from here'));
  }
  if (!hasScope(me.scopes, 'read:servers', hub.user, hub.serverName)) {
    missing.unshift(new MissingScopeError(scopeForUser('read:servers', hub.user), 'listing your servers (only this one is shown)'));
    return { servers: [thisServer(hub)], missing, version, scopes: me.scopes };
  }
  const listed = await client.listServers(hub.user, signal);
  const servers = listed.map((s): HubServer => {
    if (s.name === hub.serverName) return { ...s, state: 'ready', url: hub.localServerUrl };
    const path = s.url ? new URL(s.url).pathname : undefined;
    return { ...s, url: path && hub.publicBase ? new URL(path, hub.publicBase).toString() : undefined };
  });
  if (!servers.some((s) => s.name === hub.serverName)) servers.push(thisServer(hub));
  return { servers: servers.sort((a, b) => a.name.localeCompare(b.name)), missing, version, scopes: me.scopes };
}
