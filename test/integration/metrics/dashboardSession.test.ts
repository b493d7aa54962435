// The dashboard session (host side) against a REAL Dask scheduler (Debian's distributed 2022.12) while a real
// computation runs: the progress bars it sends the webview move and finish, workers show running tasks, and the live
// task stream (the real /eventstream) delivers bars; every message passes the webview's protocol check.
// (schedulerSources.test.ts checks the parsers alone; this goes through DashboardSession as the panel does.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DashboardSession } from '../../../src/dashboard/dashboardSession';
import { isHostMessage, type HostMessage, type PrefixProgress } from '../../../src/shared/protocol/panels';
import { DaskCluster, startDaskCluster } from './daskFixture';
import { sleep } from '../../support/processes';
import { DashboardPageRows } from '../../support/dashboardPageRows';

const skip = existsSync('/usr/bin/dask') ? false : '/usr/bin/dask is not installed (apt-get install python3-distributed)';
let cluster: DaskCluster;
/** Task prefixes unique to this test, and how many of each the computation submits. */
const EXPECTED = { dashstep: 24, dashpair: 12, dashsum: 1 };

before(async () => {
  if (skip) return;
  cluster = await startDaskCluster();
  await cluster.addWorker('left', { nthreads: 1, memoryLimit: '1GB' });
  await cluster.addWorker('right', { nthreads: 1, memoryLimit: '1GB' });
}, { timeout: 120_000 });

after(async () => {
  await cluster?.close();
});

test('DashboardSession: progress by task group moves and finishes on a real computation; task stream bars arrive', { skip, timeout: 180_000 }, async () => {
  const posted: HostMessage[] = [];
  const page = new DashboardPageRows();
  const session = new DashboardSession({ id: 'local:int', name: 'int', connection: async () => ({ dashboardUrl: `${cluster.dashboardUrl}status` }) },
    (m) => { page.see(m); posted.push(m); }, { intervalMs: 3_600_000 });
  const client = spawn('/usr/bin/python3', ['-c', [
    'import sys, time', 'from distributed import Client',
    'def dashstep(x):\n    time.sleep(0.15)\n    return x + 1',
    'def dashpair(a, b):\n    time.sleep(0.05)\n    return a + b',
    'def dashsum(xs):\n    return sum(xs)',
    `c = Client("${cluster.schedulerAddress}", timeout=30)`,
    `a = c.map(dashstep, range(${EXPECTED.dashstep}))`,
    `p = [c.submit(dashpair, a[i], a[-1 - i]) for i in range(${EXPECTED.dashpair})]`,
    's = c.submit(dashsum, p)', 'print("result", s.result(), flush=True)', 'sys.stdin.read()', 'c.close()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  client.stdout.on('data', (d: Buffer) => (out += d.toString()));
  client.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
  try {
    await session.receive({ type: 'ready', view: 'dashboard' });
    session.setVisible(true);
    await session.receive({ type: 'dashboard/setTaskStream', on: true });
    const history: Record<string, PrefixProgress>[] = [];
    let sawRunning = false;
    const deadline = Date.now() + 120_000;
    for (;;) {
      await session.tick();
      const sample = posted.filter((m) => m.type === 'dashboard/sample').at(-1);
      if (sample) {
        assert.equal(sample.summary.prefixes.missing, undefined, sample.summary.prefixes.missing);
        history.push(Object.fromEntries(sample.summary.prefixes.rows.filter((p) => p.prefix in EXPECTED).map((p) => [p.prefix, p])));
        if (page.rows(sample).some((r) => r.executing > 0)) sawRunning = true;
      }
      const last = history.at(-1) ?? {};
      const done = Object.keys(EXPECTED).every((k) => last[k] && last[k].waiting === 0 && last[k].processing === 0 && last[k].memory + last[k].released === EXPECTED[k as keyof typeof EXPECTED]);
      if (done && /result/.test(out)) break;
      if (Date.now() > deadline) assert.fail(`no finish: ${JSON.stringify(last)}\n${out}\n${err}`);
      await sleep(250);
    }
    // The bars moved: some sample shows dashstep partly done, and done never went backwards.
    const steps = history.map((h) => h.dashstep).filter((p): p is PrefixProgress => p !== undefined);
    assert.ok(steps.some((p) => p.memory + p.released > 0 && p.memory + p.released < EXPECTED.dashstep), `dashstep went ${JSON.stringify(steps.map((p) => p.memory + p.released))}`);
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i]!.memory + steps[i]!.released >= steps[i - 1]!.memory + steps[i - 1]!.released);
    for (const [prefix, total] of Object.entries(EXPECTED)) assert.equal(history.at(-1)![prefix]!.total, total, prefix);
    assert.ok(sawRunning, 'a worker row showed a running task');
    // The real /eventstream: bars of our prefixes on both workers, named by the table's addresses.
    const bars = posted.filter((m) => m.type === 'dashboard/taskStream').flatMap((m) => m.bars);
    const states = posted.filter((m) => m.type === 'dashboard/taskStream').map((m) => (m as { state: string }).state);
    assert.ok(states.includes('live'), JSON.stringify(states));
    assert.ok(bars.filter((b) => b.prefix === 'dashstep' && b.action === 'compute').length >= 1, `bars: ${bars.length}`);
    const sample = posted.filter((m) => m.type === 'dashboard/sample').at(-1) as Extract<HostMessage, { type: 'dashboard/sample' }>;
    assert.ok(sample.summary.prefixTimes.rows.some((t) => t.prefix === 'dashstep' && t.computeSeconds > 0), JSON.stringify(sample.summary.prefixTimes));
    for (const m of posted) assert.ok(isHostMessage(m), `${m.type} passes the webview's check`);
    // Switching the stream off closes it.
    await session.receive({ type: 'dashboard/setTaskStream', on: false });
    assert.equal((posted.filter((m) => m.type === 'dashboard/taskStream').at(-1) as { state: string }).state, 'off');
  } finally {
    session.dispose();
    client.stdin.end();
    await Promise.race([exited, sleep(10_000)]);
    client.kill();
  }
});
