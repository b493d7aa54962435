// The budget action reaches the cluster the cost meter priced, even when its id holds "/" and ":" (a scheduler's URL,
// a gateway provider's URL): the old "<provider>/<cluster>" id, split at the last "/", scaled nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterService } from '../../../src/dask/editor/clusterService';
import { NO_CAPABILITIES, type ClusterProvider, type ClusterSummary } from '../../../src/dask/clusterProvider';
import { daskClusterBillables } from '../../../src/cost/editor/billables';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { runBudgetAction, scaleClusterToZero } from '../../../src/cost/budgetAction';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { decodeResourceId, encodeResourceId } from '../../../src/shared/resourceIds';

function provider(id: string, kind: ClusterProvider['kind'], clusterId: string, scaled: string[]): ClusterProvider {
  const cluster: ClusterSummary = { id: clusterId, name: clusterId, status: 'running', workers: 2, threads: 4, memory: 2 ** 31, provider: kind };
  return {
    kind, id, label: id, capabilities: { ...NO_CAPABILITIES, scaleUp: true, scaleDown: true },
    list: async () => [cluster],
    get: async (x: string) => {
      if (x !== clusterId) throw new Error(`no cluster ${x} on ${id}`);
      return cluster;
    },
    scale: async (x: string, n: number) => void scaled.push(`${id} | ${x} | ${n}`),
    optionsSchema: async () => [], create: async () => cluster, adapt: async () => undefined, stop: async () => undefined,
    connectionInfo: async () => ({ schedulerAddress: 'tcp://x:8786', dashboardAuth: {}, clientCode: '' }),
    workers: async () => [],
  };
}

test('scale-to-zero reaches clusters whose ids hold "/" and ":", through the id the meter gave them', async () => {
  const scaled: string[] = [];
  const providers = [
    provider('scheduler', 'scheduler', 'http://127.0.0.1:8787/', scaled),
    provider('gateway:https://gw.example.org/services/dask-gateway/', 'gateway', 'ns.abc/def', scaled),
  ];
  const service = new ClusterService({ providers: () => providers, logger: silentLogger });
  await service.refresh();
  const meter = new CostMeter({ table: defaultPriceTable, store: new MemoryStore(), sources: [daskClusterBillables(service)] });
  const { snapshot } = await meter.tick(Date.now());
  assert.equal(snapshot.resources.length, 2);
  for (const r of snapshot.resources) {
    // Whoever keys by the id (the Dask tree's $/h, the ledger) names the same cluster the action acts on.
    assert.deepEqual(decodeResourceId(r.id), r.ref, r.id);
    assert.equal(r.id, encodeResourceId(r.ref!));
  }
  const lookup = { provider: (id: string) => providers.find((p) => p.id === id) };
  const reports = await runBudgetAction(snapshot.resources, 'scaleClustersToZero', {
    // As the editor does: the ref a resource carries, here taken back from its id.
    scaleClusterToZero: (ref) => {
      const fromId = decodeResourceId(snapshot.resources.find((r) => r.ref === ref)!.id);
      assert.ok(fromId?.kind === 'cluster');
      return scaleClusterToZero(lookup, fromId);
    },
  });
  assert.deepEqual(reports.map((r) => r.outcome.status), ['done', 'done'], JSON.stringify(reports));
  assert.deepEqual(scaled.sort(), [
    'gateway:https://gw.example.org/services/dask-gateway/ | ns.abc/def | 0',
    'scheduler | http://127.0.0.1:8787/ | 0',
  ]);
});
