import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byTag, decodeEntities, findAll, findFirst, parseHtml, textOf } from '../../../src/hubs/miniHtml';

test('entities: named, decimal, hex; unknown ones stay', () => {
  assert.equal(decodeEntities('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27; &nbsp;&unknown;'), 'a & b <c> "d" \'e\' \u00a0&unknown;');
});

test('attributes in every quoting style, boolean attributes, void and self-closed elements', () => {
  const root = parseHtml(`<div id=a class='x y'><input type="checkbox" checked name=gpu><br/><img src="a.png"/><span>t&amp;x</span></div>`);
  const div = findFirst(root, byTag('div'))!;
  assert.deepEqual(div.attrs, { id: 'a', class: 'x y' });
  const input = findFirst(root, byTag('input'))!;
  assert.deepEqual(input.attrs, { type: 'checkbox', checked: '', name: 'gpu' });
  assert.equal(input.children.length, 0);
  assert.equal(findFirst(root, byTag('span'))!.parent, div, 'void elements do not swallow their siblings');
  assert.equal(textOf(div), 't&x');
});

test('implied end tags for options; unclosed and stray tags do not break the tree', () => {
  const root = parseHtml('<select name=a><option value=1>One<option value=2 selected>Two</select></p></div><b>bold');
  const options = findAll(root, byTag('option'));
  assert.deepEqual(options.map((o) => [o.attrs.value, textOf(o)]), [['1', 'One'], ['2', 'Two']]);
  assert.equal(textOf(findFirst(root, byTag('b'))!), 'bold');
});

test('script and style bodies are raw text and never parsed as markup', () => {
  const root = parseHtml('<script>if (a < b) { x = "<input name=evil>"; }</script><style>p>b{}</style><input name=real>');
  assert.deepEqual(findAll(root, byTag('input')).map((i) => i.attrs.name), ['real']);
  assert.equal(textOf(root), '');
});

test('comments and doctype are skipped; garbage never throws', () => {
  const root = parseHtml('<!DOCTYPE html><!-- <input name=hidden> --><p>ok');
  assert.deepEqual(findAll(root, byTag('input')), []);
  for (const junk of ['<', '<<>>', '<a href="unterminated>', '</x></y>', '<!--', '\u0000<div\u0000>', 'x'.repeat(10000)]) {
    assert.doesNotThrow(() => parseHtml(junk), junk.slice(0, 20));
  }
});
