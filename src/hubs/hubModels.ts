// The JupyterHub REST shapes we read, and the normalised server model the rest of the extension uses.

/** `GET /hub/api/users/{name}` servers entry (JupyterHub 1.x–5.x). */
export interface RawServer {
  name?: string;
  ready?: boolean;
  pending?: string | null;
  stopped?: boolean;
  url?: string;
  progress_url?: string;
  user_options?: Record<string, unknown>;
  started?: string | null;
  last_activity?: string | null;
  state?: unknown;
}

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
