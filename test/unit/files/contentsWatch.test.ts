// Change detection by polling the Contents API: what is polled (only what is watched, bounded), the events a round
// reports (one batch, once per path), our own changes not reported again, back-off and pausing — over an in-memory tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentsChange, ContentsWatch, ContentsWatchOptions } from '../../../src/files/contentsWatch';
import type { ContentsEntry } from '../../../src/files/contentsModels';
import { NotFoundError, UnreachableError } from '../../../src/core/http/errors';
import { ServerNotRunningError, WrongContentTypeError } from '../../../src/files/contentsErrors';

/** A server tree in memory: path → folder or file with a last_modified that moves on each change. */
class Tree {
  nodes = new Map<string, { dir: boolean; lm: string }>([['', { dir: true, lm: 't0' }]]);
  calls: string[] = [];
  failWith?: Error;
  private clock = 0;
  set(path: string, dir = false) {
    this.nodes.set(path, { dir, lm: `t${++this.clock}` });
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    this.nodes.get(parent)!.lm = `t${++this.clock}`;
  }
  remove(path: string) {
    for (const p of [...this.nodes.keys()]) if (p === path || p.startsWith(`${path}/`)) this.nodes.delete(p);
  }
  entry(path: string): ContentsEntry {
    const n = this.nodes.get(path);
    if (!n) throw new NotFoundError(path);
    return { name: path.split('/').pop()!, path, type: n.dir ? 'directory' : 'file', writable: true, lastModified: n.lm, mtime: 0, ctime: 0 };
  }
  async stat(path: string) {
    this.calls.push(`stat ${path}`);
    if (this.failWith) throw this.failWith;
    return this.entry(path);
  }
  async list(path: string) {
    this.calls.push(`list ${path}`);
    if (this.failWith) throw this.failWith;
    const e = this.entry(path);
    if (e.type !== 'directory') throw new WrongContentTypeError(path, 'file', 'directory');
    const prefix = path ? `${path}/` : '';
    const children = [...this.nodes.keys()].filter((k) => k !== path && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'));
    return { entry: e, children: children.map((c) => this.entry(c)) };
  }
}

/** A watch with manual timers: `due()` says when the next round is armed, `fire()` runs it. */
function setup(opts: Partial<ContentsWatchOptions> = {}) {
  const tree = new Tree();
  const batches: ContentsChange[][] = [];
  let now = 0;
  let timer: { fn: () => void; at: number } | undefined;
  let available = true;
  let stopped = 0;
  const watch = new ContentsWatch({
    source: () => (available ? tree : undefined),
    onChanges: (c) => batches.push(c),
    onServerStopped: () => stopped++,
    intervalMs: 1000, idleMaxMs: 8000, errorMaxMs: 30_000,
    setTimer: (fn, ms) => (timer = { fn, at: now + ms }),
    clearTimer: () => (timer = undefined),
    now: () => now,
    ...opts,
  });
  const fire = async () => {
    const t = timer;
    assert.ok(t, 'a round is armed');
    now = t.at;
    timer = undefined;
    t.fn();
    // Let the round's awaits settle, then it re-arms.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  return {
    tree, watch, batches, fire,
    due: () => (timer ? timer.at - now : undefined),
    setAvailable: (a: boolean) => (available = a),
    stopped: () => stopped,
    flat: () => batches.flat().map((c) => `${c.kind} ${c.path}`).sort(),
  };
}

test('a watched folder: the first round is the baseline; then created, changed and deleted children come in one batch', async () => {
  const t = setup();
  t.tree.set('data', true);
  t.tree.set('data/a.csv');
  t.tree.set('data/b.csv');
  t.watch.watch('data', { recursive: false });
  await t.fire();
  assert.deepEqual(t.batches, []);
  t.tree.set('data/a.csv');
  t.tree.remove('data/b.csv');
  t.tree.set('data/new.nc');
  await t.fire();
  assert.equal(t.batches.length, 1, 'one event for the round');
  assert.deepEqual(t.flat(), ['changed data/a.csv', 'created data/new.nc', 'deleted data/b.csv']);
  await t.fire();
  assert.equal(t.batches.length, 1, 'nothing new: nothing reported');
});

test('a watched file is polled with a stat: changed, deleted, created again', async () => {
  const t = setup();
  t.tree.set('out.txt');
  t.watch.watch('out.txt', { recursive: false });
  await t.fire();
  t.tree.set('out.txt');
  await t.fire();
  t.tree.remove('out.txt');
  await t.fire();
  t.tree.set('out.txt');
  await t.fire();
  assert.deepEqual(t.batches, [[{ path: 'out.txt', kind: 'changed' }], [{ path: 'out.txt', kind: 'deleted' }], [{ path: 'out.txt', kind: 'created' }]]);
  assert.ok(t.tree.calls.every((c) => c === 'stat out.txt'), t.tree.calls.join());
});

test('a recursive watch polls only the folders the editor listed and the files it read below it, not the whole tree', async () => {
  const t = setup();
  for (const d of ['a', 'a/deep', 'b', 'c']) t.tree.set(d, true);
  t.tree.set('a/deep/x.txt');
  t.tree.set('c/open.py');
  t.tree.set('b/y.txt');
  t.watch.watch('', { recursive: true });
  t.watch.noteListed('a/deep');
  t.watch.noteRead('c/open.py');
  t.watch.noteRead('a/deep/x.txt');
  assert.deepEqual(t.watch.targets(), ['', 'a/deep', 'c/open.py', 'a/deep/x.txt'], 'before its folder has a baseline, the file is polled itself');
  await t.fire();
  assert.deepEqual(t.watch.targets(), ['', 'a/deep', 'c/open.py'], 'then it is seen in its folder\'s listing');
  t.tree.set('a/deep/x.txt');
  t.tree.set('c/open.py');
  t.tree.set('b/y.txt'); // b was never listed: not polled (the root's listing shows b's own last_modified move)
  await t.fire();
  assert.deepEqual(t.flat(), ['changed a/deep/x.txt', 'changed b', 'changed c', 'changed c/open.py']);
  assert.ok(!t.tree.calls.some((c) => c.includes(' b')), t.tree.calls.join());
});

test('a non-recursive watch does not poll below it; a deleted folder stops being polled', async () => {
  const t = setup();
  t.tree.set('w', true);
  t.tree.set('w/sub', true);
  t.watch.watch('w', { recursive: false });
  t.watch.noteListed('w/sub');
  assert.deepEqual(t.watch.targets(), ['w']);
  const stop = t.watch.watch('', { recursive: true });
  assert.deepEqual(t.watch.targets(), ['w', '', 'w/sub']);
  await t.fire();
  t.tree.remove('w/sub');
  await t.fire();
  assert.deepEqual(t.flat(), ['deleted w/sub']);
  assert.deepEqual(t.watch.targets(), ['w', '']);
  stop();
  assert.deepEqual(t.watch.targets(), ['w']);
  // The same folder watched both ways: below it is polled only while a recursive watch remains.
  t.watch.noteListed('w/sub2');
  const both = t.watch.watch('w', { recursive: true });
  assert.deepEqual(t.watch.targets(), ['w', 'w/sub2']);
  both();
  assert.deepEqual(t.watch.targets(), ['w']);
});

test('many remembered folders: at most maxRequestsPerRound requests a round, each folder polled in turn', async () => {
  const t = setup({ maxRequestsPerRound: 3, maxRemembered: 5 });
  for (let i = 0; i < 8; i++) {
    t.tree.set(`d${i}`, true);
    t.watch.noteListed(`d${i}`);
  }
  t.watch.watch('', { recursive: true });
  assert.equal(t.watch.targets().length, 6, 'the root and the 5 most recent folders');
  assert.ok(!t.watch.targets().includes('d0'), 'the oldest are dropped');
  const polled = new Set<string>();
  for (let round = 0; round < 2; round++) {
    const before = t.tree.calls.length;
    await t.fire();
    const calls = t.tree.calls.slice(before);
    assert.ok(calls.filter((c) => c.startsWith('stat') || c.startsWith('list')).length <= 6, calls.join());
    for (const c of calls) polled.add(c.split(' ')[1] ?? '');
  }
  assert.equal(polled.size, 6, [...polled].join());
});

test('our own changes are not reported again by the next round, nor the folder they changed', async () => {
  const t = setup();
  t.tree.set('f.txt');
  t.tree.set('d', true);
  t.watch.watch('', { recursive: true });
  t.watch.noteListed('d');
  await t.fire();
  t.tree.set('d/saved.txt');
  t.watch.noteLocalChange('d/saved.txt', t.tree.entry('d/saved.txt'));
  t.tree.set('f.txt');
  t.watch.noteLocalChange('f.txt', t.tree.entry('f.txt'));
  t.tree.set('mine.txt');
  t.watch.noteLocalChange('mine.txt', t.tree.entry('mine.txt'));
  t.tree.remove('f.txt');
  t.watch.noteLocalChange('f.txt', undefined);
  t.tree.set('theirs.txt');
  await t.fire();
  assert.deepEqual(t.flat(), ['created theirs.txt']);
  t.tree.set('d/theirs.txt');
  await t.fire();
  assert.deepEqual(t.flat(), ['changed d', 'created d/theirs.txt', 'created theirs.txt'], 'd is reported again once its own change was seen');
});

test('idle rounds slow down to idleMaxMs; a change or poke brings the interval back; errors back off to errorMaxMs', async () => {
  const t = setup();
  t.watch.watch('', { recursive: false });
  assert.equal(t.due(), 1000);
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    await t.fire();
    delays.push(t.due()!);
  }
  assert.deepEqual(delays, [1500, 2250, 3375, 5063, 7594, 8000, 8000]);
  t.watch.poke();
  assert.equal(t.due(), 1000, 'activity: the next round soon');
  t.tree.failWith = new UnreachableError('x');
  const errors: number[] = [];
  for (let i = 0; i < 6; i++) {
    await t.fire();
    errors.push(t.due()!);
  }
  assert.deepEqual(errors, [2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(t.batches.length, 0);
  t.tree.failWith = undefined;
  t.tree.set('back.txt');
  await t.fire();
  assert.deepEqual(t.flat(), ['created back.txt']);
  assert.equal(t.due(), 1000);
});

test('the server stopping pauses the watch (no more requests); resume reports what changed meanwhile', async () => {
  const t = setup();
  t.watch.watch('', { recursive: false });
  await t.fire();
  t.tree.failWith = new ServerNotRunningError('alice');
  await t.fire();
  assert.equal(t.stopped(), 1);
  assert.ok(t.watch.isPaused);
  assert.equal(t.due(), undefined, 'nothing armed while paused');
  t.tree.failWith = undefined;
  t.tree.set('made-while-stopped.txt');
  t.watch.resume();
  await t.fire();
  assert.deepEqual(t.flat(), ['created made-while-stopped.txt']);
});

test('no source (server not ready) sends nothing; the last unwatch and dispose disarm the timer', async () => {
  const t = setup();
  t.setAvailable(false);
  const stop = t.watch.watch('', { recursive: true });
  await t.fire();
  assert.deepEqual(t.tree.calls, []);
  stop();
  assert.equal(t.due(), undefined);
  t.watch.watch('', { recursive: true });
  assert.notEqual(t.due(), undefined);
  t.watch.dispose();
  assert.equal(t.due(), undefined);
});

test('a watched folder replaced by a file (and back) is reported as deleted and created', async () => {
  const t = setup();
  t.tree.set('x', true);
  t.watch.watch('x', { recursive: false });
  await t.fire();
  t.tree.remove('x');
  t.tree.set('x');
  await t.fire();
  assert.deepEqual(t.batches, [[{ path: 'x', kind: 'deleted' }, { path: 'x', kind: 'created' }]]);
});

test('what the editor listed or read is the baseline: a change right after it is reported by the first poll', async () => {
  const t = setup();
  t.tree.set('d', true);
  t.tree.set('d/x.txt');
  t.tree.set('open.txt');
  t.tree.set('far', true);
  t.tree.set('far/away.txt');
  t.watch.watch('d', { recursive: true });
  t.watch.watch('far/away.txt', { recursive: false });
  await t.fire(); // baselines of the watched paths
  t.watch.watch('', { recursive: true });
  // The Explorer expands d/ and an editor opens open.txt; the server changes both before the next round.
  t.watch.noteListed('d', await t.tree.list('d'));
  t.watch.noteRead('open.txt', t.tree.entry('open.txt'));
  t.tree.set('d/x.txt');
  t.tree.set('open.txt');
  t.tree.set('d/y.txt');
  await t.fire();
  assert.deepEqual(t.flat(), ['changed d/x.txt', 'changed open.txt', 'created d/y.txt']);
});

test('a poke while a round is in flight: that round finishes, and the next comes one interval after the poke, not after the idle back-off', async () => {
  const t = setup();
  const list = t.tree.list.bind(t.tree);
  let hold = false;
  let release: (() => void) | undefined;
  t.tree.list = async (path: string) => {
    if (hold) await new Promise<void>((r) => (release = r));
    return list(path);
  };
  t.watch.watch('', { recursive: false });
  for (let i = 0; i < 3; i++) await t.fire();
  assert.equal(t.due(), 3375, 'idle: slowed down');
  hold = true;
  await t.fire();
  assert.ok(release, 'a round is in flight');
  assert.equal(t.due(), undefined, 'nothing armed while it runs (rounds never overlap)');
  t.watch.poke();
  hold = false;
  release();
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(t.due(), 1000);
});
