import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keySplit } from '../../../src/dask/scheduler/taskKeys';
import { readEventstreamFrame, readEventstreamMessage, TaskStreamHistory } from '../../../src/dashboard/metrics/taskStream';
import { eventstreamUrl } from '../../../src/dashboard/metrics/eventstreamConnection';
import { fixtureText } from './schedulerFixtures';

const events = () => fixtureText('eventstream.jsonl').trim().split('\n').map(readEventstreamFrame);

test('the recorded /eventstream: one bar per start/stop, on known workers, with Dask\'s prefixes', () => {
  const all = events();
  assert.ok(all.every((e) => e.kind !== 'malformed'), 'every real message is understood');
  const workers = new Set(all.flatMap((e) => (e.kind === 'worker-added' ? [e.worker] : [])));
  assert.equal(workers.size, 2);
  const bars = all.flatMap((e) => (e.kind === 'task' ? [e.bar] : []));
  assert.ok(bars.every((b) => workers.has(b.worker) && b.stop >= b.start && b.start > 1.6e12), 'epoch ms on known workers');
  const computed = new Map<string, number>();
  for (const b of bars) if (b.action === 'compute') computed.set(b.prefix, (computed.get(b.prefix) ?? 0) + 1);
  // Every task that finished OK has one compute bar (2 of the 8 checks erred: the eventstream sends no bar for them).
  assert.deepEqual(Object.fromEntries(computed), { load: 24, measure: 30, combine: 12, check: 6, total: 1 });
  assert.deepEqual(new Set(bars.map((b) => b.action)), new Set(['compute', 'transfer', 'disk-write', 'disk-read']));
  assert.ok(all.some((e) => e.kind === 'graph'));
});

test('Dask\'s key_split', () => {
  assert.equal(keySplit('load-bf54ff8cacf9c2c8a13f4b3bc494efc6'), 'load');
  assert.equal(keySplit('measure-70dc0cc5-f7fc-43a9-b5f7-268ebe666b45-4'), 'measure');
  assert.equal(keySplit('hello-world-1'), 'hello-world');
  assert.equal(keySplit("('sum-aggregate-1a2b3c', 0, 1)"), 'sum-aggregate');
  assert.equal(keySplit(['random_sample-abc123', 0, 0]), 'random_sample');
  assert.equal(keySplit('x-abcdefab'), 'x', 'an 8-letter hex word is a token, not a name');
  assert.equal(keySplit('ae05086432ca935f6eba409a8ecd4896'), 'data');
  assert.equal(keySplit('<module.submodule.myclass object at 0xdaf372'), 'myclass');
  assert.equal(keySplit('_(x)'), 'x');
  assert.equal(keySplit(null), 'Other');
});

test('odd messages are typed, never thrown', () => {
  assert.equal(readEventstreamFrame('not json').kind, 'malformed');
  assert.equal(readEventstreamMessage({ name: 'transition', key: 'x-1' }).kind, 'malformed');
  assert.equal(readEventstreamMessage({ nope: 1 }).kind, 'malformed');
  assert.deepEqual(readEventstreamMessage({ name: 'something_new' }), { kind: 'other', name: 'something_new' });
  assert.deepEqual(readEventstreamMessage({ name: 'remove_worker', worker: 'tcp://a:1' }), { kind: 'worker-removed', worker: 'tcp://a:1' });
});

test('the history keeps the bars of the last keepMs before the newest, and at most maxBars, in a ring', () => {
  const w = new TaskStreamHistory(10_000, 100);
  for (let i = 0; i < 300; i++) w.add({ key: `k-${i}`, prefix: 'k', worker: 'w', action: 'compute', start: i * 100, stop: i * 100 + 50, status: 'OK' });
  const bars = w.all();
  assert.equal(bars.length, 100);
  assert.equal(bars[0]!.key, 'k-200');
  assert.equal(bars.at(-1)!.key, 'k-299');
  assert.equal(w.within(5_000).length, 51, 'only bars that stopped within 5 s of the newest');
  w.add({ key: 'late', prefix: 'k', worker: 'w', action: 'compute', start: 45_000, stop: 45_050, status: 'OK' });
  assert.deepEqual(w.all().map((b) => b.key), ['late'], 'bars more than 10 s before the newest are gone');
});

test('the eventstream address hangs off the dashboard base, ws or wss', () => {
  assert.equal(eventstreamUrl('http://127.0.0.1:8787/'), 'ws://127.0.0.1:8787/eventstream');
  assert.equal(eventstreamUrl('https://gw.example.org/services/dask-gateway/clusters/abc'), 'wss://gw.example.org/services/dask-gateway/clusters/abc/eventstream');
});
