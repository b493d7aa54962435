// JupyterHub 5's shares and share codes as its REST API returns them (docs: "Sharing access to user servers",
// docs/source/reference/sharing.md, and the Share/ShareCode schemas of docs/source/_static/rest-api.yml), checked on
// arrival, and the plain models the rest of the extension uses.
import { arrayOf, maybe, num, optional, shape, str, type Guard } from '../core/http/responseCheck';

interface RawNamed {
  name: string;
}

const isNamed = shape<RawNamed>({ name: str });

/** `GET/POST /hub/api/shares/{owner}/{server}`: one user's or group's access (exactly one of the two is set). */
export interface RawShare {
  scopes: string[];
  user?: RawNamed | null;
  group?: RawNamed | null;
  created_at?: string | null;
}

export const isRawShare: Guard<RawShare> = shape<RawShare>({
  scopes: arrayOf(str), user: maybe(isNamed), group: maybe(isNamed), created_at: maybe(str),
});

/** `GET/POST /hub/api/share-codes/{owner}/{server}`; `code` and the accept URLs only in the answer that created it. */
export interface RawShareCode {
  id: string;
  scopes: string[];
  created_at?: string | null;
  expires_at?: string | null;
  exchange_count?: number;
  last_exchanged_at?: string | null;
  code?: string;
  accept_url?: string;
  full_accept_url?: string | null;
}

export const isRawShareCode: Guard<RawShareCode> = shape<RawShareCode>({
  id: str, scopes: arrayOf(str), created_at: maybe(str), expires_at: maybe(str), exchange_count: optional(num),
  last_exchanged_at: maybe(str), code: optional(str), accept_url: optional(str), full_accept_url: maybe(str),
});

/** A paginated list: JupyterHub answers the share lists in this form whatever the Accept header. */
export interface RawPage<T> {
  items: T[];
  _pagination?: { next?: { offset: number } | null } | null;
}

const isNext = shape<{ offset: number }>({ offset: num });
const isPagination = shape<{ next?: { offset: number } | null }>({ next: maybe(isNext) });

export function isRawPage<T>(item: Guard<T>): Guard<RawPage<T>> {
  return shape<RawPage<T>>({ items: arrayOf(item), _pagination: maybe(isPagination) });
}

/** An empty object: what PATCH answers when no permission is left. */
export const isEmptyOrShare: Guard<RawShare | Record<string, never>> = ((v: unknown) =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) || isRawShare(v)) as Guard<RawShare | Record<string, never>>;

export type ShareTargetKind = 'user' | 'group';

/** Whom a server is shared with. */
export interface ShareTarget {
  kind: ShareTargetKind;
  name: string;
}

export interface ServerShare {
  target: ShareTarget;
  scopes: string[];
  createdAt?: Date;
}

export interface ShareCodeInfo {
  /** `sc_<n>`: what revokes it (the code itself is never stored by the hub). */
  id: string;
  scopes: string[];
  createdAt?: Date;
  expiresAt?: Date;
  /** How many people have accepted it. */
  exchangeCount: number;
  lastExchangedAt?: Date;
}

/** A share code just made: the code and the link to send, known only now. */
export interface NewShareCode extends ShareCodeInfo {
  code: string;
  /** Absolute http(s) URL of the hub's accept-share page for this code. */
  link: string;
}

function date(v: string | null | undefined): Date | undefined {
  if (!v) return undefined;
  // The hub writes ISO 8601 in UTC, with or without the "Z".
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Undefined for a share naming neither a user nor a group (not what the API documents: it is left out). */
export function toServerShare(raw: RawShare): ServerShare | undefined {
  const target: ShareTarget | undefined = raw.user ? { kind: 'user', name: raw.user.name } : raw.group ? { kind: 'group', name: raw.group.name } : undefined;
  return target && { target, scopes: raw.scopes, createdAt: date(raw.created_at) };
}

export function toShareCodeInfo(raw: RawShareCode): ShareCodeInfo {
  return {
    id: raw.id, scopes: raw.scopes, createdAt: date(raw.created_at), expiresAt: date(raw.expires_at),
    exchangeCount: raw.exchange_count ?? 0, lastExchangedAt: date(raw.last_exchanged_at),
  };
}
