// The dashboard's kernel probe against the real pieces: a real ipykernel on the test JupyterHub (through our Jupyter
// server client and NotebookKernel) holding a real Dask Client of a real distributed scheduler whose workers run tasks.
// Occupancy and executing keys reach the dashboard's worker rows; the probe leaves the user's namespace and execution
// count alone, skips a busy kernel, and the latency a user cell sees when it lands behind a probe is measured.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { daskAvailable, startTestScheduler, type TestScheduler } from '../../support/dask';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { hiddenRunStdout, NotebookKernel } from '../../../src/kernels/notebookKernel';
import { DashboardSession } from '../../../src/dashboard/dashboardSession';
import type { ProbeKernel } from '../../../src/dashboard/kernelProbeFeed';
import { startProbeSibling } from '../../../src/kernels/probeSibling';
import { readSchedulerProbe, schedulerProbeCode } from '../../../src/dask/scheduler/schedulerProbe';
import { isHostMessage, type HostMessage, type WorkerRow } from '../../../src/shared/protocol/panels';
import { DashboardPageRows } from '../../support/dashboardPageRows';

const skip = daskAvailable() ? false : 'needs python3-distributed for the kernel and the scheduler';
const USER = 'alice';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('kernel probe through a real ipykernel with a real Dask client', { skip, timeout: 300_000 }, () => {
  let hub: TestHub;
  let dask: TestScheduler;
  let kernel: NotebookKernel;
  let jupyter: JupyterServerClient;

  /** A user cell (history, execution count) and its stdout. */
  const cell = async (code: string) => {
    const r = await kernel.run({ code, onChange: () => undefined });
    assert.equal(r.status, 'ok', `${r.error?.ename}: ${r.error?.evalue}`);
    return { count: r.executionCount, out: hiddenRunStdout(r) };
  };
  /** What the controllers give the dashboard for this notebook (NotebookControllers.idleRunners). */
  const probeKernel: ProbeKernel = {
    id: 'file:///w/analysis.ipynb', label: 'analysis.ipynb',
    runIfIdle: async (code, signal) => {
      const run = kernel.runIfIdle(code, signal);
      return run ? hiddenRunStdout(await run) : undefined;
    },
  };
  const names = async () => {
    const r = await kernel.runIfIdle('print(sorted(globals()))');
    assert.ok(r);
    return hiddenRunStdout(r);
  };

  before(async () => {
    [hub, dask] = await Promise.all([startTestHub({ users: [USER] }), startTestScheduler({ workers: 2 })]);
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    const server = await admin.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    jupyter = new JupyterServerClient(server.url!, admin.http);
    kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'probe/analysis.ipynb', sessionName: 'analysis.ipynb', probeServer: async () => 'ready' });
    await kernel.connect();
    await cell([
      'import time',
      'from distributed import Client',
      `client = Client(${JSON.stringify(dask.address)})`,
      'def slow_square(i):',
      '    time.sleep(6)',
      '    return i * i',
    ].join('\n'));
  });
  after(async () => {
    await kernel?.shutdown().catch(() => undefined);
    await dask?.stop();
    await hub?.stop();
  });

  test('occupancy > 0 and executing keys reach the worker rows while tasks run; namespace and execution count untouched', async (t) => {
    const posted: HostMessage[] = [];
    const page = new DashboardPageRows();
    const session = new DashboardSession({ id: 'local:probe', name: 'probe', connection: async () => ({ dashboardUrl: dask.dashboardUrl }) },
      (m) => { page.see(m); posted.push(m); }, { intervalMs: 60_000, probeIntervalMs: 60_000, probeKernels: async () => [probeKernel] });
    t.after(() => session.dispose());
    await session.receive({ type: 'ready', view: 'dashboard' });
    session.setVisible(true);
    await session.tick();

    const before = await cell('futures = client.map(slow_square, range(8))');
    const namesBefore = await names();
    // Non-blocking submit: the kernel is idle while the workers compute.
    const deadline = Date.now() + 30_000;
    let rows: WorkerRow[] = [];
    while (Date.now() < deadline) {
      await session.kernelProbe!.tick();
      const last = posted.filter((m) => m.type === 'dashboard/probe').at(-1);
      assert.ok(last, 'the probe posts its state');
      assert.equal(last.status.state, 'live', last.status.message);
      for (const r of page.rows(last)) rows = [...rows.filter((x) => x.address !== r.address), r];
      if (rows.length === 2 && rows.every((r) => r.occupancySeconds > 0 && r.currentWork.startsWith('slow_square'))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(rows.length, 2, JSON.stringify(rows));
    for (const r of rows) {
      assert.ok(r.occupancySeconds > 0, `occupancy of ${r.name}: ${r.occupancySeconds}`);
      assert.ok(r.processing >= 1, `processing of ${r.name}: ${r.processing}`);
      assert.match(r.currentWork, /^slow_square/);
    }
    for (const m of posted) assert.ok(isHostMessage(m), m.type);
    assert.match(posted.filter((m) => m.type === 'dashboard/probe').at(-1)!.type, /probe/);

    assert.equal(await names(), namesBefore, 'the probe left no names in the notebook');
    const afterProbes = await cell('len(futures)');
    assert.equal(afterProbes.count, before.count! + 1, 'probes do not bump the execution count');
    await cell('client.cancel(futures); del futures');
  });

  test('while a blocking cell computes, a probe kernel of ours beside it shows occupancy and the running tasks; nothing is queued behind the cell', async () => {
    let sent = 0;
    const siblings: string[] = [];
    const counting: ProbeKernel = {
      ...probeKernel,
      runIfIdle: async (code, signal) => {
        const out = await probeKernel.runIfIdle(code, signal);
        if (out !== undefined) sent++;
        return out;
      },
      // What NotebookControllers.idleRunners offers for a Pangeo kernel: a kernel of ours on the same server.
      startSibling: async (signal) => {
        const before = new Set((await jupyter.listKernels()).map((k) => k.id));
        const sib = await startProbeSibling(jupyter, 'python3', signal);
        siblings.push(...(await jupyter.listKernels()).map((k) => k.id).filter((id) => !before.has(id)));
        return sib;
      },
    };
    const posted: HostMessage[] = [];
    const page = new DashboardPageRows();
    const session = new DashboardSession({ id: 'local:probe2', name: 'probe2', connection: async () => ({ dashboardUrl: dask.dashboardUrl }) },
      (m) => { page.see(m); posted.push(m); }, { intervalMs: 60_000, probeIntervalMs: 60_000, probeKernels: async () => [counting] });
    try {
      await session.receive({ type: 'ready', view: 'dashboard' });
      session.setVisible(true);
      await session.tick();
      // Idle first: the notebook's client says where it reached the scheduler.
      await session.kernelProbe!.tick();
      assert.equal(session.kernelProbe!.status.state, 'live');
      assert.equal(sent, 1);
      // A blocking computation, as `.compute()` in a cell: 4 tasks of 6 s on 2 workers.
      const started = Date.now();
      const blocking = cell('client.gather(client.map(slow_square, range(4), pure=False))');
      await new Promise((r) => setTimeout(r, 300));
      let rows: WorkerRow[] = [];
      const deadline = Date.now() + 9_000;
      while (Date.now() < deadline) {
        await session.kernelProbe!.tick();
        const last = posted.filter((m) => m.type === 'dashboard/probe').at(-1)!;
        for (const r of page.rows(last)) rows = [...rows.filter((x) => x.address !== r.address), r];
        if (last.status.state === 'live' && rows.length === 2 && rows.every((r) => r.occupancySeconds > 0 && r.currentWork.startsWith('slow_square'))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const status = session.kernelProbe!.status;
      assert.equal(status.state, 'live', status.message);
      assert.equal(status.viaSibling, true);
      assert.doesNotMatch(status.message, /when the notebook's kernel is idle/);
      assert.equal(rows.length, 2, JSON.stringify(rows));
      for (const r of rows) {
        assert.ok(r.occupancySeconds > 0, `occupancy of ${r.name}: ${r.occupancySeconds}`);
        assert.match(r.currentWork, /^slow_square/);
      }
      assert.ok(Date.now() < started + 12_000, 'read during the cell, not after it');
      assert.equal(sent, 1, 'nothing was sent to the busy notebook kernel');
      await blocking;
      assert.ok(Date.now() - started < 20_000, 'the user\'s cell was not held up');
      assert.equal(siblings.length, 1, 'one kernel of ours');
    } finally {
      session.dispose();
    }
    // Our kernel is shut down with the dashboard.
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await jupyter.listKernels()).some((k) => siblings.includes(k.id))) await new Promise((r) => setTimeout(r, 200));
    assert.ok(!(await jupyter.listKernels()).some((k) => siblings.includes(k.id)), 'the probe kernel was shut down');
  });

  test('measured: a user cell sent right after a probe waits for it (latency printed for the docs)', async () => {
    const code = schedulerProbeCode({ limit: 0 });
    const probeTimes: number[] = [];
    const alone: number[] = [];
    const behind: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t0 = performance.now();
      await cell('1 + 1');
      alone.push(performance.now() - t0);
      t0 = performance.now();
      const probe = kernel.runIfIdle(code)!;
      // The user presses run while the probe is in flight: the cell starts after it.
      const t1 = performance.now();
      const user = cell('1 + 1');
      const answer = hiddenRunStdout(await probe);
      probeTimes.push(performance.now() - t0);
      assert.equal(readSchedulerProbe(answer).kind, 'ok');
      await user;
      behind.push(performance.now() - t1);
    }
    const added = median(behind) - median(alone);
    console.log(`probe round trip median ${median(probeTimes).toFixed(1)} ms (max ${Math.max(...probeTimes).toFixed(1)}); ` +
      `user cell alone median ${median(alone).toFixed(1)} ms, behind a probe ${median(behind).toFixed(1)} ms (max ${Math.max(...behind).toFixed(1)}): +${added.toFixed(1)} ms`);
    // The cell waits for the probe in flight and for nothing more. Relative to the probe's own round trip, measured in
    // the same loop: an absolute bound (100 ms) failed on a loaded CI machine; the absolute numbers are printed above
    // for the docs.
    assert.ok(added < median(probeTimes) * 1.5 + 20, `a probe delays the next cell by ${added.toFixed(1)} ms, more than its own round trip (${median(probeTimes).toFixed(1)} ms)`);
  });
});
