import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerSampler } from '../../../src/dashboard/metrics/schedulerSampler';
import { normalizeDashboardRoot } from '../../../src/dask/scheduler/schedulerHttp';
import { buildSample } from '../../../src/dashboard/metrics/clusterSample';
import { readCounts, readIdentity } from '../../../src/dask/scheduler/schedulerPayloads';
import { diffWorkers } from '../../../src/dashboard/metrics/workerDiff';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from './syntheticScheduler';
import { identityThreadScript } from './identityThreadBundle';

// Captured from a real distributed 2022.12.1 scheduler with one worker (trimmed).
const realCounts = { bytes: 0, clients: 1, cores: 1, erred: 0, hosts: 1, idle: 1, memory: 0, processing: 0, released: 0, saturated: 0, tasks: 0, unrunnable: 0, waiting: 0, waiting_data: 0, workers: 1, desired_workers: 0 };
const realIdentity = {
  type: 'Scheduler', id: 'Scheduler-90ff1062', address: 'tcp://127.0.0.1:18786', services: { dashboard: 18787 }, started: 1795626440.93,
  workers: { 'tcp://127.0.0.1:42477': { type: 'Worker', id: 'w1', host: '127.0.0.1', name: 'w1', nthreads: 1, memory_limit: 1000000000,
    last_seen: 1795626449.15, metrics: { cpu: 2.0, memory: 94736384, task_counts: {} }, status: 'running' } },
};

test('a real 2022.12 payload becomes a typed sample', () => {
  const s = buildSample(123, readCounts(realCounts), readIdentity(realIdentity));
  assert.equal(s.workers, 1);
  assert.equal(s.threads, 1);
  assert.equal(s.memoryUsedBytes, 94736384);
  assert.equal(s.memoryLimitBytes, 1e9);
  assert.deepEqual(s.workerRows[0], {
    address: 'tcp://127.0.0.1:42477', name: 'w1', threads: 1, memoryBytes: 94736384, memoryLimitBytes: 1e9, managedBytes: 0, unmanagedOldBytes: 0,
    unmanagedRecentBytes: 0, spilledBytes: 0, memoryColor: 'blue', cpuPercent: 2, executing: 0, ready: 0, waitingForData: 0, inMemory: 0,
    transferInBytes: 0, transferOutBytes: 0, lastSeen: 1795626449150, status: 'running',
    occupancySeconds: -1, processing: -1, currentWork: '',
  });
  assert.equal(s.tasks.processing, 0);
  assert.equal(s.metricsAvailable, false);
  assert.equal(s.schedulerStarted, 1795626440930);
});

test('malformed payloads are rejected at the boundary', () => {
  assert.throws(() => readCounts({ nope: 1 }));
  assert.throws(() => readCounts([1]));
  assert.throws(() => readIdentity({ workers: [] }));
  assert.deepEqual(Object.keys(readIdentity({ id: 'x', workers: { a: {}, b: 3 } }).workers), ['a']);
});

test('normalizeDashboardRoot strips /status and keeps prefixes', () => {
  assert.equal(normalizeDashboardRoot('http://h:8787/status'), 'http://h:8787/');
  assert.equal(normalizeDashboardRoot('http://h:8787'), 'http://h:8787/');
  assert.equal(normalizeDashboardRoot('https://gw/clusters/abc/status?x=1'), 'https://gw/clusters/abc/');
  assert.equal(normalizeDashboardRoot('https://hub/user/me/proxy/8787/'), 'https://hub/user/me/proxy/8787/');
});

test('diffWorkers reports added, removed and changed rows', () => {
  const a = buildSample(0, readCounts(syntheticPayloads({ workers: 3 }).counts), readIdentity(syntheticPayloads({ workers: 3 }).identity)).workerRows;
  const b = buildSample(0, readCounts(syntheticPayloads({ workers: 4, tick: 1 }).counts), readIdentity(syntheticPayloads({ workers: 4, tick: 1 }).identity)).workerRows;
  const d = diffWorkers(a, b.slice(1));
  assert.deepEqual(d.removed, [a[0]!.address]);
  assert.deepEqual(d.added.map((r) => r.address), [b[3]!.address]);
  assert.equal(d.changed.length, 2);
  assert.deepEqual(diffWorkers(a, a), { added: [], removed: [], changed: [] });
});

// Every behaviour holds whether identity.json is read on this thread or on the worker thread (big clusters).
for (const where of ['on the host thread', 'on the worker thread'] as const) {
  const sampler = async (control: FakeSchedulerControl, headers?: Record<string, string>) => {
    const s = new SchedulerSampler({ dashboardUrl: 'http://sched.test:8787/status', headers }, {
      fetch: fakeSchedulerFetch(control), stoppedAfter: 3,
      identityThread: where === 'on the worker thread' ? { aboveBytes: 0, script: await identityThreadScript() } : false,
    });
    after(() => s.dispose());
    return s;
  };

  test(`sampler (${where}): live → unreachable → stopped → recovered, with headers on every request`, async () => {
    let down = false;
    let n = 2;
    const control: FakeSchedulerControl = { requests: [], payloads: () => (down ? 'down' : syntheticPayloads({ workers: n, flavour: 'current' })) };
    const s = await sampler(control, { Authorization: 'jupyterhub secret-token-123' });
    assert.equal(s.state, 'connecting');
    const first = await s.poll();
    assert.ok(first.ok);
    assert.equal(first.sample.workers, 2);
    assert.equal(first.sample.threads, 4);
    assert.equal(first.sample.metricsAvailable, true);
    assert.equal(first.diff.added.length, 2);
    assert.ok(control.requests.every((r) => r.headers.Authorization === 'jupyterhub secret-token-123'));
    assert.ok(control.requests.some((r) => r.url === 'http://sched.test:8787/metrics'));
    down = true;
    const states = [];
    for (let i = 0; i < 4; i++) states.push((await s.poll()).state);
    assert.deepEqual(states, ['unreachable', 'unreachable', 'stopped', 'stopped']);
    down = false;
    n = 3;
    const back = await s.poll();
    assert.ok(back.ok && back.recovered);
    assert.equal(back.sample.workers, 3);
    assert.equal(s.state, 'live');
  });

  test(`sampler (${where}): /metrics 404 falls back to counts.json and is not asked again`, async () => {
    const control: FakeSchedulerControl = { requests: [], payloads: () => ({ ...syntheticPayloads({ workers: 1, processing: 4 }), metrics: undefined }) };
    const s = await sampler(control);
    const r1 = await s.poll();
    assert.ok(r1.ok);
    assert.equal(r1.sample.metricsAvailable, false);
    assert.equal(r1.sample.tasks.processing, 4);
    const before = control.requests.filter((r) => r.url.endsWith('/metrics')).length;
    await s.poll();
    assert.equal(control.requests.filter((r) => r.url.endsWith('/metrics')).length, before);
  });

  test(`sampler (${where}): a new scheduler id is a restart; auth errors never count as stopped`, async () => {
    let id = 'A';
    const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2, schedulerId: id }) };
    const s = await sampler(control);
    await s.poll();
    id = 'B';
    const r = await s.poll();
    assert.ok(r.ok && r.restarted);
    const denied = new SchedulerSampler({ dashboardUrl: 'http://x.test/' }, { stoppedAfter: 1, fetch: async () => new Response('no', { status: 403 }) });
    const d = await denied.poll();
    assert.equal(d.ok, false);
    assert.equal(d.state, 'unreachable');
    assert.match((d as { error: Error }).error.message, /refused|403/);
  });

  test(`sampler (${where}): plots say why they are not shown`, async () => {
    const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 1 }) };
    assert.match((await (await sampler(control)).plots()).reason ?? '', /bokeh/);
    const withPlots = new SchedulerSampler({ dashboardUrl: 'http://x.test/status', headers: { Authorization: 'token abcdefgh' } },
      { fetch: async () => Response.json({ 'Task Stream': '/individual-task-stream' }) });
    const p = await withPlots.plots();
    assert.deepEqual(p.plots, {});
    assert.match(p.reason ?? '', /credentials/);
    const open = new SchedulerSampler({ dashboardUrl: 'http://x.test/status' }, { fetch: async () => Response.json({ 'Task Stream': '/individual-task-stream' }) });
    assert.deepEqual((await open.plots()).plots, { 'Task Stream': 'http://x.test/individual-task-stream' });
  });

  test(`sampler (${where}): identity.json answering 500 mid-computation (Dask ≥ 2023.4) keeps the last workers, not "unreachable"`, async () => {
    let processing = 0;
    const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2, processing, flavour: 'current' }) };
    const s = await sampler(control);
    control.identityStatus = 500;
    const cold = await s.poll();
    assert.equal(cold.ok, false, 'no worker data yet: a 500 is still a failure');
    control.identityStatus = undefined;
    const first = await s.poll();
    assert.ok(first.ok);
    control.identityStatus = 500;
    processing = 6;
    for (let i = 0; i < 4; i++) {
      const r = await s.poll();
      assert.ok(r.ok, `tick ${i} stays live`);
      assert.equal(r.sample.workers, 2);
      assert.equal(r.sample.tasks.processing, 6, 'counts and /metrics still move');
    }
    assert.equal(s.state, 'live');
    control.identityStatus = 404;
    assert.equal((await s.poll()).ok, false, 'other statuses still count');
  });
}
