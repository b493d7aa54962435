import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE_MARKER, readSchedulerProbe, SCHEDULER_PROBE_FUNCTION, schedulerProbeCode } from '../../../src/dask/scheduler/schedulerProbe';
import { fixtureText } from './schedulerFixtures';

test('the TS copy of the probe is the Python the recorder ran', () => {
  assert.equal(SCHEDULER_PROBE_FUNCTION.trim(), fixtureText('scheduler_probe.py').trim());
});

test('the kernel code uses an existing client (of the given scheduler), prints one marked line and cleans up after itself', () => {
  const code = schedulerProbeCode({ sinceIndex: 42.7, limit: 100, schedulerId: 'Scheduler-1"x' });
  assert.match(code, /default_client\(\)/);
  assert.match(code, /sys\.modules\.get\("distributed"\)/, 'imports distributed into no kernel');
  assert.ok(code.includes('__pangeo_probe_run("Scheduler-1\\"x")'), 'the scheduler id is a quoted literal');
  assert.match(schedulerProbeCode(), /__pangeo_probe_run\(None\)/);
  assert.doesNotMatch(code, /Client\(/, 'never creates a client');
  assert.doesNotMatch(code, /add_plugin|get_task_stream\(/, 'never turns a plugin on');
  assert.match(code, /pangeo_scheduler_probe\(match\[0\], 42, 100\)/);
  assert.ok(code.includes(`print(${JSON.stringify(PROBE_MARKER)}`));
  assert.match(code, /^finally:\n    del pangeo_scheduler_probe, __pangeo_probe_run$/m, 'names removed even when the probe fails');
});

test('recorded answers: busy workers without task stream, then task-stream records once the plugin records', () => {
  const middle = readSchedulerProbe(`some other output\n${PROBE_MARKER}${fixtureText('probe-middle.json')}`);
  assert.equal(middle.kind, 'ok');
  if (middle.kind !== 'ok') return;
  assert.match(middle.value.schedulerId, /^Scheduler-/);
  assert.equal(middle.value.taskStream.recording, false);
  assert.deepEqual(Object.values(middle.value.workers).map((w) => w.name).sort(), ['alpha', 'beta']);
  assert.ok(Object.values(middle.value.workers).every((w) => w.occupancy > 0 && w.processing > 0));

  const rec = readSchedulerProbe(fixtureText('probe-recording.json'));
  assert.equal(rec.kind, 'ok');
  if (rec.kind !== 'ok') return;
  assert.equal(rec.value.taskStream.recording, true);
  assert.equal(rec.value.taskStream.index, 6);
  const bars = rec.value.taskStream.bars;
  assert.ok(bars.every((b) => b.prefix === 'measure' && b.stop >= b.start));
  // One compute bar per task; a task that first read its input back from disk has a disk-read bar too.
  assert.equal(bars.filter((b) => b.action === 'compute').length, 6);
  assert.ok(bars.every((b) => ['compute', 'disk-read', 'transfer'].includes(b.action)));
  assert.equal(rec.value.schedulerId, middle.value.schedulerId);
});

test('kernel-side failures say what to do; junk is malformed', () => {
  const none = readSchedulerProbe(`${PROBE_MARKER}{"probe": 1, "error": "no-client", "message": "No clients found"}`);
  assert.equal(none.kind, 'notServed');
  assert.match(none.kind === 'notServed' ? none.reason : '', /Client\(/);
  assert.equal(readSchedulerProbe('NameError: name x is not defined').kind, 'malformed');
  assert.equal(readSchedulerProbe(`${PROBE_MARKER}{oops`).kind, 'malformed');
  assert.equal(readSchedulerProbe(`${PROBE_MARKER}{"probe": 2}`).kind, 'malformed');
});
