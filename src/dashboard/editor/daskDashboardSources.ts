// What the dashboard panel asks the Dask area: turn the argument of `pangeo.dashboard.open` (a tree node, or a saved
// panel's cluster resource id) into a target whose connection and scale/adapt go through the provider.
import type { DashboardSources, DashboardTarget } from '../dashboardSources';
import { isPangeoError } from '../../core/http/errors';
import { capabilitiesOf } from '../../dask/clusterProvider';
import type { ClusterService } from '../../dask/editor/clusterService';
import type { ProviderStore } from '../../dask/editor/providerStore';
import { decodeResourceId, encodeResourceId } from '../../shared/resourceIds';

export function daskDashboardSources(service: ClusterService, store: ProviderStore): DashboardSources {
  return {
    known: () => service.snapshots().flatMap((snap) => (snap.clusters ?? [])
      .filter((c) => c.status === 'running' || c.status === 'pending')
      .map((c) => ({
        name: c.name,
        description: `${snap.provider.label} · ${c.status} · ${c.workers} worker${c.workers === 1 ? '' : 's'}`,
        arg: { kind: 'cluster', providerId: snap.provider.id, clusterId: c.id },
      }))),
    async resolve(arg: unknown): Promise<DashboardTarget | undefined> {
      let providerId: string | undefined;
      let clusterId: string | undefined;
      if (typeof arg === 'string') {
        // Panels saved by earlier versions hold "dask:<provider>:<cluster>": only the known provider ids can split it.
        const ref = decodeResourceId(arg, { providerIds: store.providers().map((p) => p.id) });
        if (ref?.kind === 'cluster') ({ providerId, clusterId } = ref);
      } else if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'cluster') {
        const a = arg as { providerId?: unknown; clusterId?: unknown; cluster?: { id?: unknown } };
        providerId = typeof a.providerId === 'string' ? a.providerId : undefined;
        const id = a.clusterId ?? a.cluster?.id;
        clusterId = typeof id === 'string' ? id : undefined;
      }
      if (!providerId || !clusterId) return undefined;
      const provider = store.provider(providerId);
      if (!provider) return undefined;
      const pid = providerId;
      const cid = clusterId;
      const cluster = service.cluster(pid, cid);
      const caps = capabilitiesOf(provider, cluster);
      return {
        id: encodeResourceId({ kind: 'cluster', providerId: pid, clusterId: cid }),
        name: cluster?.name ?? cid,
        connection: async () => {
          const info = await provider.connectionInfo(cid);
          if (!info.dashboardUrl) throw new Error(`${cluster?.name ?? cid} has no dashboard address (is it running?).`);
          return { dashboardUrl: info.dashboardUrl, headers: info.dashboardAuth, authorization: info.dashboardAuthorization };
        },
        scale: caps.scaleUp || caps.scaleDown ? async (workers, notify) => {
          await provider.scale(cid, workers, undefined, notify);
          await service.refresh(pid);
        } : undefined,
        adapt: caps.adapt ? async (minimum, maximum, notify) => {
          await provider.adapt(cid, minimum, maximum, undefined, notify);
          await service.refresh(pid);
        } : undefined,
        // What the Dask view last listed: the bounds a provider keeps (local registry, a gateway's remembered bounds).
        adaptive: () => service.cluster(pid, cid)?.adaptive ?? null,
        lifecycle: async () => {
          try {
            return (await provider.get(cid)).status;
          } catch (e) {
            // Local clusters are forgotten once stopped; a gateway no longer knows a cluster long gone.
            if (isPangeoError(e, 'NotFound')) return 'gone';
            throw e;
          }
        },
      };
    },
  };
}
