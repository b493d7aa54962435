// MutableDisposable: the slot for a disposable that is replaced (a loop restarted at a new interval).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutableDisposable, toDisposable } from '../../../src/core/lifecycle';

test('a new value or clear() ends the old one; after dispose() a value set is ended at once and not kept', () => {
  const log: string[] = [];
  const item = (name: string) => toDisposable(() => log.push(name));
  const slot = new MutableDisposable();
  const a = item('a');
  slot.value = a;
  slot.value = a;
  assert.deepEqual(log, [], 'setting the same value again ends nothing');
  slot.value = item('b');
  assert.deepEqual(log, ['a']);
  slot.clear();
  assert.deepEqual(log, ['a', 'b']);
  assert.equal(slot.value, undefined);
  slot.value = item('c');
  slot.dispose();
  slot.dispose();
  assert.deepEqual(log, ['a', 'b', 'c']);
  slot.value = item('late');
  assert.deepEqual(log, ['a', 'b', 'c', 'late']);
  assert.equal(slot.value, undefined);
});
