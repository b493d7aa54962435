// The one disposable base: registrations end with their owner, last first, and late ones end at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable, DisposableStore, toDisposable } from '../../../src/core/lifecycle';
import { Emitter } from '../../../src/core/emitter';

class Owner extends Disposable {
  readonly changes = this._register(new Emitter<number>());
  constructor(log: string[]) {
    super();
    this._register(toDisposable(() => log.push('first')));
    this._register(toDisposable(() => log.push('second')));
    this._register({ dispose: () => { throw new Error('a broken disposable'); } });
  }
  register(fn: () => void): void {
    this._register(toDisposable(fn));
  }
}

test('a Disposable ends what it registered in reverse order, past a throwing one, and once', () => {
  const log: string[] = [];
  const owner = new Owner(log);
  const heard: number[] = [];
  owner.changes.event((n) => heard.push(n));
  owner.changes.fire(1);
  owner.dispose();
  owner.changes.fire(2);
  assert.deepEqual(log, ['second', 'first']);
  assert.deepEqual(heard, [1], 'the registered emitter was disposed with its owner');
  owner.dispose();
  assert.deepEqual(log, ['second', 'first'], 'a second dispose does nothing');
  owner.register(() => log.push('late'));
  assert.deepEqual(log, ['second', 'first', 'late'], 'registered after dispose: disposed at once');
});

test('DisposableStore disposes LIFO and reports when it is done', () => {
  const log: number[] = [];
  const store = new DisposableStore();
  for (const n of [1, 2, 3]) store.add(toDisposable(() => log.push(n)));
  assert.equal(store.isDisposed, false);
  store.dispose();
  assert.deepEqual(log, [3, 2, 1]);
  assert.equal(store.isDisposed, true);
});

test('Emitter: one throwing listener neither stops the others nor goes unheard', () => {
  const errors: unknown[] = [];
  const emitter = new Emitter<string>((e) => errors.push(e));
  const heard: string[] = [];
  emitter.event(() => { throw new Error('listener bug'); });
  const sub = emitter.event((v) => heard.push(v));
  emitter.fire('a');
  sub.dispose();
  emitter.fire('b');
  assert.deepEqual(heard, ['a']);
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /listener bug/);
});
