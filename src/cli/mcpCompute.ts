// The agent tools' view from the CLI (`pangeo-compute mcp`): the hub of --url with JUPYTERHUB_API_TOKEN (or, inside a
// hub server, that hub with the server's token), this machine's local clusters (the CLI's state file) and a Gateway
// given with --gateway; cost is a one-off estimate of now (the editor's meter is what tracks spending over time: today's
// spending and the budget are not known here, and the answer says so).
import type { AgentCompute, AgentHub, CostView } from '../agents/agentCompute';
import type { ClusterProvider } from '../dask/clusterProvider';
import { CostMeter } from '../cost/costMeter';
import { daskClusterBillables, hubServerBillables } from '../cost/editor/billables';
import { defaultPriceTable } from '../cost/priceTable';
import type { ConnectedServer } from '../hubs/hubRegistry';
import { insideHubFromEnv } from '../hubs/insideHub';
import { isThisServer } from '../hubs/insideHubServers';
import { estimatedServerRate } from '../agents/serverRate';
import type { KeyValueStore } from '../core/keyValueStore';

/** What the MCP server cannot know, said plainly in every cost answer. */
export const MCP_UNTRACKED = 'This MCP server runs without the editor and keeps no record of spending over time, so what was ' +
  'spent today and what is left of the budget (the editor\'s pangeo.cost.budget settings) are not known here; the editor\'s ' +
  'cost meter tracks both (its status bar and Pangeo: Show Costs).';

export function cliCompute(hubs: AgentHub[], providers: ClusterProvider[], env: NodeJS.ProcessEnv): AgentCompute {
  const inside = insideHubFromEnv(env);
  const hubOf = (id: string) => hubs.find((h) => h.id === id && h.user && h.client);
  return {
    hubs: () => hubs,
    providers: () => providers,
    notebooks: () => [],
    cost: async (signal) => {
      const ready: ConnectedServer[] = [];
      for (const h of hubs) {
        if (!h.user || !h.client) continue;
        const servers = await (h.servers ? h.servers(signal) : h.client.listServers(h.user, signal)).catch(() => []);
        for (const server of servers) if (server.state === 'ready' && server.url) ready.push({ hubId: h.id, hubLabel: h.label, user: h.user, server, client: h.client });
      }
      const snapshots = await Promise.all(providers.map(async (provider) => ({ provider, loading: false, clusters: await provider.list(signal).catch(() => []) })));
      // One tick of the editor's meter: the same sizing (schedulers read for their workers) and prices.
      const meter = new CostMeter({
        table: defaultPriceTable, store: memoryStore(),
        sources: [hubServerBillables({ readyServers: () => ready }, () => undefined, inside), daskClusterBillables({ snapshots: () => snapshots })],
      });
      const { snapshot } = await meter.tick(Date.now(), signal);
      return {
        totalUsdPerHour: snapshot.totalUsdPerHour,
        resources: Object.fromEntries(snapshot.resources.map((r) => [r.id, { usdPerHour: r.usdPerHour, unpriced: r.unpriced }])),
        note: 'list-price estimates of now from the bundled price table',
        untracked: MCP_UNTRACKED,
      } satisfies CostView;
    },
    // The CLI's hub id is the API base (the editor's is the public one where known).
    hostsTools: (hubId, serverName) => !!inside && (isThisServer(inside, hubId, serverName) || (hubId === inside.apiBase && serverName === inside.serverName)),
    serverRate: async (hubId, serverName, userOptions) => {
      const hub = hubOf(hubId);
      if (!hub) return undefined;
      return estimatedServerRate({ hubId, hubLabel: hub.label, user: hub.user!, client: hub.client!, serverName, userOptions }, defaultPriceTable(), undefined, inside);
    },
  };
}

function memoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key, value) => void values.set(key, value) };
}
