// Hub commands inside a hub server: links use the hub's public address (never the internal one the API uses), and
// stopping the server this editor runs on says that it ends this editor.
import type * as vscode from 'vscode';
import type { InsideHub } from '../insideHub';
import { NO_PUBLIC_URL, withBrowserAddress } from '../insideHub';
import { isThisServer } from '../insideHubServers';
import { InvalidInputError, isPangeoError } from '../../core/http/errors';
import { MissingScopeError, scopesNamedIn } from '../tokenScopes';

/** The detail of the stop question for this server, or undefined for any other. */
export function stopQuestion(inside: InsideHub | undefined, hubId: string, serverName: string): string | undefined {
  if (!isThisServer(inside, hubId, serverName)) return undefined;
  return 'This editor runs on this server: stopping it ends this editor, its terminals and every kernel on it, and unsaved changes are lost. Files in your home directory stay.';
}

/**
 * The address to show for a link to a hub page or server: unchanged outside the inside hub; this server's public
 * address, or the hub's public base for hub pages; throws (saying why) when the environment names no public address.
 */
export function insideLink(inside: InsideHub | undefined, hubId: string, serverName: string | undefined, url: string): string {
  if (!inside || inside.id !== hubId) return url;
  if (serverName !== undefined && isThisServer(inside, hubId, serverName)) {
    if (inside.publicServerUrl) return inside.publicServerUrl;
  } else if (inside.publicBase && serverName === undefined && url.startsWith(inside.id)) {
    // A hub page: the id may be the internal base (a public one only derived from the browser's address).
    return new URL(url.slice(inside.id.length), inside.publicBase).toString();
  } else if (inside.publicBase && url.startsWith(new URL(inside.publicBase).origin)) {
    return url;
  }
  throw new InvalidInputError(NO_PUBLIC_URL);
}

/** The inside hub with public addresses from the browser's address of this editor when the environment has none. */
export async function insideWithBrowserAddress(vs: typeof vscode, inside: InsideHub | undefined): Promise<InsideHub | undefined> {
  if (!inside || inside.publicBase) return inside;
  // code-server maps a loopback address to the one the browser reaches it by (its port proxy, under its own path).
  const external = await Promise.resolve(vs.env.asExternalUri(vs.Uri.parse(inside.localServerUrl))).then((u) => u.toString(true), () => undefined);
  return withBrowserAddress(inside, external);
}

/** A 403 from the inside hub becomes the scope it names (or `fallbackScope`), for `feature`; other errors pass. */
export function explainForbidden(e: unknown, inside: InsideHub | undefined, hubId: string, feature: string, fallbackScope: string): unknown {
  if (!inside || inside.id !== hubId || !isPangeoError(e) || e.status !== 403) return e;
  return new MissingScopeError(scopesNamedIn(e.serverMessage)?.map((s) => (s.includes('!') ? s : `${s}!user=${inside.user}`)).join(' or ') ?? fallbackScope, feature);
}
