// The `pangeo-hub:` URI scheme for files on a hub server, and its reversible encoding (no vscode import: the editor
// builds Uris from these parts). Layout:
//
//   pangeo-hub://<host[:port]>/<hub>/<user>/<server>/<path on the server>
//
// - <hub> is the hub's base_url prefix without its outer slashes ("jhub", "a%2Fb" for /a/b/), or "@" for a hub at
//   the root; "http:" in front marks a hub served over plain http (https is the default).
// - <server> is the named server's name, or "@" for the default server.
// - In <hub>, <user> and <server>, '%', '/', ':' and a leading '@' are percent-encoded *inside* the decoded Uri path;
//   everything else (spaces, '@' inside names, unicode, ',', '(', ')') stays as is. Uri.toString() escapes again on
//   top, so the round trip through a string is lossless too.
// - The rest is the server path as is (a server path has no empty, '.' or '..' segments).

import { hubLabel } from '../hubs/hubUrl';

export const HUB_FILE_SCHEME = 'pangeo-hub';

export interface ServerFileLocation {
  /** The hub's base URL, e.g. "https://hub.example.org/jhub/" (the hub id everywhere in the extension). */
  hubId: string;
  user: string;
  /** '' for the default server. */
  serverName: string;
  /** Server path relative to its root, no leading slash; '' is the root. */
  path: string;
}

/** What a vscode.Uri is made of here (scheme is always HUB_FILE_SCHEME). */
export interface HubUriParts {
  authority: string;
  /** The decoded Uri path, starting with '/'. */
  path: string;
}

const ROOT = '@';

function escapeSegment(value: string, extra: RegExp = /[%/]/g): string {
  const escaped = value.replace(extra, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return escaped.startsWith('@') ? `%40${escaped.slice(1)}` : escaped;
}

function unescapeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new HubUriError(`"${value}" is not a valid segment of a ${HUB_FILE_SCHEME}: URI`);
  }
}

export class HubUriError extends Error {}

export function toHubUriParts(loc: ServerFileLocation): HubUriParts {
  const base = new URL(loc.hubId);
  if (!loc.user) throw new HubUriError('A server file location needs a user name.');
  const prefix = base.pathname.replace(/^\/+|\/+$/g, '');
  const hub = `${base.protocol === 'http:' ? 'http:' : ''}${prefix ? escapeSegment(prefix, /[%/:]/g) : ROOT}`;
  const server = loc.serverName ? escapeSegment(loc.serverName) : ROOT;
  const path = loc.path.split('/').filter((p) => p !== '').join('/');
  return { authority: base.host, path: `/${hub}/${escapeSegment(loc.user)}/${server}${path ? `/${path}` : ''}` };
}

export function fromHubUriParts(parts: HubUriParts): ServerFileLocation {
  const segments = parts.path.split('/');
  // '' before the leading slash, then hub, user, server, and the server path.
  const [, hubSeg, userSeg, serverSeg, ...rest] = segments;
  if (!parts.authority || !hubSeg || !userSeg || !serverSeg) {
    throw new HubUriError(`${HUB_FILE_SCHEME}://${parts.authority}${parts.path} does not name a hub, user and server.`);
  }
  const http = hubSeg.startsWith('http:');
  const hubBody = http ? hubSeg.slice('http:'.length) : hubSeg;
  const prefix = hubBody === ROOT ? '' : unescapeSegment(hubBody);
  const hubId = `${http ? 'http' : 'https'}://${parts.authority}/${prefix ? `${prefix}/` : ''}`;
  return {
    hubId,
    user: unescapeSegment(userSeg),
    serverName: serverSeg === ROOT ? '' : unescapeSegment(serverSeg),
    path: rest.filter((p) => p !== '').join('/'),
  };
}

/** Same hub, user and server (the path may differ). */
export function sameServer(a: Pick<ServerFileLocation, 'hubId' | 'user' | 'serverName'>, b: Pick<ServerFileLocation, 'hubId' | 'user' | 'serverName'>): boolean {
  return a.hubId === b.hubId && a.user === b.user && a.serverName === b.serverName;
}

/** "alice@hub.example.org/jhub" or "alice@hub.example.org (gpu)": the workspace folder's name. */
export function serverFolderName(loc: Pick<ServerFileLocation, 'hubId' | 'user' | 'serverName'>): string {
  const u = new URL(loc.hubId);
  return `${loc.user}@${u.host}${u.pathname.replace(/\/$/, '')}${loc.serverName ? ` (${loc.serverName})` : ''}`;
}

/**
 * "alice's server on hub.example.org/jhub" or "alice's server gpu on hub.example.org": how messages name a server
 * (never the raw pangeo-hub: address, whose "http:@" and "@" segments mean nothing to a user).
 */
export function serverDisplayName(loc: Pick<ServerFileLocation, 'hubId' | 'user' | 'serverName'>): string {
  return `${loc.user}'s server${loc.serverName ? ` ${loc.serverName}` : ''} on ${hubLabel(loc.hubId)}`;
}

/** "course/week1 on alice's server on hub.example.org", or "the home folder of alice's server on …" for the root. */
export function serverPlaceName(loc: ServerFileLocation): string {
  return loc.path ? `${loc.path} on ${serverDisplayName(loc)}` : `the home folder of ${serverDisplayName(loc)}`;
}

/** The server file a Uri names, or undefined when it is not a well-formed `pangeo-hub:` Uri (any Uri-like object). */
export function locateHubUri(uri: { scheme: string; authority: string; path: string }): ServerFileLocation | undefined {
  if (uri.scheme !== HUB_FILE_SCHEME) return undefined;
  try {
    return fromHubUriParts(uri);
  } catch {
    return undefined;
  }
}

/** The notebook's path on `server` when the Uri is a file of that very server, else undefined (for kernel sessions). */
export function pathOnServer(uri: { scheme: string; authority: string; path: string },
  server: { hubId: string; user: string; server: { name: string } }): string | undefined {
  const loc = locateHubUri(uri);
  return loc && sameServer(loc, { hubId: server.hubId, user: server.user, serverName: server.server.name }) ? loc.path : undefined;
}
