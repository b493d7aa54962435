// The sampler against a REAL Dask scheduler with real workers (distributed 2022.12 from Debian).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { SchedulerSampler } from '../../../src/dashboard/metrics/schedulerSampler';
import { runCli } from '../../../src/cli/main';
import { daskMetricsCommand } from '../../../src/cli/daskMetricsCommand';
import { CostMeter } from '../../../src/cost/costMeter';
import { defaultPriceTable } from '../../../src/cost/priceTable';
import { rateFor } from '../../../src/cost/rate';
import { DaskCluster, startDaskCluster } from './daskFixture';
import { sleep } from '../../support/processes';
import { identityThreadScript } from '../../unit/metrics/identityThreadBundle';

const skip = existsSync('/usr/bin/dask') ? false : '/usr/bin/dask is not installed (apt-get install python3-distributed)';
let cluster: DaskCluster;

before(async () => {
  if (skip) return;
  cluster = await startDaskCluster();
  await cluster.addWorker('alpha', { nthreads: 1, memoryLimit: '1GB' });
  await cluster.addWorker('beta', { nthreads: 2, memoryLimit: '2GB' });
}, { timeout: 120_000 });

after(async () => {
  await cluster?.close();
});

test('the sampler counts workers, threads and memory like the scheduler does', { skip, timeout: 60_000 }, async () => {
  const sampler = new SchedulerSampler({ dashboardUrl: `${cluster.dashboardUrl}status` });
  const r = await sampler.poll();
  assert.ok(r.ok, r.ok ? '' : String((r as { error: Error }).error));
  const s = r.sample;
  assert.equal(s.workers, 2);
  assert.equal(s.threads, 3);
  assert.equal(s.memoryLimitBytes, 3e9);
  assert.ok(s.memoryUsedBytes > 10 * 1024 ** 2, `workers use some memory (${s.memoryUsedBytes})`);
  assert.deepEqual(s.workerRows.map((w) => w.name).sort(), ['alpha', 'beta']);
  assert.ok(s.workerRows.every((w) => w.address.startsWith('tcp://127.0.0.1:') && w.lastSeen > Date.now() - 60_000));
  assert.equal(s.metricsAvailable, true, 'prometheus_client is installed with python3-distributed');
  assert.equal(typeof s.tasks.processing, 'number');
  // The plot list is empty without bokeh and the panel says why.
  assert.match((await sampler.plots()).reason ?? '', /bokeh/);
  // distributed 2022.12 has no /api/v1/check_idle (added in 2023.3.2).
  assert.equal(await sampler.idleSince(), undefined);
});

test('identity.json read on the worker thread (big clusters) gives the rows the host thread reads', { skip, timeout: 60_000 }, async () => {
  const here = new SchedulerSampler({ dashboardUrl: cluster.dashboardUrl }, { identityThread: false });
  const there = new SchedulerSampler({ dashboardUrl: cluster.dashboardUrl }, { identityThread: { aboveBytes: 0, script: await identityThreadScript() } });
  try {
    const [a, b] = [await here.poll(), await there.poll()];
    assert.ok(a.ok && b.ok);
    assert.equal(there.readsOffThread, true);
    const stable = (rows: typeof a.sample.workerRows) => rows.map((r) => ({ address: r.address, name: r.name, threads: r.threads, limit: r.memoryLimitBytes, status: r.status }));
    assert.deepEqual(stable(b.sample.workerRows), stable(a.sample.workerRows));
    assert.ok(b.sample.workerRows.every((r) => r.memoryBytes > 10 * 1024 ** 2 && r.lastSeen > Date.now() - 60_000), 'heartbeat metrics read on the thread');
    assert.deepEqual([b.sample.workers, b.sample.threads, b.sample.memoryLimitBytes], [2, 3, 3e9]);
    // From the second poll on the thread fetches counts.json and /metrics too: the same sample as the host thread's.
    const [c, d] = [await here.poll(), await there.poll()];
    assert.ok(c.ok && d.ok);
    assert.deepEqual(stable(d.sample.workerRows), stable(c.sample.workerRows));
    const totals = (x: typeof c.sample) => ({ workers: x.workers, threads: x.threads, tasks: x.tasks, clients: x.clients, metrics: x.metricsAvailable, prefixes: x.prefixes.missing });
    assert.deepEqual(totals(d.sample), totals(c.sample));
    assert.equal(d.sample.metricsAvailable, true, '/metrics read from the thread\'s fetch');
  } finally {
    here.dispose();
    there.dispose();
  }
});

test('scaling is visible within one poll; tasks show up by state', { skip, timeout: 120_000 }, async () => {
  const sampler = new SchedulerSampler({ dashboardUrl: cluster.dashboardUrl });
  const first = await sampler.poll();
  assert.ok(first.ok);
  assert.equal(first.sample.workers, 2);
  await cluster.addWorker('gamma', { nthreads: 4, memoryLimit: '512MB' });
  const grown = await sampler.poll();
  assert.ok(grown.ok);
  assert.equal(grown.sample.workers, 3, 'one poll after the worker registered');
  assert.equal(grown.sample.threads, 7);
  assert.deepEqual(grown.diff.added.map((w) => w.name), ['gamma']);

  // A real computation: a client submits sleeping tasks and the sample shows them processing.
  const client = spawn('/usr/bin/python3', ['-c', [
    'import time, sys', 'from distributed import Client',
    `c = Client("${cluster.schedulerAddress}", timeout=30)`,
    'fs = [c.submit(time.sleep, 6, pure=False) for _ in range(3)]',
    'print("submitted", flush=True)', 'c.gather(fs)', 'c.close()',
  ].join('\n')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const clientDone = new Promise<number | null>((resolve) => client.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      client.stdout.on('data', (d: Buffer) => d.toString().includes('submitted') && resolve());
      client.once('exit', (code) => reject(new Error(`client exited ${code}`)));
    });
    let processing = 0;
    for (let i = 0; i < 20 && processing < 3; i++) {
      const r = await sampler.poll();
      if (r.ok) processing = r.sample.tasks.processing ?? 0;
      if (processing < 3) await sleep(200);
    }
    assert.equal(processing, 3);
  } finally {
    client.kill('SIGTERM');
    await clientDone;
  }

  await cluster.stopWorker('gamma');
  let shrunk = 0;
  for (let i = 0; i < 50; i++) {
    const r = await sampler.poll();
    if (r.ok && r.sample.workers === 2) {
      shrunk = 2;
      assert.equal(r.diff.removed.length, 1);
      break;
    }
    await sleep(200);
  }
  assert.equal(shrunk, 2, 'the stopped worker leaves the sample');
});

test('CLI: dask metrics --json prints one sample of the real scheduler', { skip, timeout: 60_000 }, async () => {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), readStdin: async () => '', env: {} };
  const group = { name: 'dask', summary: '', commands: { metrics: daskMetricsCommand } };
  let parsed: { workers: number; threads: number; memory_used_bytes: number; memory_limit_bytes: number; tasks: Record<string, number> } | undefined;
  for (let i = 0; i < 20; i++) {
    out = '';
    const code = await runCli(['dask', 'metrics', '--url', cluster.dashboardUrl, '--json'], [group], io, new AbortController().signal);
    assert.equal(code, 0, err);
    parsed = JSON.parse(out) as typeof parsed;
    if (parsed!.workers === 2) break;
    await sleep(500);
  }
  assert.equal(parsed!.workers, 2);
  assert.equal(parsed!.threads, 3);
  assert.equal(parsed!.memory_limit_bytes, 3e9);
  assert.ok(parsed!.memory_used_bytes > 0);
  assert.equal(typeof parsed!.tasks.processing, 'number');
  out = '';
  assert.equal(await runCli(['dask', 'metrics', '--url', 'http://127.0.0.1:1/'], [group], io, new AbortController().signal), 4, 'unreachable exit code');
});

test('the cost meter prices the real cluster from identity.json threads and memory', { skip, timeout: 60_000 }, async () => {
  const store = new Map<string, unknown>();
  const meter = new CostMeter({
    table: defaultPriceTable, store: { get: <T>(k: string) => store.get(k) as T, update: async (k, v) => void store.set(k, v) },
    sources: [{ list: async () => [{ resource: { kind: 'cluster', id: 'real', label: 'real', cloud: 'gcp', region: 'us-central1' }, dashboard: { dashboardUrl: cluster.dashboardUrl } }] }],
  });
  const t0 = Date.now();
  await meter.tick(t0);
  const { snapshot } = await meter.tick(t0 + 60_000);
  const r = snapshot.resources[0]!;
  assert.equal(r.status, 'live');
  // 2 workers, 3 threads, 3e9 bytes of limits → priced per core and GiB, plus the default scheduler size.
  const expected = rateFor({ kind: 'cluster', id: 'real', label: 'real', cloud: 'gcp', workers: 2, threads: 3, memoryLimitBytes: 3e9 }, defaultPriceTable()).usdPerHour;
  assert.ok(Math.abs(r.usdPerHour - expected) < 1e-9, `${r.usdPerHour} vs ${expected}`);
  assert.ok(Math.abs(snapshot.sessionUsd - expected / 60) < 1e-9);
});

// Last: workers of 2022.12 close when their scheduler goes away.
test('a scheduler that goes away is reported stopped, and live again when it returns', { skip, timeout: 120_000 }, async () => {
  // The same whether identity.json is read on the host thread or on the worker thread.
  const samplers = [
    new SchedulerSampler({ dashboardUrl: cluster.dashboardUrl }, { stoppedAfter: 2, timeoutMs: 2000 }),
    new SchedulerSampler({ dashboardUrl: cluster.dashboardUrl }, { stoppedAfter: 2, timeoutMs: 2000, identityThread: { aboveBytes: 0, script: await identityThreadScript() } }),
  ];
  after(() => samplers.forEach((s) => s.dispose()));
  for (const sampler of samplers) assert.ok((await sampler.poll()).ok);
  assert.equal(samplers[1]!.readsOffThread, true);
  await cluster.stopScheduler();
  for (const sampler of samplers) {
    assert.equal((await sampler.poll()).state, 'unreachable');
    assert.equal((await sampler.poll()).state, 'stopped');
  }
  await cluster.startScheduler();
  for (const sampler of samplers) {
    const back = await sampler.poll();
    assert.ok(back.ok, 'answers again');
    assert.equal(back.recovered, true);
    assert.equal(back.restarted, true, 'a new scheduler id');
  }
});
