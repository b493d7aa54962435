// The JupyterHub REST shapes we read (checked on arrival), and the normalised server model the rest of the extension uses.
import { arrayOf, bool, either, maybe, num, optional, plainObject, recordOf, shape, str, unknownValue, type Guard } from '../core/http/responseCheck';

/** `GET /hub/api/users/{name}` servers entry (JupyterHub 1.x–5.x). */
export interface RawServer {
  name?: string;
  ready?: boolean;
  pending?: string | null;
  stopped?: boolean;
  url?: string | null;
  progress_url?: string | null;
  user_options?: Record<string, unknown> | null;
  started?: string | null;
  last_activity?: string | null;
  state?: unknown;
}

const isRawServer = shape<RawServer>({
  name: optional(str), ready: optional(bool), pending: maybe(str), stopped: optional(bool), url: maybe(str),
  progress_url: maybe(str), user_options: maybe(plainObject), started: maybe(str), last_activity: maybe(str), state: unknownValue,
});

export interface RawUser {
  name: string;
  admin?: boolean;
  groups?: string[];
  server?: string | null;
  pending?: string | null;
  last_activity?: string | null;
  servers?: Record<string, RawServer>;
  scopes?: string[];
  kind?: string;
}

/** `GET /hub/api/user` and `/hub/api/users/{name}` (JupyterHub 1.x–5.x; a service token's model has no servers). */
export const isRawUser: Guard<RawUser> = shape<RawUser>({
  name: str, admin: optional(bool), groups: optional(arrayOf(str)), server: maybe(str), pending: maybe(str),
  last_activity: maybe(str), servers: optional(recordOf(isRawServer)),
  scopes: optional(arrayOf(str)), kind: optional(str),
});

/** `GET {base}hub/api`: the hub's version (no auth). */
export const isHubVersion = shape<{ version: string }>({ version: str });

/** A token as `POST`/`GET /hub/api/users/{name}/tokens` return it (`token` only when it was just created). */
export interface RawToken {
  id: string | number;
  token?: string;
  expires_at?: string | null;
  scopes?: string[];
  note?: string | null;
}

export const isRawToken = shape<RawToken>({
  id: either(str, num), token: optional(str), expires_at: maybe(str), scopes: optional(arrayOf(str)), note: maybe(str),
});

export const isTokenList = shape<{ api_tokens?: RawToken[] }>({ api_tokens: optional(arrayOf(isRawToken)) });

export type ServerState = 'stopped' | 'starting' | 'ready' | 'stopping';

export interface HubServer {
  /** '' is the default server. */
  name: string;
  state: ServerState;
  /** Absolute URL of the single-user server, with trailing slash (only when it exists). */
  url?: string;
  /** Absolute URL of the progress event stream. */
  progressUrl?: string;
  userOptions: Record<string, unknown>;
  started?: Date;
  lastActivity?: Date;
}

export interface HubUser {
  name: string;
  admin: boolean;
  groups: string[];
  scopes: string[];
  servers: HubServer[];
  /** True when the token belongs to a service, not a person (no servers of its own). */
  isService: boolean;
}

export interface MintedToken {
  id: string;
  token: string;
  expiresAt?: Date;
  scopes?: string[];
  note?: string;
}

function date(v: string | null | undefined): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function toServerState(raw: RawServer): ServerState {
  if (raw.pending === 'stop') return 'stopping';
  if (raw.pending) return 'starting';
  if (raw.ready) return 'ready';
  return raw.stopped ? 'stopped' : 'starting';
}

/** Normalises a server entry; `origin` makes the hub's root-relative URLs absolute. */
export function toHubServer(name: string, raw: RawServer, origin: string): HubServer {
  const state = toServerState(raw);
  return {
    name,
    state,
    url: raw.url ? new URL(raw.url, origin).toString() : undefined,
    progressUrl: raw.progress_url ? new URL(raw.progress_url, origin).toString() : undefined,
    userOptions: raw.user_options ?? {},
    started: date(raw.started),
    lastActivity: date(raw.last_activity),
  };
}

export function toHubUser(raw: RawUser, origin: string): HubUser {
  const servers = Object.entries(raw.servers ?? {}).map(([name, s]) => toHubServer(name, s, origin));
  return {
    name: raw.name,
    admin: raw.admin === true,
    groups: raw.groups ?? [],
    scopes: raw.scopes ?? [],
    servers: servers.sort((a, b) => a.name.localeCompare(b.name)),
    isService: raw.kind === 'service',
  };
}
