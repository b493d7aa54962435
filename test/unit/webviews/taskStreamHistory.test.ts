// The task stream's history on the host (issue 22): the bars of the last two minutes survive a hidden panel and a
// reloaded page (the page gets them all back on `ready`), the user's "stop" forgets them, and memory stays bounded by
// count however busy the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DashboardSession } from '../../../src/dashboard/dashboardSession';
import type { EventstreamOptions } from '../../../src/dashboard/metrics/eventstreamConnection';
import { TASK_STREAM_MAX_BARS, type TaskBar } from '../../../src/shared/dashboard/taskStreamModel';
import { isHostMessage, type HostMessage } from '../../../src/shared/protocol/panels';
import { fakeSchedulerFetch, type FakeSchedulerControl, syntheticPayloads } from '../metrics/syntheticScheduler';
import { mockClock } from '../../support/mockClock';

const T0 = Date.parse('2026-12-06T21:00:00Z');

function bar(i: number, stop: number): TaskBar {
  return { key: `inc-${i}`, prefix: 'inc', worker: `tcp://10.0.0.${i % 4}:1`, action: 'compute', start: stop - 300, stop, thread: 0, status: 'OK' };
}

function harness() {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 4, tick: 0 }) };
  const posted: HostMessage[] = [];
  let stream: EventstreamOptions | undefined;
  let opens = 0;
  const s = new DashboardSession({ id: 'local:c1', name: 'c1', connection: async () => ({ dashboardUrl: 'http://sched.test:8787/status' }) },
    (m) => posted.push(m), {
      fetch: fakeSchedulerFetch(control), intervalMs: 3_600_000,
      openEventstream: async (o) => {
        opens++;
        stream = o;
        return { close: () => { if (stream === o) stream = undefined; } };
      },
    });
  const send = (b: TaskBar) => stream!.onEvent({ kind: 'task', bar: b });
  const taskStreams = () => posted.filter((m): m is Extract<HostMessage, { type: 'dashboard/taskStream' }> => m.type === 'dashboard/taskStream');
  return { s, posted, send, taskStreams, opens: () => opens };
}

test('task stream history: 70 s of bars survive hide and show (the new page gets them all on ready); stop forgets them', async (t) => {
  const clock = mockClock(t);
  const h = harness();
  t.after(() => h.s.dispose());
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  h.s.setVisible(true);
  await h.s.receive({ type: 'dashboard/setTaskStream', on: true });
  await clock.settle();
  assert.equal(h.opens(), 1);
  // 70 s of a steady stream: 10 bars a second, batched to the page every 500 ms.
  for (let i = 0; i < 700; i++) {
    h.send(bar(i, T0 + i * 100));
    if (i % 5 === 4) await clock.advance(100);
  }
  await clock.advance(1000);
  const live = h.taskStreams().flatMap((m) => m.bars);
  assert.equal(live.length, 700, 'every bar reached the page');
  // The panel is hidden (another tab, a theme picked in the settings editor), then shown: a new page says ready.
  h.s.setVisible(false);
  await clock.settle();
  h.posted.length = 0;
  h.s.setVisible(true);
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  await clock.settle();
  const replay = h.taskStreams()[0]!;
  assert.ok(isHostMessage(replay));
  assert.equal(replay.bars.length, 700, 'the new page gets the history');
  const span = replay.bars.at(-1)!.stop - replay.bars[0]!.stop;
  assert.ok(span >= 60_000, `at least the last minute (${span / 1000} s)`);
  assert.equal(h.opens(), 2, 'the stream opened again');
  // A page reloaded while visible (a webview reload) gets them too, once.
  h.posted.length = 0;
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  await clock.advance(1000);
  assert.deepEqual(h.taskStreams().map((m) => m.bars.length), [700]);
  // The user switches it off: the history goes with it.
  await h.s.receive({ type: 'dashboard/setTaskStream', on: false });
  h.posted.length = 0;
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  await clock.settle();
  assert.deepEqual(h.taskStreams().map((m) => m.bars.length), [0]);
});

test('task stream history: memory is bounded by count however busy the stream (200,000 bars in 60 s)', async (t) => {
  const clock = mockClock(t);
  const h = harness();
  t.after(() => h.s.dispose());
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  h.s.setVisible(true);
  await h.s.receive({ type: 'dashboard/setTaskStream', on: true });
  await clock.settle();
  for (let i = 0; i < 200_000; i++) h.send(bar(i, T0 + i * 0.3));
  await clock.advance(1000);
  h.posted.length = 0;
  await h.s.receive({ type: 'ready', view: 'dashboard' });
  await clock.settle();
  const replay = h.taskStreams()[0]!;
  assert.equal(replay.bars.length, TASK_STREAM_MAX_BARS);
  assert.equal(replay.bars.at(-1)!.key, 'inc-199999', 'the newest kept');
});
