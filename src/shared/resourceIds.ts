// The one id scheme for what the extension shows and acts on (hub, hub server, kernel, Dask provider, cluster, bare
// dashboard address): tree item ids, cost resource ids, dashboard panel state and budget actions all encode a ref
// here and decode it back, so no caller splits a string it did not make. Also reads the forms earlier versions stored.
// Bottom layer: imports nothing.

/** Each kind's components in id order: the refs, the encoder and the decoder all derive from this table. */
const COMPONENTS = {
  hub: ['hubId'],
  server: ['hubId', 'serverName'],
  kernel: ['hubId', 'serverName', 'kernelId'],
  provider: ['providerId'],
  cluster: ['providerId', 'clusterId'],
  dashboard: ['url'],
} as const;

export type ResourceKind = keyof typeof COMPONENTS;
/** `{ kind, ...components }`, every component a string (a hub id is its base URL; "" is the default server). */
export type RefOf<K extends ResourceKind> = { [P in 'kind' | (typeof COMPONENTS)[K][number]]: P extends 'kind' ? K : string };
export type ResourceRef = { [K in ResourceKind]: RefOf<K> }[ResourceKind];

export type HubRef = RefOf<'hub'>;
export type ServerRef = RefOf<'server'>;
export type KernelRef = RefOf<'kernel'>;
export type ProviderRef = RefOf<'provider'>;
export type ClusterRef = RefOf<'cluster'>;
/** A dashboard opened by its address alone, with no provider behind it. */
export type DashboardRef = RefOf<'dashboard'>;
/** What the cost meter prices and a budget action acts on. */
export type BillableRef = ClusterRef | ServerRef;

/**
 * `<kind>:<component>/<component>…`, each component percent-encoded as encodeURIComponent does (so "/", ":", "#" and
 * "%" never appear raw), and a lone UTF-16 surrogate, which encodeURIComponent refuses, as `%uXXXX`.
 * E.g. `cluster:scheduler/http%3A%2F%2F127.0.0.1%3A8787%2F`.
 */
export function encodeResourceId(ref: ResourceRef): string {
  const fields: readonly string[] = COMPONENTS[ref.kind];
  const values = ref as unknown as Record<string, string>;
  return `${ref.kind}:${fields.map((f) => encodeComponent(values[f] ?? '')).join('/')}`;
}

/** What only the current Dask providers can tell: where an old id's provider half ends. */
export interface LegacyHints {
  providerIds?: readonly string[];
}

/**
 * The ref an id names, or undefined for anything else (never throws). Only the exact text encodeResourceId makes is
 * accepted ("a:b", "%2f" are not), so ids and refs correspond one to one. Also reads what earlier versions stored:
 * dashboard panel state (`url:<address>`, `dask:<provider>:<cluster>`) and cost ledger keys (`<hub base>#<server>`,
 * `<provider>/<cluster>`); the forms with a provider half need `hints.providerIds`, as both halves may hold ":" and "/".
 */
export function decodeResourceId(text: unknown, hints: LegacyHints = {}): ResourceRef | undefined {
  if (typeof text !== 'string') return undefined;
  return decodeCurrent(text) ?? decodeLegacy(text, hints.providerIds ?? []);
}

/** The texts earlier versions stored for this ref (to find what they persisted; never written any more). */
export function legacyResourceIds(ref: ResourceRef): string[] {
  switch (ref.kind) {
    case 'cluster': return [`${ref.providerId}/${ref.clusterId}`, `dask:${ref.providerId}:${ref.clusterId}`];
    case 'server': return [`${ref.hubId}#${ref.serverName}`];
    case 'dashboard': return [`url:${ref.url}`];
    default: return [];
  }
}

function decodeCurrent(text: string): ResourceRef | undefined {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  if (colon < 0 || !Object.hasOwn(COMPONENTS, kind)) return undefined;
  const fields: readonly string[] = COMPONENTS[kind as ResourceKind];
  const parts = text.slice(colon + 1).split('/');
  if (parts.length !== fields.length) return undefined;
  const ref: Record<string, string> = { kind };
  for (const [i, field] of fields.entries()) {
    const value = decodeComponent(parts[i]!);
    if (value === undefined) return undefined;
    ref[field] = value;
  }
  return ref as unknown as ResourceRef;
}

function decodeLegacy(text: string, providerIds: readonly string[]): ResourceRef | undefined {
  // Dashboard panels saved a bare address as "url:<address>" and a cluster as "dask:<provider>:<cluster>".
  if (text.startsWith('url:')) return /^url:https?:\/\/\S+$/.test(text) ? { kind: 'dashboard', url: text.slice(4) } : undefined;
  if (text.startsWith('dask:')) return clusterAfterProvider(text.slice(5), ':', providerIds);
  // The cost meter's first ids: "<hub base>#<server name>" (a base URL holds no "#")…
  const server = /^(https?:\/\/[^#]*)#(.*)$/s.exec(text);
  if (server) return { kind: 'server', hubId: server[1]!, serverName: server[2]! };
  // …and "<provider>/<cluster>", whose split at the last "/" once sent a scheduler's budget action nowhere.
  return clusterAfterProvider(text, '/', providerIds);
}

/** Splits after the longest known provider id followed by `separator`; the cluster half must not be empty. */
function clusterAfterProvider(text: string, separator: string, providerIds: readonly string[]): ClusterRef | undefined {
  const providerId = providerIds.filter((p) => text.length > p.length + 1 && text.startsWith(`${p}${separator}`)).sort((a, b) => b.length - a.length)[0];
  return providerId === undefined ? undefined : { kind: 'cluster', providerId, clusterId: text.slice(providerId.length + 1) };
}

function isLoneSurrogate(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return ch.length === 1 && c >= 0xd800 && c <= 0xdfff;
}

function encodeComponent(text: string): string {
  let out = '';
  // By code point: a pair is one character for encodeURIComponent, a lone half is ours to spell.
  for (const ch of text) out += isLoneSurrogate(ch) ? `%u${ch.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(ch);
  return out;
}

function decodeComponent(text: string): string | undefined {
  const pieces = text.split(/(%u[0-9A-F]{4})/);
  let out = '';
  try {
    for (const [i, piece] of pieces.entries()) out += i % 2 ? String.fromCharCode(Number.parseInt(piece.slice(2), 16)) : decodeURIComponent(piece);
  } catch {
    return undefined; // a broken escape ("%2", "%E0%A4")
  }
  // The one spelling only: "a:b", "%2f" or "%u0041" decode, but are not what encodeComponent makes.
  return encodeComponent(out) === text ? out : undefined;
}
