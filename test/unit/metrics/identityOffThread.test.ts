import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerSampler, type SamplerOptions } from '../../../src/dashboard/metrics/schedulerSampler';
import { IdentityOffThread, IdentityThreadFailed } from '../../../src/dashboard/metrics/identityOffThread';
import { isPangeoError } from '../../../src/core/http/errors';
import type { Logger } from '../../../src/core/log';
import { fakeSchedulerFetch, type FakeSchedulerControl, syntheticPayloads } from './syntheticScheduler';
import { identityThreadScript } from './identityThreadBundle';
import type { Worker } from 'node:worker_threads';
import type { IdentityThreadReply } from '../../../src/dashboard/metrics/identityRows';
import { TEXT_WORKER_FIELDS } from '../../../src/shared/dashboard/workerSlots';

const scratch = mkdtempSync(join(tmpdir(), 'pangeo-identity-thread-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, trace() {}, info() {}, error() {}, warn: (m) => warnings.push(m) };
}

function sampler(control: FakeSchedulerControl, identityThread: SamplerOptions['identityThread'], logger?: Logger): SchedulerSampler {
  const s = new SchedulerSampler({ dashboardUrl: 'http://sched.test:8787/' }, { fetch: fakeSchedulerFetch(control), identityThread, logger, now: () => 1_800_000_000_000 });
  after(() => s.dispose());
  return s;
}

test('a big identity.json is read on the worker thread, with the very samples the host thread makes', async () => {
  let tick = 0;
  // Paced heartbeats: a third of the workers change per poll, as Dask paces them in big clusters.
  const control = (): FakeSchedulerControl => ({ requests: [], payloads: () => syntheticPayloads({ workers: 300, tick, heartbeatEvery: 3, baseTime: 1_800_000_000 }) });
  const here = sampler(control(), false);
  const there = sampler(control(), { script: await identityThreadScript(), aboveBytes: 0 });
  let before: Map<string, object> | undefined;
  for (; tick < 6; tick++) {
    const [a, b] = [await here.poll(), await there.poll()];
    assert.ok(a.ok && b.ok);
    assert.deepEqual(b.sample, a.sample);
    assert.deepEqual(b.diff, a.diff);
    if (tick > 0) {
      assert.equal(b.diff.changed.length, 100, 'the diff sees the third of the workers that heartbeat');
      // A row that did not change crossed back as its address and is the object the host already had.
      const kept = b.sample.workerRows.filter((r) => before!.get(r.address) === r).length;
      assert.equal(kept, 200);
    }
    before = new Map(b.sample.workerRows.map((r) => [r.address, r]));
  }
  assert.equal(there.readsOffThread, true);
  assert.equal(here.readsOffThread, false);
});

test('the thread\'s own diff is the one the host thread would make, as workers come, go and heartbeat', async () => {
  let step = 0;
  // [workers, tick]: paced heartbeats, then workers leaving, joining, none changing, and a read that makes no sample.
  const steps: [number, number][] = [[300, 0], [300, 1], [290, 2], [310, 3], [310, 3], [310, 4], [310, 5], [305, 6]];
  const control = (): FakeSchedulerControl => ({ requests: [], payloads: () => syntheticPayloads({ workers: steps[step]![0], tick: steps[step]![1], heartbeatEvery: 3, baseTime: 1_800_000_000 }) });
  const here = sampler(control(), false);
  const there = sampler(control(), { script: await identityThreadScript(), aboveBytes: 0 });
  const seen: { added: number; removed: number; changed: number }[] = [];
  for (; step < steps.length; step++) {
    // Step 6 is read once without becoming a sample (as a cancelled tick's read): its diff must not be used for step 7.
    if (step === 6) {
      await there.sample();
      continue;
    }
    const [a, b] = [await here.poll(), await there.poll()];
    assert.ok(a.ok && b.ok);
    assert.deepEqual(b.sample, a.sample, `step ${step}`);
    assert.deepEqual(b.diff, a.diff, `step ${step}`);
    seen.push({ added: b.diff.added.length, removed: b.diff.removed.length, changed: b.diff.changed.length });
  }
  assert.equal(there.readsOffThread, true);
  assert.deepEqual(seen, [
    { added: 300, removed: 0, changed: 0 }, { added: 0, removed: 0, changed: 100 }, { added: 0, removed: 10, changed: 97 },
    { added: 20, removed: 0, changed: 97 }, { added: 0, removed: 0, changed: 0 }, { added: 0, removed: 0, changed: 103 },
    { added: 0, removed: 5, changed: 204 },
  ]);
});

test('with the same workers in the same order, only the changed rows cross, by index, and the rest stay the host\'s objects', async () => {
  const t = new IdentityOffThread(await identityThreadScript());
  after(() => t.dispose());
  const bytes = (tick: number) => new TextEncoder().encode(JSON.stringify(syntheticPayloads({ workers: 30, tick, heartbeatEvery: 3, baseTime: 1_800_000_000 }).identity));
  const first = await t.read(bytes(0), 0);
  assert.deepEqual(first.known?.diff.added.length, 30);
  const second = await t.read(bytes(1), 0);
  assert.equal(second.known?.from, first.rows, 'the diff is against the rows of the last read');
  const changed = new Set(second.known.diff.changed);
  assert.equal(changed.size, 10);
  assert.deepEqual([second.known.diff.added, second.known.diff.removed], [[], []]);
  second.rows.forEach((row, i) => {
    assert.equal(row.address, first.rows[i]!.address, 'the same order');
    if (!changed.has(row)) assert.equal(row, first.rows[i], `row ${i} did not change: the same object`);
    else assert.notDeepEqual(row, first.rows[i]);
  });
});

test('from the thread, a changed row\'s unchanged text does not cross again; changed text does, for that row', async () => {
  const t = new IdentityOffThread(await identityThreadScript());
  after(() => t.dispose());
  const identity = (tick: number, rename?: string) => {
    const body = syntheticPayloads({ workers: 30, tick, baseTime: 1_800_000_000 }).identity as { workers: Record<string, { name: string; status: string }> };
    const third = Object.values(body.workers)[3]!;
    if (rename) [third.name, third.status] = [rename, 'paused'];
    return new TextEncoder().encode(JSON.stringify(body));
  };
  const first = await t.read(identity(0), 0);
  // What the thread sends, as the host thread receives it.
  const replies: IdentityThreadReply[] = [];
  (t as unknown as { worker: Worker }).worker.on('message', (r: IdentityThreadReply) => replies.push(r));
  const second = await t.read(identity(1), 0);
  const quiet = replies.at(-1)!;
  assert.ok(quiet.ok && 'at' in quiet, 'the same workers in the same order');
  assert.equal(quiet.at.slot.length, 30, 'every worker changed');
  for (const f of TEXT_WORKER_FIELDS) assert.deepEqual(quiet.at.text[f], { at: [], value: [] }, `${f} is not sent again`);
  assert.deepEqual(second.rows.map((r) => [r.address, r.name, r.status]), first.rows.map((r) => [r.address, r.name, r.status]));
  const third = await t.read(identity(2, 'renamed ⟨w3⟩'), 0);
  const renamed = replies.at(-1)!;
  assert.ok(renamed.ok && 'at' in renamed);
  assert.deepEqual([renamed.at.text.name, renamed.at.text.status], [{ at: [3], value: ['renamed ⟨w3⟩'] }, { at: [3], value: ['paused'] }]);
  assert.deepEqual(renamed.at.text.address, { at: [], value: [] });
  assert.deepEqual([third.rows[3]!.name, third.rows[3]!.status, third.rows[4]!.name], ['renamed ⟨w3⟩', 'paused', first.rows[4]!.name]);
});

test('the thread starts only from the size given, and not at all when turned off', async () => {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 3 }) };
  const script = await identityThreadScript();
  const small = sampler(control, { script, aboveBytes: 1_000_000 });
  assert.ok((await small.poll()).ok);
  assert.equal(small.readsOffThread, false);
  const big = sampler(control, { script, aboveBytes: 100 });
  assert.ok((await big.poll()).ok);
  assert.equal(big.readsOffThread, true);
  // By default from 256 KiB: ~300 workers' heartbeats.
  const byDefault = (workers: number) => sampler({ requests: [], payloads: () => syntheticPayloads({ workers }) }, { script });
  const [few, many] = [byDefault(200), byDefault(400)];
  assert.ok((await few.poll()).ok && (await many.poll()).ok);
  assert.deepEqual([few.readsOffThread, many.readsOffThread], [false, true]);
});

test('an answer that is not a scheduler\'s names the URL, from the thread as from the host thread', async () => {
  const script = await identityThreadScript();
  for (const body of ['<html>proxy login</html>', '{"workers": []}']) {
    const base = fakeSchedulerFetch({ requests: [], payloads: () => syntheticPayloads({ workers: 1 }) });
    const fetch = (async (input: string | URL | Request, init?: RequestInit) =>
      String(input).endsWith('identity.json') ? new Response(body) : base(input, init)) as typeof globalThis.fetch;
    for (const identityThread of [false, { script, aboveBytes: 0 }] as const) {
      const s = new SchedulerSampler({ dashboardUrl: 'http://sched.test:8787/' }, { fetch, identityThread, stoppedAfter: 1 });
      after(() => s.dispose());
      const r = await s.poll();
      assert.equal(r.ok, false);
      assert.ok(!r.ok && isPangeoError(r.error, 'UnexpectedResponse'), `${body}: ${!r.ok && r.error.message}`);
      assert.match(r.error.message, /sched\.test:8787\/json\/identity\.json is not a Dask scheduler dashboard/);
      assert.equal(r.state, 'stopped');
      assert.equal(s.readsOffThread, identityThread !== false, 'a rejected answer does not end the thread');
    }
  }
});

test('without the thread\'s file, or when the thread crashes, identity.json is read on the host thread', async () => {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 4 }) };
  const quiet = recordingLogger();
  const missing = sampler(control, { script: join(scratch, 'nope.js'), aboveBytes: 0 }, quiet);
  const r1 = await missing.poll();
  assert.ok(r1.ok);
  assert.equal(r1.sample.workers, 4);
  assert.equal(missing.readsOffThread, false);
  assert.deepEqual(quiet.warnings, [], 'a development run without the bundle is not a warning');

  const crashing = join(scratch, 'crash.js');
  writeFileSync(crashing, 'require("node:worker_threads").parentPort.on("message", () => { throw new Error("boom"); });');
  const logger = recordingLogger();
  const s = sampler(control, { script: crashing, aboveBytes: 0 }, logger);
  for (let i = 0; i < 3; i++) {
    const r = await s.poll();
    assert.ok(r.ok, `poll ${i} still reads the workers`);
    assert.equal(r.sample.workers, 4);
  }
  assert.equal(s.readsOffThread, false);
  assert.equal(logger.warnings.length, 1, logger.warnings.join('\n'));
  assert.match(logger.warnings[0]!, /worker thread failed \(boom\)/);
});

test('a thread that does not answer is given up after its timeout', async () => {
  const silent = join(scratch, 'silent.js');
  writeFileSync(silent, 'require("node:worker_threads").parentPort.on("message", () => {});');
  const logger = recordingLogger();
  const t = new IdentityOffThread(silent, logger, 200);
  await assert.rejects(t.read(new TextEncoder().encode('{"workers": {}}'), 0), IdentityThreadFailed);
  assert.equal(t.usable, false);
  assert.match(logger.warnings.join('\n'), /no answer in 200 ms/);
  await t.exited;
});

test('dispose ends the thread', async () => {
  const control: FakeSchedulerControl = { requests: [], payloads: () => syntheticPayloads({ workers: 2 }) };
  const t = new IdentityOffThread(await identityThreadScript());
  const bytes = new TextEncoder().encode(JSON.stringify(control.payloads() !== 'down' && (control.payloads() as { identity: object }).identity));
  assert.equal((await t.read(bytes, 0)).rows.length, 2);
  assert.equal(t.running, true);
  t.dispose();
  assert.equal(t.running, false);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([t.exited, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the thread is still running')), 30_000); })]);
  clearTimeout(timer);
  await assert.rejects(t.read(bytes, 0), IdentityThreadFailed, 'a disposed reader sends nothing more');

  const s = sampler(control, { script: await identityThreadScript(), aboveBytes: 0 });
  assert.ok((await s.poll()).ok);
  assert.equal(s.readsOffThread, true);
  s.dispose();
  assert.equal(s.readsOffThread, false);
});
