// The budget's "scale every cluster to zero" against real schedulers attached by address: the cluster ids are URLs
// ending in "/", which the old "<provider>/<cluster>" id split at the wrong "/" (so nothing happened, silently).
// Now each resource reports what was done, or why not, with the way out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerAddressProvider } from '../../../src/dask/scheduler/schedulerAddressProvider';
import { ClusterService } from '../../../src/dask/editor/clusterService';
import { daskClusterBillables } from '../../../src/cost/editor/billables';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { runBudgetAction, scaleClusterToZero } from '../../../src/cost/budgetAction';
import { silentLogger } from '../../../src/core/log';
import { daskAvailable, schedulerWorkerCount, startTestScheduler, type TestScheduler } from '../../support/dask';
import { MemoryStore } from '../../../src/core/keyValueStore';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';

describe('budget action on attached schedulers (real Dask)', { skip, timeout: 90_000 }, () => {
  let withApi: TestScheduler;
  let readOnly: TestScheduler;

  before(async () => {
    [withApi, readOnly] = await Promise.all([startTestScheduler({ workers: 2 }), startTestScheduler({ workers: 1, apiRoutes: false })]);
  });
  after(async () => {
    await Promise.all([withApi?.stop(), readOnly?.stop()]);
  });

  it('scales the one it can to zero and says the read-only one cannot be scaled, offering Detach', async () => {
    const provider = new SchedulerAddressProvider({ addresses: () => [withApi.dashboardUrl, readOnly.dashboardUrl] });
    const service = new ClusterService({ providers: () => [provider], logger: silentLogger });
    await service.refresh();
    const meter = new CostMeter({ table: defaultPriceTable, store: new MemoryStore(), sources: [daskClusterBillables(service)] });
    const { snapshot } = await meter.tick(Date.now());
    assert.equal(snapshot.resources.length, 2);
    for (const r of snapshot.resources) {
      assert.ok(r.ref?.kind === 'cluster' && r.ref.providerId === 'scheduler' && r.ref.clusterId.endsWith('/'), `structured ref for ${r.label}: ${JSON.stringify(r.ref)}`);
    }

    const lookup = { provider: (id: string) => (id === provider.id ? provider : undefined) };
    const reports = await runBudgetAction(snapshot.resources, 'scaleClustersToZero', { scaleClusterToZero: (ref) => scaleClusterToZero(lookup, ref) });
    const byHost = (s: TestScheduler) => reports.find((r) => r.ref?.kind === 'cluster' && r.ref.clusterId.startsWith(s.dashboardUrl.replace(/\/*$/, '')))!;
    assert.deepEqual(byHost(withApi).outcome, { status: 'done', message: 'scaled to 0 workers' });
    assert.equal(await schedulerWorkerCount(withApi.dashboardUrl), 0, 'the workers were retired');
    const ro = byHost(readOnly).outcome;
    assert.equal(ro.status, 'cannot');
    assert.match(ro.message, /read-only scheduler .* cannot be scaled/);
    assert.deepEqual(ro.remedies, ['detach']);
    assert.equal(await schedulerWorkerCount(readOnly.dashboardUrl), 1, 'nothing was done to the read-only one');
  });
});
