// The CLI inside a hub's single-user server: commands that take --url use the hub of the server's environment when
// none is given, with the server's own token (never read from argv, never stored), and this server at its local
// address. Scopes the token lacks are named on stderr (features that need them), not a bare 403.
import type { CommandContext } from './command';
import { HubClient } from '../hubs/hubClient';
import { insideHubFromEnv, type InsideHub } from '../hubs/insideHub';
import { readInsideServers } from '../hubs/insideHubServers';
import type { HubServer } from '../hubs/hubModels';
import { registerSecret } from '../core/http/redact';
import { isPangeoError } from '../core/http/errors';
import { MissingScopeError, scopesNamedIn } from '../hubs/tokenScopes';

/** The hub this command runs inside, when it was given no --url. */
export function insideHubFor(ctx: CommandContext): InsideHub | undefined {
  if (typeof ctx.values.url === 'string' && ctx.values.url) return undefined;
  const inside = insideHubFromEnv(ctx.io.env);
  registerSecret(inside?.token);
  return inside;
}

/** A client of the inside hub's API (its internal address) with the server's token. */
export function insideHubClient(ctx: CommandContext, inside: InsideHub, timeoutMs?: number): HubClient {
  return new HubClient(inside.apiBase, { token: () => inside.token, logger: ctx.logger, timeoutMs });
}

/** The user's servers as the token may see them; each missing scope goes to stderr as a note. */
export async function insideServers(ctx: CommandContext, client: HubClient, inside: InsideHub): Promise<HubServer[]> {
  const { servers, missing } = await readInsideServers(client, inside, ctx.signal);
  for (const m of missing) ctx.note(`note: ${m.userMessage}`);
  return servers;
}

/** A 403 of the inside hub names the scope the hub says it needs (or `fallback`), for `feature`; other errors pass. */
export function scopeError(e: unknown, inside: InsideHub | undefined, feature: string, fallback: string): unknown {
  if (!inside || !isPangeoError(e) || e.status !== 403) return e;
  const named = scopesNamedIn(e.serverMessage)?.map((s) => (s.includes('!') ? s : `${s}!user=${inside.user}`)).join(' or ');
  return new MissingScopeError(named ?? fallback, feature);
}

/** For display: this server at its public address (or none: its local one is of no use in a browser), marked. */
export function shownServers(ctx: CommandContext, servers: HubServer[]): Array<HubServer & { thisServer?: true }> {
  const inside = insideHubFor(ctx);
  return servers.map((s) => (inside && s.name === inside.serverName ? { ...s, url: inside.publicServerUrl, thisServer: true as const } : s));
}
