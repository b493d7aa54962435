// "List what I have" in the editor answers the cost meter's own numbers: $/h now, $ today and the budget left (or that
// none is set), from a real CostMeter's snapshot; before the meter's first tick it says why the cost is not known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editorCompute, type EditorComputeDeps } from '../../../src/agents/editor/editorCompute';
import { AgentToolCore } from '../../../src/agents/agentToolCore';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import type { HubService } from '../../../src/hubs/editor/hubService';
import type { MeterSnapshot } from '../../../src/cost/costMeter';
import type { KeyValueStore } from '../../../src/core/keyValueStore';

function memoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key, value) => void values.set(key, value) };
}

function core(snapshot: () => MeterSnapshot | undefined): AgentToolCore {
  const deps: EditorComputeDeps = {
    hubs: { allSnapshots: () => [] } as unknown as HubService, providers: () => [], refreshDask: async () => undefined,
    notebookKernels: () => [], costSnapshot: snapshot, priceTable: defaultPriceTable, hubProfilePrices: () => undefined,
  };
  return new AgentToolCore(editorCompute(deps));
}

const costLine = async (c: AgentToolCore) => (await c.invoke('pangeo_list_compute', {})).split('\n').at(-1)!;

test('the editor answers today\'s spending and the budget left from its cost meter', async () => {
  const meter = new CostMeter({ table: defaultPriceTable, store: memoryStore(), sources: [], budget: { limitUsd: 25, period: 'month' } });
  const { snapshot } = await meter.tick(Date.UTC(2026, 11, 7, 8, 30), undefined);
  assert.match(await costLine(core(() => snapshot)),
    /^Cost: ~\$0\.000\/h now, \$0\.000 today; budget \$25\.00 a month, \$25\.00 left \(list-price estimates of the editor's cost meter, as of 08:30:00 UTC\)\.$/);
  meter.setBudget(undefined);
  const { snapshot: unbudgeted } = await meter.tick(Date.UTC(2026, 11, 7, 8, 31), undefined);
  assert.match(await costLine(core(() => unbudgeted)), /^Cost: ~\$0\.000\/h now, \$0\.000 today; no budget set \(/);
});

test('before the meter has measured, the cost is not known, and the answer says why', async () => {
  assert.equal(await costLine(core(() => undefined)),
    'Cost: not known (the cost meter has not measured yet; it does when the editor starts, then every pangeo.cost.pollIntervalSeconds).');
});
