// The kernel probe's scheduling: it runs only in an idle kernel, says why values are missing (no kernel, kernel busy,
// wrong scheduler), runs only while the dashboard can be seen, and stops for good on dispose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelProbeFeed, type ProbeKernel } from '../../../src/dashboard/kernelProbeFeed';
import { DashboardSession } from '../../../src/dashboard/dashboardSession';
import { PROBE_MARKER, type SchedulerProbe } from '../../../src/dask/scheduler/schedulerProbe';
import { isHostMessage, type HostMessage } from '../../../src/shared/protocol/panels';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../metrics/syntheticScheduler';
import { mockClock } from '../../support/mockClock';
import { DashboardPageRows } from '../../support/dashboardPageRows';

const SCHEDULER = 'Scheduler-synthetic';

/** A probe answer as the kernel prints it, for the given workers (every one busy with two `inc` and one `sum`). */
function answer(addresses: string[], schedulerId = SCHEDULER): string {
  const workers = Object.fromEntries(addresses.map((a, i) => [a, {
    name: `w${i}`, nthreads: 2, status: 'running', memory_limit: 1e9, memory: null, occupancy: 1.5 + i, processing: 3,
    executing: [['inc-3f73ffbe30504ce71c8c5ecb42379584', 0.5], ["('inc-db4c0a8565e992249c6a9460561bb7c5', 7)", 0.2], [`sum-${i}`, 0.1]],
  }]));
  return `${PROBE_MARKER}${JSON.stringify({ probe: 1, scheduler_id: schedulerId, time: 1_800_000_000, workers, task_stream: { recording: false, index: 0, dropped: 0, records: [] } })}\n`;
}

/** A kernel that is busy while `busy.value` and otherwise prints `reply()`; records what it was sent. */
function kernel(reply: () => string, busy = { value: false }, id = 'file:///w/a.ipynb'): ProbeKernel & { sent: string[]; busy: { value: boolean } } {
  const sent: string[] = [];
  return {
    id, label: id.split('/').pop()!, sent, busy,
    runIfIdle: async (code) => {
      if (busy.value) return undefined;
      sent.push(code);
      return reply();
    },
  };
}

test('probe feed: a busy kernel is skipped (nothing sent) and the panel says why; idle again, the values come back', async () => {
  const k = kernel(() => answer(['tcp://w1:1']), { value: true });
  let updates = 0;
  const feed = new KernelProbeFeed({ kernels: async () => [k], schedulerId: () => SCHEDULER, onUpdate: () => updates++ });
  await feed.tick();
  assert.equal(k.sent.length, 0, 'no request queued behind the user\'s cell');
  assert.equal(feed.status.state, 'busy');
  assert.match(feed.status.message, /shown when the notebook's kernel is idle — a\.ipynb is running a cell/);
  assert.equal(feed.probe, undefined);
  k.busy.value = false;
  await feed.tick();
  assert.equal(k.sent.length, 1);
  assert.ok(k.sent[0]!.includes(`__pangeo_probe_run("${SCHEDULER}")`), 'asks for the client of this scheduler');
  assert.equal(feed.status.state, 'live');
  assert.equal((feed.probe as SchedulerProbe | undefined)?.workers['tcp://w1:1']?.occupancy, 1.5);
  k.busy.value = true;
  await feed.tick();
  assert.equal(feed.status.state, 'busy');
  assert.equal(feed.probe, undefined, 'stale values are not shown as current');
  assert.equal(updates, 3);
});

test('probe feed: no kernel, a kernel without a client (left alone for a while), and an answer from another scheduler', async () => {
  let now = 1000;
  const kernels: ProbeKernel[] = [];
  const feed = new KernelProbeFeed({ kernels: async () => kernels, schedulerId: () => SCHEDULER, onUpdate: () => undefined, now: () => now, recheckMs: 30_000 });
  await feed.tick();
  assert.equal(feed.status.state, 'no-kernel');
  assert.match(feed.status.message, /no notebook kernel connected to this cluster/);
  const noClient = kernel(() => `${PROBE_MARKER}{"probe":1,"error":"no-client","message":"no client of this scheduler"}`, undefined, 'file:///w/other.ipynb');
  kernels.push(noClient);
  await feed.tick();
  await feed.tick();
  assert.equal(noClient.sent.length, 1, 'asked once, then left alone');
  assert.equal(feed.status.state, 'no-kernel');
  now += 31_000;
  await feed.tick();
  assert.equal(noClient.sent.length, 2, 'asked again later (the user may have made a client since)');
  const elsewhere = kernel(() => answer(['tcp://w1:1'], 'Scheduler-other'), undefined, 'file:///w/b.ipynb');
  kernels.push(elsewhere);
  await feed.tick();
  assert.equal(feed.status.state, 'failed');
  assert.match(feed.status.message, /another scheduler/);
  assert.equal(feed.probe, undefined);
});

/** An answer that also says where the notebook's client reached the scheduler. */
function answerAt(addresses: string[], clientAddress: string): string {
  const line = answer(addresses);
  return line.replace('"task_stream"', `"client_address":${JSON.stringify(clientAddress)},"task_stream"`);
}

/** A probe kernel of ours as the controllers start it: records its code; answers `reply()`; `disposed` once shut down. */
function sibling(reply: (code: string) => string) {
  const made = { starts: 0, sent: [] as string[], disposed: 0 };
  const start = async () => {
    made.starts++;
    return { run: async (code: string) => { made.sent.push(code); return reply(code); }, dispose: () => { made.disposed++; } };
  };
  return { made, start };
}

test('probe feed: while the notebook runs a cell, a probe kernel of ours beside it answers (live), connected to the address the notebook\'s client used', async (t) => {
  mockClock(t); // the feed's own loop stays still: each round here is the test's
  const k = kernel(() => answerAt(['tcp://w1:1'], 'tcp://127.0.0.1:41234'));
  const s = sibling(() => answer(['tcp://w1:1']).replace('"occupancy":1.5', '"occupancy":9'));
  k.startSibling = s.start;
  const feed = new KernelProbeFeed({ kernels: async () => [k], schedulerId: () => SCHEDULER, schedulerAddress: () => 'tcp://10.9.9.9:8786', onUpdate: () => undefined });
  t.after(() => feed.dispose());
  feed.setActive(true);
  await feed.tick();
  assert.equal(feed.status.state, 'live');
  assert.equal(s.made.starts, 0, 'an idle notebook kernel answers itself: no kernel of ours');
  k.busy.value = true;
  await feed.tick();
  assert.equal(k.sent.length, 1, 'nothing queued behind the user\'s cell');
  assert.equal(feed.status.state, 'live', feed.status.message);
  assert.equal(feed.status.viaSibling, true);
  assert.match(feed.status.message, /through a probe kernel of ours beside a\.ipynb while it runs a cell/);
  assert.doesNotMatch(feed.status.message, /shown when the notebook's kernel is idle/);
  assert.equal(feed.probe?.workers['tcp://w1:1']?.occupancy, 9, 'the values are the probe kernel\'s, read during the computation');
  assert.equal(s.made.starts, 1);
  assert.match(s.made.sent[0]!, /distributed\.Client\(address, set_as_default=False/);
  assert.ok(s.made.sent[0]!.includes('__pangeo_probe_client("tcp://127.0.0.1:41234")'), 'the notebook client\'s address, not identity.json\'s');
  assert.ok(s.made.sent[0]!.includes(`__pangeo_probe_run("${SCHEDULER}")`));
  await feed.tick();
  assert.equal(s.made.starts, 1, 'started once, then reused');
  assert.ok(!s.made.sent[1]!.includes('__pangeo_probe_client'), 'connected once per address');
  // Hidden: our kernel is shut down; shown again during the same cell, a new one starts.
  feed.setActive(false);
  await new Promise((r) => setImmediate(r));
  assert.equal(s.made.disposed, 1);
  feed.setActive(true);
  await feed.tick();
  assert.equal(s.made.starts, 2);
  feed.dispose();
  await new Promise((r) => setImmediate(r));
  assert.equal(s.made.disposed, 2);
});

test('probe feed: a busy notebook never probed while idle: the probe kernel connects to identity.json\'s address; its failure is said, not hidden', async () => {
  const k = kernel(() => answer(['tcp://w1:1']), { value: true });
  let fail = true;
  const s = sibling(() => {
    if (fail) throw new Error('OSError: Timed out trying to connect to tcp://10.9.9.9:8786');
    return answer(['tcp://w1:1']);
  });
  k.startSibling = s.start;
  const feed = new KernelProbeFeed({ kernels: async () => [k], schedulerId: () => SCHEDULER, schedulerAddress: () => 'tcp://10.9.9.9:8786', onUpdate: () => undefined });
  await feed.tick();
  assert.ok(s.made.sent[0]!.includes('__pangeo_probe_client("tcp://10.9.9.9:8786")'));
  assert.equal(feed.status.state, 'busy');
  assert.match(feed.status.message, /could not read the scheduler: OSError: Timed out trying to connect/);
  fail = false;
  await feed.tick();
  assert.equal(feed.status.state, 'live');
  assert.ok(s.made.sent[1]!.includes('__pangeo_probe_client('), 'a failed connect is tried again');
  // A kernel of the Jupyter extension cannot have one beside it: the panel says why.
  const ext = kernel(() => answer(['tcp://w1:1']), { value: true }, 'file:///w/ext.ipynb');
  const feed2 = new KernelProbeFeed({ kernels: async () => [ext], schedulerId: () => SCHEDULER, schedulerAddress: () => 'tcp://10.9.9.9:8786', onUpdate: () => undefined });
  await feed2.tick();
  assert.match(feed2.status.message, /only be started beside a Pangeo kernel/);
});

function session(kernels: ProbeKernel[], probeIntervalMs = 60_000) {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2, tick: 0, schedulerId: SCHEDULER }) };
  const posted: HostMessage[] = [];
  const page = new DashboardPageRows();
  const s = new DashboardSession({ id: 'local:c1', name: 'c1', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
    (m) => { page.see(m); posted.push(m); }, { fetch: fakeSchedulerFetch(control), intervalMs: 60_000, probeKernels: async () => kernels, probeIntervalMs });
  return { s, posted, page };
}

test('session: probe values reach the worker rows (occupancy, processing, work by prefix) as a diff, valid on the wire', async (t) => {
  mockClock(t); // the session's own loops stay still: each round here is the test's, in this order, however busy the machine
  const addresses = Object.keys((syntheticPayloads({ workers: 2, tick: 0 }).identity as { workers: object }).workers);
  const k = kernel(() => answer(addresses));
  const { s, posted, page } = session([k]);
  t.after(() => s.dispose());
  await s.receive({ type: 'ready', view: 'dashboard' });
  s.setVisible(true);
  await s.tick();
  const first = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.ok(page.rows(first).every((r) => r.occupancySeconds === -1 && r.currentWork === ''), 'unknown before the probe answered');
  posted.length = 0;
  await s.kernelProbe!.tick();
  const probe = posted.find((m) => m.type === 'dashboard/probe') as Extract<HostMessage, { type: 'dashboard/probe' }>;
  assert.ok(probe, 'the answer is posted at once, not at the next sample');
  assert.equal(probe.status.state, 'live');
  assert.equal(probe.status.notebook, 'a.ipynb');
  assert.equal(probe.workers.reset, false);
  assert.deepEqual(page.rows(probe).map((r) => [r.occupancySeconds, r.processing, r.currentWork]), [[1.5, 3, 'inc ×2, sum'], [2.5, 3, 'inc ×2, sum']]);
  for (const m of posted) assert.ok(isHostMessage(m), m.type);
  // The next sample keeps them (the same rows: nothing to send for unchanged workers).
  posted.length = 0;
  await s.tick();
  const next = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.equal(page.rows(next).length, 0);
  // The kernel runs a cell: the rows go back to "unknown" at once, and later samples need no overlay.
  posted.length = 0;
  k.busy.value = true;
  await s.kernelProbe!.tick();
  const cleared = posted.find((m) => m.type === 'dashboard/probe') as Extract<HostMessage, { type: 'dashboard/probe' }>;
  assert.equal(cleared.status.state, 'busy');
  assert.deepEqual(page.rows(cleared).map((r) => [r.occupancySeconds, r.processing, r.currentWork]), [[-1, -1, ''], [-1, -1, '']]);
  posted.length = 0;
  await s.tick();
  assert.equal(page.rows((posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>)).length, 0);
  // Idle again: the values come back between samples.
  k.busy.value = false;
  posted.length = 0;
  await s.kernelProbe!.tick();
  assert.deepEqual(page.rows((posted.find((m) => m.type === 'dashboard/probe') as Extract<HostMessage, { type: 'dashboard/probe' }>)).map((r) => r.occupancySeconds), [1.5, 2.5]);
});

test('session: the probe runs only while the dashboard is visible, and never after dispose', async (t) => {
  // Mocked timers: a 5 ms probe interval on a real clock is a race with a busy machine.
  const clock = mockClock(t);
  const k = kernel(() => answer([]));
  const { s } = session([k], 5);
  t.after(() => s.dispose()); // also when an assert fails: a live probe interval would keep the test file running
  await s.receive({ type: 'ready', view: 'dashboard' });
  assert.equal(s.kernelProbe!.active, false, 'not visible yet');
  s.setVisible(true);
  assert.equal(s.kernelProbe!.status.state, 'looking', 'says what it does until the first answer');
  await s.tick();
  assert.equal(s.kernelProbe!.active, true);
  await clock.advance(40, 5);
  assert.ok(k.sent.length >= 2, `probed every few ms while visible (${k.sent.length})`);
  s.setVisible(false);
  assert.equal(s.kernelProbe!.active, false);
  assert.equal(s.kernelProbe!.status.state, 'off');
  const hidden = k.sent.length;
  await clock.advance(40, 5);
  assert.equal(k.sent.length, hidden, 'nothing while hidden');
  s.setVisible(true);
  await s.receive({ type: 'ready', view: 'dashboard' });
  await clock.advance(20, 5);
  assert.ok(k.sent.length > hidden);
  s.dispose();
  const disposed = k.sent.length;
  await clock.advance(40, 5);
  assert.equal(k.sent.length, disposed, 'nothing after dispose');
  assert.equal(s.kernelProbe!.active, false);
});

test('session: while identity.json answers 500 (newer Dask mid-run), the memory bars come from the probe and say so', async (t) => {
  mockClock(t); // the session's own loops stay still: each round here is the test's
  const ids = Object.keys((syntheticPayloads({ workers: 2, tick: 0 }).identity as { workers: object }).workers);
  const withMemory = () => {
    const a = JSON.parse(answer(ids).slice(PROBE_MARKER.length)) as { workers: Record<string, { memory: unknown }> };
    for (const w of Object.values(a.workers)) w.memory = { process: 600e6, managed: 400e6, unmanaged_old: 150e6, unmanaged_recent: 50e6, spilled: 7e6 };
    return `${PROBE_MARKER}${JSON.stringify(a)}`;
  };
  const k = kernel(withMemory);
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2, tick: 0, schedulerId: SCHEDULER }) };
  const posted: HostMessage[] = [];
  const page = new DashboardPageRows();
  const s = new DashboardSession({ id: 'local:c1', name: 'c1', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
    (m) => { page.see(m); posted.push(m); }, { fetch: fakeSchedulerFetch(control), intervalMs: 60_000, probeIntervalMs: 60_000, probeKernels: async () => [k] });
  t.after(() => s.dispose());
  await s.receive({ type: 'ready', view: 'dashboard' });
  s.setVisible(true);
  await s.tick();
  await s.kernelProbe!.tick();
  const fromIdentity = (posted.filter((m) => m.type === 'dashboard/probe').at(-1) as Extract<HostMessage, { type: 'dashboard/probe' }>);
  assert.equal(fromIdentity.status.memoryFromProbe, undefined, 'identity.json answers: its memory is used');
  assert.ok(page.rows(fromIdentity).every((r) => r.managedBytes !== 400e6));
  posted.length = 0;
  control.identityStatus = 500;
  await s.tick();
  const sample = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.deepEqual(page.rows(sample).map((r) => [r.memoryBytes, r.managedBytes, r.unmanagedOldBytes, r.unmanagedRecentBytes, r.spilledBytes]),
    [[600e6, 400e6, 150e6, 50e6, 7e6], [600e6, 400e6, 150e6, 50e6, 7e6]]);
  const said = posted.find((m) => m.type === 'dashboard/probe') as Extract<HostMessage, { type: 'dashboard/probe' }>;
  assert.equal(said?.status.memoryFromProbe, true, 'the panel is told at once');
  for (const m of posted) assert.ok(isHostMessage(m), m.type);
  // identity.json answers again: its own values return.
  posted.length = 0;
  control.identityStatus = undefined;
  await s.tick();
  const back = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.ok(page.rows(back).length === 2 && page.rows(back).every((r) => r.managedBytes !== 400e6));
  assert.equal((posted.find((m) => m.type === 'dashboard/probe') as Extract<HostMessage, { type: 'dashboard/probe' }>).status.memoryFromProbe, undefined);
});
