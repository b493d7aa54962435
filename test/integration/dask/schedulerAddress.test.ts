// Attaching to real schedulers by dashboard URL: summary from identity/counts, retiring workers when /api/v1 is served,
// read-only otherwise, and a scheduler that stops answering.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerAddressProvider } from '../../../src/dask/scheduler/schedulerAddressProvider';
import { isPangeoError } from '../../../src/core/http/errors';
import { daskAvailable, schedulerWorkerCount, startTestScheduler, type TestScheduler } from '../../support/dask';

const skip = daskAvailable() ? false : 'needs /usr/bin/dask and python3-distributed';

describe('scheduler address provider (real schedulers)', { skip, timeout: 90_000 }, () => {
  let withApi: TestScheduler;
  let withoutApi: TestScheduler;

  before(async () => {
    [withApi, withoutApi] = await Promise.all([
      startTestScheduler({ workers: 2 }),
      startTestScheduler({ workers: 1, apiRoutes: false }),
    ]);
  });
  after(async () => {
    await Promise.all([withApi?.stop(), withoutApi?.stop()]);
  });

  it('summarizes, retires workers when the API route exists, and refuses to grow', async () => {
    const provider = new SchedulerAddressProvider({ addresses: () => [withApi.dashboardUrl, `${withoutApi.dashboardUrl}status`] });
    const [a, b] = await provider.list();
    assert.equal(a!.status, 'running');
    assert.equal(a!.workers, 2);
    assert.equal(a!.threads, 2);
    assert.equal(a!.schedulerAddress, withApi.address);
    assert.equal(a!.capabilities?.scaleDown, true);
    assert.equal(b!.workers, 1);
    assert.equal(b!.capabilities?.scaleDown, false, 'read-only without /api/v1');
    assert.match(b!.message ?? '', /does not serve \/api\/v1/);
    assert.equal((await provider.workers(a!.id)).length, 2);
    assert.equal((await provider.connectionInfo(a!.id)).schedulerAddress, withApi.address);

    await assert.rejects(provider.scale(a!.id, 5), /can only shrink/);
    await provider.scale(a!.id, 1);
    assert.equal(await schedulerWorkerCount(withApi.dashboardUrl), 1, 'the scheduler retired one worker');
    await assert.rejects(provider.scale(b!.id, 0), (e: unknown) => isPangeoError(e, 'InvalidInput') && /retire_workers/.test((e as Error).message));
    await assert.rejects(provider.stop(), /not ours to stop/);
  });

  it('the same scheduler attached by two addresses (localhost and 127.0.0.1, with and without /status) is listed once', async () => {
    const other = withoutApi.dashboardUrl.replace('127.0.0.1', 'localhost');
    const provider = new SchedulerAddressProvider({ addresses: () => [withoutApi.dashboardUrl, `${other}status`, withApi.dashboardUrl] });
    const listed = await provider.list();
    assert.deepEqual(listed.map((c) => c.id), [withoutApi.dashboardUrl, withApi.dashboardUrl]);
  });

  it('a scheduler that stops answering is shown as unreachable, and the others still list', async () => {
    // SIGSTOP: the process exists and holds its port but answers nothing, like a hung scheduler.
    process.kill(withoutApi.process.pid, 'SIGSTOP');
    try {
      const provider = new SchedulerAddressProvider({ addresses: () => [withApi.dashboardUrl, withoutApi.dashboardUrl], timeoutMs: 1000 });
      const started = Date.now();
      const [a, b] = await provider.list();
      assert.equal(a!.status, 'running');
      assert.equal(b!.status, 'unreachable');
      assert.match(b!.message ?? '', /did not answer/);
      assert.ok(Date.now() - started < 10_000, 'a hung scheduler does not block the list for long');
    } finally {
      process.kill(withoutApi.process.pid, 'SIGCONT');
    }
    const closed = new SchedulerAddressProvider({ addresses: () => ['http://127.0.0.1:1/'] });
    const [gone] = await closed.list();
    assert.equal(gone!.status, 'unreachable');
    assert.match(gone!.message ?? '', /Cannot reach/);
  });
});
