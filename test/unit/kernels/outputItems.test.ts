// Mime bundles to output items, and terminal controls in streams.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTerminalControls, bundleToItems } from '../../../src/kernels/outputItems';

describe('output items', () => {
  test('text mimes stay text, in the kernel order; nbformat line arrays are joined', () => {
    assert.deepEqual(bundleToItems({ 'text/html': ['<b>', 'x</b>'], 'text/plain': 'x', 'image/svg+xml': '<svg/>' }), [
      { kind: 'text', mime: 'text/html', text: '<b>x</b>' },
      { kind: 'text', mime: 'text/plain', text: 'x' },
      { kind: 'text', mime: 'image/svg+xml', text: '<svg/>' },
    ]);
  });

  test('JSON mimes (also +json and JSON sent as a string) become values; binary images base64', () => {
    assert.deepEqual(bundleToItems({ 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'application/json': '{"a":1}', 'image/jpeg': 'AA\nBB' }), [
      { kind: 'json', mime: 'application/vnd.vegalite.v5+json', value: { mark: 'bar' } },
      { kind: 'json', mime: 'application/json', value: { a: 1 } },
      { kind: 'base64', mime: 'image/jpeg', base64: 'AABB' },
    ]);
  });

  test('terminal controls', () => {
    assert.equal(applyTerminalControls('plain\ntext'), 'plain\ntext');
    assert.equal(applyTerminalControls('10%\r20%\r30%'), '30%');
    assert.equal(applyTerminalControls('abcdef\rXY'), 'XYcdef');
    assert.equal(applyTerminalControls('a\r\nb'), 'a\nb');
    assert.equal(applyTerminalControls('abc\b\bZ'), 'aZ');
    assert.equal(applyTerminalControls('one\r1\ntwo'), '1ne\ntwo');
  });
});
