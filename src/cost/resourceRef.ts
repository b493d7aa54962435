// What a cost resource is, structurally ({providerId, clusterId} or {hubId, serverName}), and its id as a reversible
// string: either half may hold "/", ":" or "#" (a scheduler-address cluster id is a URL ending in "/").
export type ClusterRef = { kind: 'cluster'; providerId: string; clusterId: string };
export type ServerRef = { kind: 'server'; hubId: string; serverName: string };
export type ResourceRef = ClusterRef | ServerRef;

/** `cluster:<providerId>/<clusterId>` or `server:<hubId>/<serverName>`, each half percent-encoded. */
export function resourceId(ref: ResourceRef): string {
  return ref.kind === 'cluster'
    ? `cluster:${encodeURIComponent(ref.providerId)}/${encodeURIComponent(ref.clusterId)}`
    : `server:${encodeURIComponent(ref.hubId)}/${encodeURIComponent(ref.serverName)}`;
}

/** The ref a resourceId() was made from; undefined for anything else. */
export function parseResourceId(id: string): ResourceRef | undefined {
  const m = /^(cluster|server):([^/]*)\/([^/]*)$/.exec(id);
  if (!m) return undefined;
  try {
    const [a, b] = [decodeURIComponent(m[2]!), decodeURIComponent(m[3]!)];
    return m[1] === 'cluster' ? { kind: 'cluster', providerId: a, clusterId: b } : { kind: 'server', hubId: a, serverName: b };
  } catch {
    return undefined;
  }
}
