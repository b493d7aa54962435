// Finds the Dask clusters a notebook's kernel made (a Client, LocalCluster, GatewayCluster or coiled.Cluster in its
// globals): the Python to run in the kernel, and the parser of what it prints. Running it is the caller's job
// (the Jupyter extension's executeCode, or our own kernel connection).
import type { ProviderKind } from '../clusterProvider';

/** Prefix of the one line the snippet prints, so other output in the cell cannot be mistaken for ours. */
export const DISCOVERY_MARKER = '__PANGEO_DASK_CLUSTERS__';

/**
 * Python that lists Dask clients/clusters in the kernel's globals as one JSON line. It imports nothing that the
 * notebook has not imported already (a kernel without dask stays untouched), makes no network calls, reads only plain
 * attributes, and leaves no names behind.
 */
export function discoverySnippet(marker = DISCOVERY_MARKER): string {
  return `
def __pangeo_dask_discover():
    import sys, json
    def attr(o, name):
        try:
            v = getattr(o, name, None)
            return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)
        except Exception:
            return None
    dd = sys.modules.get("distributed")
    client_t = getattr(dd, "Client", None) if dd else None
    cluster_t = None
    if dd is not None:
        try:
            from distributed.deploy.cluster import Cluster as cluster_t
        except Exception:
            cluster_t = None
    gw = sys.modules.get("dask_gateway")
    gateway_t = getattr(gw, "GatewayCluster", None) if gw else None
    found = []
    for var, obj in list(globals().items()):
        if var.startswith("_"):
            continue
        try:
            t = type(obj)
            if client_t is not None and isinstance(obj, client_t):
                cl = getattr(obj, "cluster", None)
                found.append({"variable": var, "object": "client",
                    "type": type(cl).__name__ if cl is not None else "Client",
                    "module": type(cl).__module__ if cl is not None else t.__module__,
                    "schedulerAddress": attr(getattr(obj, "scheduler", None), "address"),
                    "dashboardLink": attr(obj, "dashboard_link"), "name": attr(cl, "name") if cl is not None else None,
                    "status": attr(obj, "status")})
            elif (cluster_t is not None and isinstance(obj, cluster_t)) or (gateway_t is not None and isinstance(obj, gateway_t)):
                entry = {"variable": var, "object": "cluster", "type": t.__name__, "module": t.__module__,
                    "schedulerAddress": attr(obj, "scheduler_address"), "dashboardLink": attr(obj, "dashboard_link"),
                    "name": attr(obj, "name"), "status": attr(obj, "status")}
                if gateway_t is not None and isinstance(obj, gateway_t):
                    entry["gatewayAddress"] = attr(obj, "address")
                    entry["proxyAddress"] = attr(obj, "proxy_address")
                if (t.__module__ or "").startswith("coiled"):
                    entry["clusterId"] = attr(obj, "cluster_id")
                    entry["workspace"] = attr(obj, "workspace") or attr(obj, "account")
                found.append(entry)
        except Exception:
            pass
    print(${JSON.stringify(marker)} + json.dumps(found), flush=True)
try:
    __pangeo_dask_discover()
finally:
    del __pangeo_dask_discover
`.trimStart();
}

export interface DiscoveredCluster {
  /** Where it runs, as far as we can tell: a Gateway or Coiled cluster can be adopted into that provider. */
  kind: Extract<ProviderKind, 'local' | 'gateway' | 'coiled'> | 'other';
  /** Python class name: LocalCluster, GatewayCluster, Cluster (coiled), SpecCluster, Client… */
  type: string;
  /** Variables in the notebook that refer to it (a client and its cluster are one entry). */
  variables: string[];
  schedulerAddress?: string;
  dashboardLink?: string;
  name?: string;
  status?: string;
  gatewayAddress?: string;
  proxyAddress?: string;
  clusterId?: string;
  workspace?: string;
}

interface RawEntry {
  variable?: unknown;
  object?: unknown;
  type?: unknown;
  module?: unknown;
  schedulerAddress?: unknown;
  dashboardLink?: unknown;
  name?: unknown;
  status?: unknown;
  gatewayAddress?: unknown;
  proxyAddress?: unknown;
  clusterId?: unknown;
  workspace?: unknown;
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

/** Reads the snippet's line out of everything the cell printed; merges a client with its cluster. [] if absent. */
export function parseDiscoveryOutput(output: string, marker = DISCOVERY_MARKER): DiscoveredCluster[] {
  const line = output.split(/\r?\n/).reverse().find((l) => l.startsWith(marker));
  if (!line) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(line.slice(marker.length));
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const byKey = new Map<string, DiscoveredCluster>();
  // Clusters first, so a client only adds its variable to the cluster it belongs to.
  const entries = (raw as RawEntry[]).filter((e) => e && typeof e === 'object')
    .sort((a, b) => (a.object === 'cluster' ? 0 : 1) - (b.object === 'cluster' ? 0 : 1));
  for (const e of entries) {
    const variable = text(e.variable);
    if (!variable) continue;
    const type = text(e.type) ?? 'Unknown';
    const module = text(e.module) ?? '';
    const schedulerAddress = text(e.schedulerAddress);
    const key = schedulerAddress ?? `var:${variable}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.variables.push(variable);
      existing.dashboardLink ??= text(e.dashboardLink);
      continue;
    }
    byKey.set(key, {
      kind: classify(type, module),
      type,
      variables: [variable],
      schedulerAddress,
      dashboardLink: text(e.dashboardLink),
      name: text(e.name),
      status: text(e.status)?.replace(/^Status\./, ''),
      gatewayAddress: text(e.gatewayAddress),
      proxyAddress: text(e.proxyAddress),
      clusterId: text(e.clusterId),
      workspace: text(e.workspace),
    });
  }
  return [...byKey.values()];
}

function classify(type: string, module: string): DiscoveredCluster['kind'] {
  if (module.startsWith('dask_gateway') || type === 'GatewayCluster') return 'gateway';
  if (module.startsWith('coiled')) return 'coiled';
  if (type === 'LocalCluster') return 'local';
  return 'other';
}
