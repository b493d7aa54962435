// The agent tools' view of the editor: its signed-in hubs, the Dask providers of the Dask view, the notebooks on our
// kernels and the cost meter's last snapshot.
import type { AgentCompute, CostView, KernelRunText, NotebookKernelHandle } from '../agentCompute';
import type { HubService } from '../../hubs/editor/hubService';
import type { ClusterProvider } from '../../dask/clusterProvider';
import type { ConnectedNotebookKernel } from '../../kernels/editor/notebookControllers';
import type { CellRunResult } from '../../kernels/notebookKernel';
import type { MeterSnapshot } from '../../cost/costMeter';
import type { PriceTable } from '../../cost/priceTable';
import type { HubProfilePrices } from '../../cost/hubProfilePrices';
import { ERROR_MIME, STDERR_MIME, STDOUT_MIME } from '../../kernels/outputItems';
import { estimatedServerRate } from '../serverRate';
import { isThisServer, readInsideServers } from '../../hubs/insideHubServers';
import { stripAnsi } from '../../jupyterServer/kernelOutputs';

export interface EditorComputeDeps {
  hubs: HubService;
  providers(): ClusterProvider[];
  refreshDask(): Promise<void>;
  notebookKernels(): ConnectedNotebookKernel[];
  costSnapshot(): MeterSnapshot | undefined;
  priceTable(): PriceTable;
  hubProfilePrices(): HubProfilePrices | undefined;
}

export function editorCompute(deps: EditorComputeDeps): AgentCompute {
  const { hubs } = deps;
  return {
    hubs: () => hubs.allSnapshots().map((s) => {
      const client = s.record.user ? hubs.sessions.client(s.record.base) : undefined;
      const inside = hubs.sessions.inside;
      // Inside a hub server, as the Hubs view reads it: this server is known ready even without read:servers.
      const servers = client && inside?.id === s.record.base ? async (signal?: AbortSignal) => (await readInsideServers(client, inside, signal)).servers : undefined;
      return { id: s.record.base, label: s.record.label, user: s.record.user, client, servers };
    }),
    providers: () => deps.providers(),
    notebooks: () => deps.notebookKernels().map((k): NotebookKernelHandle => ({
      uri: k.uri, label: k.label, idle: k.idle,
      runIfIdle: (code, signal) => k.runIfIdle(code, signal)?.then(cellRunText),
    })),
    cost: async () => {
      const view = costView(deps.costSnapshot());
      // Said as the reason in the answer ("Cost: not known (…)"), not left as a bare "not known".
      if (!view) throw new Error('the cost meter has not measured yet; it does when the editor starts, then every pangeo.cost.pollIntervalSeconds');
      return view;
    },
    serverRate: async (hubId, serverName, userOptions) => {
      const snap = hubs.snapshot(hubId);
      if (!snap?.record.user) return undefined;
      return estimatedServerRate({ hubId, hubLabel: snap.record.label, user: snap.record.user, client: hubs.sessions.client(hubId), serverName, userOptions },
        deps.priceTable(), deps.hubProfilePrices(), hubs.sessions.inside);
    },
    hostsTools: (hubId, serverName) => isThisServer(hubs.sessions.inside, hubId, serverName),
    // The Hubs and Dask views show the change at once, not at their next poll.
    changed: (what) => void (what === 'hub' ? hubs.refresh() : deps.refreshDask()),
  };
}

function costView(snapshot: MeterSnapshot | undefined): CostView | undefined {
  if (!snapshot) return undefined;
  return {
    totalUsdPerHour: snapshot.totalUsdPerHour,
    todayUsd: snapshot.todayUsd,
    budget: snapshot.budget ? { limitUsd: snapshot.budget.limitUsd, spentUsd: snapshot.budget.spentUsd, period: snapshot.budget.period } : 'none',
    resources: Object.fromEntries(snapshot.resources.map((r) => [r.id, { usdPerHour: r.usdPerHour, unpriced: r.unpriced }])),
    note: `list-price estimates of the editor's cost meter, as of ${new Date(snapshot.time).toISOString().slice(11, 19)} UTC`,
  };
}

/** A notebook run's outputs as text: streams, text/plain, and the error's name, message and traceback. */
export function cellRunText(r: CellRunResult): KernelRunText {
  let text = '';
  for (const o of r.outputs) {
    for (const item of o.items) {
      if (item.kind === 'text' && (item.mime === STDOUT_MIME || item.mime === STDERR_MIME)) text += item.text;
      else if (item.kind === 'text' && item.mime === 'text/plain') text += `${item.text}\n`;
      else if (item.kind === 'json' && item.mime === ERROR_MIME) {
        const e = item.value as { name?: string; message?: string; stack?: string };
        text += `${e.stack ?? `${e.name ?? 'Error'}: ${e.message ?? ''}`}\n`;
      }
    }
  }
  return { status: r.status, text: stripAnsi(text), error: r.error && { ename: r.error.ename, evalue: r.error.evalue } };
}
