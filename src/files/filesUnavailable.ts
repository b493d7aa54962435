// Why the files of a hub server cannot be read or saved right now, told truly and by name: signed out of the hub, the
// hub (or its proxy) not answering, or the server stopped. Each cause has its own sentence and its own way out.
import { isAuthError, isPangeoError } from '../core/http/errors';
import { hubLabel } from '../hubs/hubUrl';
import { ServerNotRunningError } from './contentsErrors';
import { serverDisplayName, type ServerFileLocation } from './hubFileUri';

export type FilesUnavailableCause = 'signedOut' | 'unreachable' | 'stopped';

/** Statuses a hub's proxy answers with while the hub behind it is down or restarting. */
const PROXY_DOWN_STATUSES = new Set([502, 503, 504]);

/** The cause an operation's error shows, or undefined for errors about the file itself (not found, conflict, …). */
export function causeOfError(e: unknown): FilesUnavailableCause | undefined {
  // First: a stopped server also says "Unreachable".
  if (e instanceof ServerNotRunningError) return 'stopped';
  // A 401 is a token that is no more; a 403 from the server may be a folder the user may not write: a file error.
  if (isPangeoError(e, 'Unauthorized')) return 'signedOut';
  if (isPangeoError(e, 'Unreachable') || isPangeoError(e, 'Timeout') || isPangeoError(e, 'Tls')) return 'unreachable';
  if (isPangeoError(e) && e.status !== undefined && PROXY_DOWN_STATUSES.has(e.status)) return 'unreachable';
  return undefined;
}

/**
 * Why a server the registry does not list as ready has no files: signed out (no network needed to know), the hub's
 * last refresh failing for an unreachable hub or a refused token, or else the server is really not running.
 */
export function causeOfMissingServer(signedIn: boolean, lastRefreshError: unknown): FilesUnavailableCause {
  // The hub's own API refuses a revoked or expired token with 403 as well as 401.
  if (!signedIn || isAuthError(lastRefreshError)) return 'signedOut';
  return causeOfError(lastRefreshError) ?? 'stopped';
}

/** The sentence for a notice and for the error the editor shows ("Failed to save …: <this>"). */
export function filesUnavailableMessage(loc: Pick<ServerFileLocation, 'hubId' | 'user' | 'serverName'>, cause: FilesUnavailableCause): string {
  const server = serverDisplayName(loc);
  switch (cause) {
    case 'signedOut':
      return `Sign in to ${hubLabel(loc.hubId)} to save or open files of ${server}. Unsaved changes are kept.`;
    case 'unreachable':
      return `Cannot reach ${hubLabel(loc.hubId)}: files of ${server} cannot be saved or opened until it answers. Unsaved changes are kept; save again once it is back.`;
    case 'stopped':
      return `Files of ${server} are unavailable: the server is not running. Unsaved changes are kept; save again once it is back.`;
  }
}
