import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSession } from '../../../src/dashboard/dashboardSession';
import type { HostMessage } from '../../../src/shared/protocol/panels';
import { isHostMessage } from '../../../src/shared/protocol/panels';
import { fakeSchedulerFetch, FakeSchedulerControl, syntheticPayloads } from '../metrics/syntheticScheduler';
import { settle } from '../../support/mockClock';
import { NUMERIC_WORKER_FIELDS } from '../../../src/shared/dashboard/workerColumns';
import { WorkerSlotsReceiver } from '../../../src/shared/dashboard/workerSlots';

function setup(opts: { scale?: boolean } = {}) {
  let workers = 3;
  let down = false;
  const control: FakeSchedulerControl = { requests: [], payloads: () => (down ? 'down' : syntheticPayloads({ workers, tick: control.requests.length })) };
  const posted: HostMessage[] = [];
  const scaled: number[] = [];
  const session = new DashboardSession({
    id: 'local:c1', name: 'c1',
    connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }),
    scale: opts.scale === false ? undefined : async (n) => { scaled.push(n); workers = n; },
  }, (m) => posted.push(m), { fetch: fakeSchedulerFetch(control), intervalMs: 60_000 });
  return { session, posted, scaled, control, setWorkers: (n: number) => (workers = n), setDown: (d: boolean) => (down = d) };
}

test('session: nothing is posted before ready; ready gets init then samples (full table first, then deltas)', async (t) => {
  const { session, posted, setWorkers } = setup();
  t.after(() => session.dispose());
  await session.tick();
  assert.equal(posted.length, 0, 'the webview has not said ready');
  await session.receive({ type: 'ready', view: 'dashboard' });
  assert.equal(posted[0]!.type, 'dashboard/init');
  const init = posted[0] as Extract<HostMessage, { type: 'dashboard/init' }>;
  assert.equal(init.cluster.dashboardUrl, 'http://sched.test:8787/status');
  assert.equal(init.cluster.canScale, true);
  assert.equal(init.series.values.workers.length, 1, 'history from before ready is sent');
  const firstSample = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.equal(firstSample.workers.reset, true);
  assert.equal(firstSample.workers.upsert.slot.length, 3);
  setWorkers(2);
  posted.length = 0;
  await session.tick();
  const delta = posted.find((m) => m.type === 'dashboard/sample') as Extract<HostMessage, { type: 'dashboard/sample' }>;
  assert.equal(delta.workers.reset, false);
  assert.equal(delta.workers.remove.length, 1);
  assert.equal(delta.summary.workers, 2);
  for (const m of posted) assert.ok(isHostMessage(m), `host sends only valid messages: ${m.type}`);
  await settle(); // the plots request ready() started ends before the session is disposed
});

test('session: a sample\'s numbers cross as one typed array (webview.postMessage sends its bytes: no number text to write or parse)', async (t) => {
  const { session, posted } = setup();
  t.after(() => session.dispose());
  await session.receive({ type: 'ready', view: 'dashboard' });
  await session.tick();
  const sample = posted.filter((m) => m.type === 'dashboard/sample').at(-1) as Extract<HostMessage, { type: 'dashboard/sample' }>;
  const upsert = sample.workers.upsert;
  assert.equal(upsert.slot.length, 3);
  for (const f of [...NUMERIC_WORKER_FIELDS, 'slot'] as const) assert.ok(upsert[f] instanceof Float64Array, `${f} is a Float64Array`);
  assert.equal(new Set([...NUMERIC_WORKER_FIELDS, 'slot' as const].map((f) => (upsert[f] as Float64Array).buffer)).size, 1, 'in one buffer');
  // What the editor writes as JSON beside the buffer: no numeric column in it.
  const json = JSON.stringify(sample, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { buffer: 0 } : v));
  assert.ok(!json.includes('"memoryBytes":['), json.slice(0, 200));
  assert.ok(isHostMessage(structuredClone(sample)), 'the page accepts it as the editor delivers it');
  await settle();
});

test('session: text crosses once per worker (names, addresses, status stay in the page), and the page reads back the sampler\'s rows', async (t) => {
  const { session, posted, setWorkers } = setup();
  t.after(() => session.dispose());
  await session.receive({ type: 'ready', view: 'dashboard' });
  const page = new WorkerSlotsReceiver();
  const samples = () => posted.filter((m): m is Extract<HostMessage, { type: 'dashboard/sample' }> => m.type === 'dashboard/sample');
  const read = (m: Extract<HostMessage, { type: 'dashboard/sample' }>) => {
    assert.ok(isHostMessage(structuredClone(m)));
    return page.apply(structuredClone(m).workers);
  };
  await session.tick();
  await session.tick();
  const [first, second] = samples();
  assert.ok(first && second);
  assert.equal(first.workers.upsert.text.name.value.length, 3, 'the first sample names every worker');
  assert.ok(read(first));
  // Every worker changed (a new tick's numbers), none of their text did.
  assert.equal(second.workers.upsert.slot.length, 3);
  for (const f of ['address', 'name', 'status', 'memoryColor'] as const) assert.deepEqual(second.workers.upsert.text[f].value, [], `${f} is not sent again`);
  assert.ok(read(second));
  const sampler = (session as unknown as { sampler: { lastSample: { workerRows: unknown[] } } }).sampler;
  const byAddress = (rows: readonly { address: string }[]) => [...rows].sort((a, b) => a.address.localeCompare(b.address));
  assert.deepEqual(byAddress(page.rows()), byAddress(sampler.lastSample.workerRows as { address: string }[]));
  // A worker leaves and a new one joins: its slot is reused, and only the newcomer's text crosses.
  setWorkers(2);
  await session.tick();
  setWorkers(3);
  await session.tick();
  const [, , shrink, grow] = samples();
  assert.equal(shrink!.workers.remove.length, 1);
  assert.ok(read(shrink!));
  assert.deepEqual(grow!.workers.upsert.slot.length, 3);
  assert.deepEqual(grow!.workers.upsert.text.address.value, ['tcp://10.0.0.2:40002'], 'only the new worker\'s address');
  assert.deepEqual([...grow!.workers.upsert.slot].filter((_s, k) => grow!.workers.upsert.text.address.at.includes(k)), [shrink!.workers.remove[0]], 'in the freed slot');
  assert.ok(read(grow!));
  assert.deepEqual(byAddress(page.rows()), byAddress(sampler.lastSample.workerRows as { address: string }[]));
  // A reloaded page says ready again: it gets every row and all their text.
  await session.receive({ type: 'ready', view: 'dashboard' });
  const reset = samples().at(-1)!;
  assert.equal(reset.workers.reset, true);
  assert.equal(reset.workers.upsert.text.name.value.length, 3);
  await settle();
});

test('session: stopped state after repeated failures, recovery after', async (t) => {
  const { session, posted, setDown } = setup();
  t.after(() => session.dispose());
  await session.receive({ type: 'ready', view: 'dashboard' });
  await session.tick();
  setDown(true);
  for (let i = 0; i < 3; i++) await session.tick();
  const states = posted.filter((m) => m.type === 'dashboard/state').map((m) => (m as { state: string }).state);
  assert.deepEqual(states.slice(-3), ['unreachable', 'unreachable', 'stopped']);
  setDown(false);
  await session.tick();
  assert.equal((posted.filter((m) => m.type === 'dashboard/state').at(-1) as { state: string }).state, 'live');
});

test('session: scale requests get a result; malformed messages are ignored; no scale → error result', async (t) => {
  const { session, posted, scaled } = setup();
  t.after(() => session.dispose());
  await session.receive({ type: 'ready', view: 'dashboard' });
  await session.receive({ type: 'dashboard/scale', requestId: 7, workers: 5 });
  assert.deepEqual(scaled, [5]);
  assert.deepEqual(posted.filter((m) => m.type === 'result').at(-1), { type: 'result', requestId: 7, ok: true, message: 'Asked for 5 workers.' });
  const before = posted.length;
  await session.receive({ type: 'dashboard/scale', requestId: 8, workers: -1 });
  await session.receive({ type: 'dashboard/scale', requestId: 'x', workers: 2 });
  assert.equal(posted.length, before);
  assert.deepEqual(scaled, [5]);
  const ro = setup({ scale: false });
  t.after(() => ro.session.dispose());
  await ro.session.receive({ type: 'ready', view: 'dashboard' });
  await ro.session.receive({ type: 'dashboard/scale', requestId: 1, workers: 2 });
  const r = ro.posted.find((m) => m.type === 'result') as Extract<HostMessage, { type: 'result' }>;
  assert.equal(r.ok, false);
  assert.match(r.message, /cannot be scaled/);
});

test('session: polls only while ready and visible', async (t) => {
  const { session } = setup();
  t.after(() => session.dispose());
  session.setVisible(true);
  assert.equal(session.polling, false, 'not before ready');
  await session.receive({ type: 'ready', view: 'dashboard' });
  assert.equal(session.polling, true);
  session.setVisible(false);
  assert.equal(session.polling, false);
  session.setVisible(true);
  assert.equal(session.polling, false, 'a hidden webview was destroyed: wait for its successor to say ready');
  await session.receive({ type: 'ready', view: 'dashboard' });
  assert.equal(session.polling, true);
});

test('session: an outage is one gap (null values) in the series, not a ramp; after Stop the provider\'s word replaces "check your network"', async (t) => {
  let workers = 2;
  let down = false;
  let status: 'running' | 'gone' = 'running';
  let bounds: { minimum: number | null; maximum: number | null } | null = { minimum: 1, maximum: 3 };
  const control: FakeSchedulerControl = { requests: [], payloads: () => (down ? 'down' : syntheticPayloads({ workers, tick: control.requests.length })) };
  const posted: HostMessage[] = [];
  const session = new DashboardSession({
    id: 'local:c1', name: 'c1', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/' }),
    adaptive: () => bounds, lifecycle: async () => status,
    scale: async (n, notify) => { notify?.('Dask Gateway: Scaling to 4 instead.'); workers = n; },
  }, (m) => posted.push(m), { fetch: fakeSchedulerFetch(control), intervalMs: 60_000 });
  t.after(() => session.dispose());
  await session.receive({ type: 'ready', view: 'dashboard' });
  assert.deepEqual((posted.find((m) => m.type === 'dashboard/adaptive') as { adaptive: unknown }).adaptive, { minimum: 1, maximum: 3 });
  await session.tick();
  down = true;
  await session.tick();
  await session.tick();
  workers = 0;
  down = false;
  await session.tick();
  assert.equal(posted.filter((m) => m.type === 'dashboard/gap').length, 1, 'one gap per outage');
  // A fresh page gets the same history: values, one null gap, then the new value.
  posted.length = 0;
  await session.receive({ type: 'ready', view: 'dashboard' });
  const init = posted.find((m) => m.type === 'dashboard/init') as Extract<HostMessage, { type: 'dashboard/init' }>;
  assert.deepEqual(init.series.values.workers.slice(-3), [2, null, 0]);
  assert.ok(posted.every((m) => isHostMessage(m)));

  // Bounds are sent again only when they change.
  posted.length = 0;
  await session.tick();
  assert.equal(posted.filter((m) => m.type === 'dashboard/adaptive').length, 0);
  bounds = null;
  await session.tick();
  assert.deepEqual(posted.filter((m) => m.type === 'dashboard/adaptive').map((m) => (m as { adaptive: unknown }).adaptive), [null]);

  // The provider's warning reaches the page while the request runs, and stays in the result.
  posted.length = 0;
  await session.receive({ type: 'dashboard/scale', requestId: 7, workers: 6 });
  assert.deepEqual(posted.filter((m) => m.type === 'dashboard/notice').map((m) => (m as { message: string }).message), ['Dask Gateway: Scaling to 4 instead.']);
  assert.match((posted.find((m) => m.type === 'result') as { message: string }).message, /Asked for 6 workers\. Dask Gateway: Scaling to 4 instead\./);

  // Stopped: the first failing poll already says so, in the provider's words.
  posted.length = 0;
  status = 'gone';
  down = true;
  await session.tick();
  const state = posted.find((m) => m.type === 'dashboard/state') as Extract<HostMessage, { type: 'dashboard/state' }>;
  assert.equal(state.state, 'stopped');
  assert.equal(state.confirmed, true);
  assert.match(state.message ?? '', /was stopped/);
  assert.doesNotMatch(state.message ?? '', /network/);
});
