// Where the cost meter's resources come from: ready hub servers (sized from their spawn options, their profile's text
// or a $/h set for the hub's profile) and running Dask clusters (sized from their scheduler's identity.json). Local
// hubs and clusters run on this machine and cost $0. Every resource carries its structured ref for actions.
import type { Billable, BillableSource } from '../costMeter';
import type { HubRegistry } from '../../hubs/hubRegistry';
import type { ClusterService } from '../../dask/editor/clusterService';
import { isLoopbackHost } from '../../hubs/hubUrl';
import { knownProfile } from '../../hubs/profileCatalog';
import { encodeResourceId } from '../../shared/resourceIds';
import { profilePrice, type HubProfilePrices } from '../hubProfilePrices';
import { describeSize, runsOnThisMachine, sizeFromLimits, type InsideHub } from '../../hubs/insideHub';
import { isThisServer } from '../../hubs/insideHubServers';

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : Array.isArray(v) ? Number(v[0]) : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);

/** Ready servers; size from common spawn-option names (cores/cpu, mem/memory in GiB, instance_type/node_type). */
export function hubServerBillables(hubs: Pick<HubRegistry, 'readyServers'>, prices: () => HubProfilePrices | undefined = () => undefined, inside?: InsideHub): BillableSource {
  return {
    list: async () => hubs.readyServers().map((s): Billable => {
      const o = s.server.userOptions;
      // The server this editor runs on: sized by its spawner's CPU_/MEM_LIMIT (or _GUARANTEE) env; its hub's id may be
      // an internal address (127.0.0.1:8081 on a cloud VM), so only a public address on loopback means "this machine".
      const here = isThisServer(inside, s.hubId, s.server.name) ? inside : undefined;
      const envSize = here ? sizeFromLimits(here.limits) : undefined;
      const local = here ? runsOnThisMachine(here) : isLoopbackHost(new URL(s.hubId).hostname);
      const size = describeSize(envSize);
      const ref = { kind: 'server' as const, hubId: s.hubId, serverName: s.server.name };
      const profile = str(o.profile);
      // KubeSpawner profiles leave cores/memory out of user_options: their text on the spawn page may name them.
      const fromProfile = profile ? knownProfile(s.hubId, profile)?.size : undefined;
      const price = profile ? profilePrice(prices(), s.hubId, profile) : undefined;
      return {
        resource: {
          kind: 'server', id: encodeResourceId(ref), ref,
          label: here ? `this server${size ? ` (${size})` : ''} @ ${s.hubLabel}` : `${s.server.name || 'default'} @ ${s.hubLabel}`,
          cloud: local ? 'local' : (str(o.cloud) as 'aws' | 'gcp' | 'azure' | undefined),
          region: str(o.region),
          instanceType: str(o.instance_type) ?? str(o.node_type) ?? str(o.instanceType),
          cores: num(o.cores) ?? num(o.cpu) ?? num(o.cpus) ?? fromProfile?.cores ?? envSize?.cores,
          memoryGiB: num(o.memory) ?? num(o.mem) ?? num(o.memory_gb) ?? fromProfile?.memoryGiB ?? envSize?.memoryGiB,
          ...(profile ? { profile } : {}),
          ...(price !== undefined ? { profileUsdPerHour: price } : {}),
        },
      };
    }),
  };
}

/** Running clusters of every provider; the meter reads each scheduler through the dashboard connection. */
export function daskClusterBillables(dask: Pick<ClusterService, 'snapshots'>): BillableSource {
  return {
    list: async (signal) => {
      const out: Billable[] = [];
      for (const snap of dask.snapshots()) {
        for (const c of snap.clusters ?? []) {
          if (c.status !== 'running') continue;
          const info = await snap.provider.connectionInfo(c.id, signal).catch(() => undefined);
          const onThisMachine = snap.provider.kind === 'local' || (!!info?.dashboardUrl && isLoopbackHost(new URL(info.dashboardUrl).hostname));
          const ref = { kind: 'cluster' as const, providerId: snap.provider.id, clusterId: c.id };
          out.push({
            resource: { kind: 'cluster', id: encodeResourceId(ref), ref, label: `${c.name} (${snap.provider.label})`, workers: c.workers, cloud: onThisMachine ? 'local' : undefined },
            ...(info?.dashboardUrl ? { dashboard: { dashboardUrl: info.dashboardUrl, headers: info.dashboardAuth, authorization: info.dashboardAuthorization } } : {}),
          });
        }
      }
      return out;
    },
  };
}
