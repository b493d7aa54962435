// The dashboard's scheduler data sources against a REAL Dask scheduler (Debian's distributed 2022.12) while a real
// computation with several task prefixes runs: /metrics and identity.json through the one HTTP layer, the
// /eventstream websocket, and the kernel probe's Python run by a real client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { HttpClient } from '../../../src/core/http/httpClient';
import { readMetricsPage } from '../../../src/dashboard/metrics/metricsPage';
import { isSettled, taskPrefixProgress } from '../../../src/dashboard/metrics/taskPrefixProgress';
import type { PrefixProgress } from '../../../src/shared/dashboard/sampleModel';
import { readIdentityWorkers } from '../../../src/dask/scheduler/identityWorkers';
import { memorySplitFromProbe, UnmanagedHistory, workersMemorySplit } from '../../../src/dask/scheduler/workerMemorySplit';
import { workersActivity } from '../../../src/dask/scheduler/workerActivity';
import { openEventstream } from '../../../src/dashboard/metrics/eventstreamConnection';
import type { TaskBar } from '../../../src/shared/dashboard/taskStreamModel';
import { readPrefixTimings, prefixTimingsFromBars } from '../../../src/dashboard/metrics/prefixTimings';
import { readSchedulerProbe, schedulerProbeCode } from '../../../src/dask/scheduler/schedulerProbe';
import { DaskCluster, startDaskCluster } from './daskFixture';
import { sleep } from '../../support/processes';

const skip = existsSync('/usr/bin/dask') ? false : '/usr/bin/dask is not installed (apt-get install python3-distributed)';
let cluster: DaskCluster;
let http: HttpClient;

/** Tasks per prefix the computation submits (prefix names unique to this test). */
const EXPECTED = { slowinc: 30, double: 30, pairsum: 15, grandtotal: 1 };

before(async () => {
  if (skip) return;
  cluster = await startDaskCluster();
  await cluster.addWorker('alpha', { nthreads: 1, memoryLimit: '1GB' });
  await cluster.addWorker('beta', { nthreads: 1, memoryLimit: '1GB' });
  http = new HttpClient({ baseUrl: cluster.dashboardUrl, timeoutMs: 5000, retries: 0 });
}, { timeout: 120_000 });

after(async () => {
  await cluster?.close();
});

async function poll() {
  const [text, identity] = await Promise.all([
    http.request({ path: 'metrics', headers: { Accept: 'text/plain' } }).then((r) => r.text()),
    http.request({ path: 'json/identity.json' }).then(async (r) => JSON.parse(await r.text()) as unknown),
  ]);
  const progress = taskPrefixProgress(readMetricsPage(text));
  assert.equal(progress.kind, 'ok', progress.kind === 'ok' ? '' : progress.reason);
  const workers = readIdentityWorkers(identity);
  assert.equal(workers.kind, 'ok');
  const ours = Object.fromEntries((progress.kind === 'ok' ? progress.value : []).filter((p) => p.prefix in EXPECTED).map((p) => [p.prefix, p]));
  return { ours, page: readMetricsPage(text), workers: workers.kind === 'ok' ? workers.value : [] };
}

test('progress per prefix moves while a real computation runs and finishes with everything done', { skip, timeout: 180_000 }, async () => {
  const bars: TaskBar[] = [];
  const stream = await openEventstream({ baseUrl: cluster.dashboardUrl, onEvent: (e) => e.kind === 'task' && bars.push(e.bar) });
  // The client holds its results until stdin closes, so the end state is "in memory".
  const client = spawn('/usr/bin/python3', ['-c', [
    'import sys, time', 'from distributed import Client, wait',
    'def slowinc(x):\n    time.sleep(0.12)\n    return x + 1',
    'def double(x):\n    time.sleep(0.05)\n    return 2 * x',
    'def pairsum(a, b):\n    return a + b',
    'def grandtotal(xs):\n    return sum(xs)',
    `c = Client("${cluster.schedulerAddress}", timeout=30)`,
    `a = c.map(slowinc, range(${EXPECTED.slowinc}))`, 'b = c.map(double, a)',
    `p = [c.submit(pairsum, b[i], b[-1 - i]) for i in range(${EXPECTED.pairsum})]`,
    'g = c.submit(grandtotal, p)', 'print("submitted", flush=True)',
    'print("result", g.result(), flush=True)', 'sys.stdin.read()', 'c.close()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  client.stdout.on('data', (d: Buffer) => (out += d.toString()));
  client.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
  try {
    const history: Array<Record<string, PrefixProgress>> = [];
    let sawExecuting = false;
    const memoryHistory = new UnmanagedHistory();
    const deadline = Date.now() + 120_000;
    for (;;) {
      assert.ok(Date.now() < deadline, `the computation did not finish: ${out} ${err}`);
      const { ours, workers } = await poll();
      history.push(ours);
      sawExecuting ||= workersActivity(workers).some((a) => (a.executing ?? 0) > 0);
      for (const r of workersMemorySplit(workers, memoryHistory, Date.now())) {
        if (r.kind !== 'ok') continue;
        assert.equal(r.split.managed + r.split.unmanagedOld + r.split.unmanagedRecent, r.split.process);
        assert.equal(r.split.limit, 1e9);
      }
      if (out.includes('result') && Object.keys(ours).length === 4 && Object.values(ours).every(isSettled)) break;
      await sleep(150);
    }
    assert.ok(out.includes(`result ${EXPECTED.slowinc * (EXPECTED.slowinc + 1)}\n`), `the computation itself is right (Σ 2(x+1)): ${out}`);

    // Moved: a poll caught slowinc part-done with tasks processing, and its memory count rose over several polls.
    const during = history.filter((h) => h.slowinc && h.slowinc.processing > 0 && h.slowinc.memory > 0 && h.slowinc.memory < EXPECTED.slowinc);
    assert.ok(during.length > 0, `no poll saw slowinc in flight: ${JSON.stringify(history.map((h) => h.slowinc))}`);
    const memoryCounts = new Set(history.map((h) => h.slowinc?.memory ?? 0));
    assert.ok(memoryCounts.size >= 3, `slowinc's memory count changed only ${memoryCounts.size} times`);
    assert.ok(sawExecuting, 'identity.json showed a worker executing');

    // Finished: every task of every prefix in memory; none waiting or processing.
    const end = history.at(-1)!;
    for (const [prefix, n] of Object.entries(EXPECTED)) {
      assert.deepEqual(end[prefix], { prefix, total: n, waiting: 0, processing: 0, memory: n, released: 0, erred: 0 }, prefix);
    }

    // /metrics of 2022.12 has no per-prefix time; the task stream does, one compute bar per task.
    const timings = readPrefixTimings((await poll()).page);
    assert.equal(timings.kind, 'notServed');
    for (let i = 0; i < 50 && bars.filter((b) => b.action === 'compute' && b.prefix in EXPECTED).length < 76; i++) await sleep(100);
    const computeBars: Record<string, number> = {};
    for (const b of bars) if (b.action === 'compute' && b.prefix in EXPECTED) computeBars[b.prefix] = (computeBars[b.prefix] ?? 0) + 1;
    assert.deepEqual(computeBars, EXPECTED);
    const t = Object.fromEntries(prefixTimingsFromBars(bars).map((p) => [p.prefix, p]));
    assert.ok(t.slowinc!.computeSeconds >= EXPECTED.slowinc * 0.12, `slowinc ran ≥ 3.6 s in all (${t.slowinc!.computeSeconds})`);
  } finally {
    stream.close();
    client.stdin.end();
    client.kill('SIGTERM');
    await exited;
  }

  // After the client left, its results are released or forgotten: nothing held, nothing outstanding.
  let last: Record<string, PrefixProgress> = {};
  for (let i = 0; i < 50; i++) {
    last = (await poll()).ours;
    if (Object.values(last).every((p) => p.memory === 0)) break;
    await sleep(200);
  }
  for (const [prefix, n] of Object.entries(EXPECTED)) assert.deepEqual(last[prefix], { prefix, total: n, waiting: 0, processing: 0, memory: 0, released: n, erred: 0 });
});

test('the kernel probe\'s Python runs on the real scheduler, answers for its workers and turns nothing on', { skip, timeout: 60_000 }, async () => {
  const code = `from distributed import Client\nclient = Client("${cluster.schedulerAddress}", timeout=30)\n${schedulerProbeCode()}\n${schedulerProbeCode({ sinceIndex: 0, limit: 10 })}`;
  const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', code], { timeout: 50_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  const identity = JSON.parse(await (await http.request({ path: 'json/identity.json' })).text()) as { id: string; workers: Record<string, { name: string }> };
  for (const line of lines) {
    const r = readSchedulerProbe(line);
    assert.equal(r.kind, 'ok', r.kind === 'ok' ? '' : r.reason);
    if (r.kind !== 'ok') continue;
    assert.equal(r.value.schedulerId, identity.id);
    assert.deepEqual(Object.keys(r.value.workers).sort(), Object.keys(identity.workers).sort());
    assert.deepEqual(Object.values(r.value.workers).map((w) => w.name).sort(), ['alpha', 'beta']);
    // Read-only: the scheduler's task-stream plugin was off and the probe left it off.
    assert.equal(r.value.taskStream.recording, false);
    // Dask's own memory split per worker, the parts adding up to the process memory.
    for (const m of memorySplitFromProbe(r.value)) {
      assert.equal(m.kind, 'ok');
      if (m.kind === 'ok') assert.equal(m.split.managed + m.split.unmanagedOld + m.split.unmanagedRecent, m.split.process);
    }
  }
});

test('an address that serves no /eventstream is a typed NotFound that says what is missing', { skip, timeout: 30_000 }, async () => {
  await assert.rejects(
    openEventstream({ baseUrl: `${cluster.dashboardUrl}not-a-dashboard/`, onEvent: () => undefined }),
    (e: Error & { kind?: string }) => e.kind === 'NotFound' && /eventstream/.test(e.message),
  );
  await assert.rejects(openEventstream({ baseUrl: 'http://127.0.0.1:1/', onEvent: () => undefined }), (e: Error & { kind?: string }) => e.kind === 'Unreachable');
});
