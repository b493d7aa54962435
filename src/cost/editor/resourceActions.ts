// What the cost meter may do to the resources it prices: scale a Dask cluster to zero and stop a hub server (each
// saying what happened or why not), and the ways out when scaling was impossible (the Dask view's Stop and Detach).
import type * as vscode from 'vscode';
import type { HubRegistry } from '../../hubs/hubRegistry';
import type { ClusterService } from '../../dask/editor/clusterService';
import type { ProviderStore } from '../../dask/editor/providerStore';
import { scaleClusterToZero, type ActionOutcome } from '../budgetAction';
import type { ClusterRef, ServerRef } from '../../shared/resourceIds';
import type { CostSources } from './module';

export interface ResourceActionDeps {
  vs: typeof vscode;
  hubs: HubRegistry;
  dask: { store: ProviderStore; service: ClusterService };
}

export function costResourceActions(d: ResourceActionDeps): Pick<CostSources, 'scaleClusterToZero' | 'stopServer' | 'remedy'> {
  return {
    scaleClusterToZero: async (ref: ClusterRef) => {
      const outcome = await scaleClusterToZero(d.dask.store, ref);
      await d.dask.service.refresh(ref.providerId).catch(() => undefined);
      return outcome;
    },
    stopServer: async (ref: ServerRef): Promise<ActionOutcome> => {
      const server = d.hubs.readyServers().find((s) => s.hubId === ref.hubId && s.server.name === ref.serverName);
      if (!server) return { status: 'not-needed', message: 'is no longer running' };
      const result = await server.client.stopServer(server.user, server.server.name);
      return { status: 'done', message: result === 'stopping' ? 'is stopping' : 'stopped' };
    },
    remedy: async (ref, remedy) => {
      const cluster = d.dask.service.cluster(ref.providerId, ref.clusterId);
      if (!cluster) return;
      // The Dask view's own commands: Stop asks for confirmation first.
      const node = { kind: 'cluster', providerId: ref.providerId, cluster };
      await d.vs.commands.executeCommand(remedy === 'stop' ? 'pangeo.dask.stopCluster' : 'pangeo.dask.detachScheduler', node);
    },
  };
}
