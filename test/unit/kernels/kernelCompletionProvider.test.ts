// The editor adapter of the kernel's completions (src/kernels/editor/kernelCompletionProvider.ts) with the one vscode
// fake: merged with the other providers (a name they offer is not repeated), ours marked "kernel" and typed, only for
// code cells of notebooks on our connected kernel, off by the setting, hovers as untrusted code blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { createFakeVscode, type FakeVscode } from '../../support/fakeVscode';
import { hoverMarkdown, KERNEL_ITEM_DESCRIPTION, registerKernelCompletions } from '../../../src/kernels/editor/kernelCompletionProvider';
import type { IntrospectionSession } from '../../../src/kernels/kernelCompletions';
import { renderMarkdown } from '../../support/untrustedChecks';

class Position {
  constructor(readonly line: number, readonly character: number) {}
  isAfter(o: Position) {
    return this.line > o.line || (this.line === o.line && this.character > o.character);
  }
}

/** A cell's text document: offsets ↔ positions over its lines, words as the editor finds them. */
function cellDocument(text: string, uri: string, languageId = 'python') {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
  const positionAt = (offset: number) => {
    const line = lineStarts.filter((s) => s <= offset).length - 1;
    return new Position(line, offset - lineStarts[line]!);
  };
  const offsetAt = (p: Position) => lineStarts[p.line]! + p.character;
  return {
    uri: { toString: () => uri }, version: 1, languageId, getText: () => text, positionAt, offsetAt,
    getWordRangeAtPosition: (p: Position) => {
      const at = offsetAt(p);
      let a = at, b = at;
      while (a > 0 && /\w/.test(text[a - 1]!)) a--;
      while (b < text.length && /\w/.test(text[b]!)) b++;
      return a === b ? undefined : { start: positionAt(a), end: positionAt(b) };
    },
  };
}

function setup(cells: { text: string; kind?: number; languageId?: string }[], ours = true) {
  const fake: FakeVscode = createFakeVscode();
  const sent: { kind: string; code: string; cursor: number }[] = [];
  let completeReply: unknown = { status: 'ok', matches: [], cursor_start: 0, cursor_end: 0, metadata: {} };
  let inspectReply: unknown = { status: 'ok', found: false, data: {}, metadata: {} };
  const session: IntrospectionSession = {
    executionState: 'idle',
    onExecutionState: () => ({ dispose() {} }),
    complete: async (code, cursor) => (sent.push({ kind: 'complete', code, cursor }), completeReply as never),
    inspect: async (code, cursor) => (sent.push({ kind: 'inspect', code, cursor }), inspectReply as never),
  };
  const docs = cells.map((c, i) => cellDocument(c.text, `vscode-notebook-cell:/work/a.ipynb#c${i}`, c.languageId));
  const notebook = { notebookType: 'jupyter-notebook', uri: { toString: () => 'file:///work/a.ipynb' }, getCells: () => docs.map((document, i) => ({ kind: cells[i]!.kind ?? 2, document })) };
  fake.openNotebooks.push(notebook as never);
  const registration = registerKernelCompletions({
    vs: fake.vs, notebookType: 'jupyter-notebook', introspectionFor: (nb) => (ours && nb === (notebook as unknown) ? { session, language: 'python' } : undefined),
  });
  const provider = <T>(kind: string) => fake.languageProviders.find((p) => p.kind === kind)!.provider as T;
  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) } as unknown as vscode.CancellationToken;
  return {
    fake, sent, docs, registration, token,
    setComplete: (r: unknown) => (completeReply = r),
    setInspect: (r: unknown) => (inspectReply = r),
    complete: (doc: number, offset: number) => provider<vscode.CompletionItemProvider>('completion').provideCompletionItems(
      docs[doc] as never, docs[doc]!.positionAt(offset) as never, token, { triggerKind: 0, triggerCharacter: undefined }) as Promise<vscode.CompletionItem[] | undefined>,
    hover: (doc: number, offset: number) => provider<vscode.HoverProvider>('hover').provideHover(docs[doc] as never, docs[doc]!.positionAt(offset) as never, token) as Promise<vscode.Hover | undefined>,
    signature: (doc: number, offset: number) => provider<vscode.SignatureHelpProvider>('signature').provideSignatureHelp(
      docs[doc] as never, docs[doc]!.positionAt(offset) as never, token, {} as never) as Promise<vscode.SignatureHelp | undefined>,
  };
}

const labelOf = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

test('merged with the language server: a name it offers is left to it; ours are marked "kernel" and typed; the nested ask answers nothing', async () => {
  const code = 'import os\nos.pa';
  const t = setup([{ text: code }]);
  assert.deepEqual(t.fake.languageProviders.map((p) => [p.kind, p.selector]), [
    ['completion', { notebookType: 'jupyter-notebook' }], ['hover', { notebookType: 'jupyter-notebook' }], ['signature', { notebookType: 'jupyter-notebook' }],
  ]);
  t.setComplete({
    status: 'ok', matches: ['pardir', 'path'], cursor_start: 13, cursor_end: 15,
    metadata: { _jupyter_types_experimental: [{ start: 13, end: 15, text: 'pardir', type: 'statement' }, { start: 13, end: 15, text: 'path', type: 'module' }] },
  });
  let nested: unknown = 'not asked';
  // The editor runs every provider, ours included, for the command: ours must not ask the kernel twice or loop.
  t.fake.commands.set('vscode.executeCompletionItemProvider', async (...args: unknown[]) => {
    nested = await t.complete(0, code.length);
    assert.equal((args[1] as Position).character, 5);
    // A language server's items have kinds; the editor's words of the document (kind Text) do not hide ours.
    return { items: [{ label: 'path', kind: 8 }, { label: { label: 'pathsep' }, kind: 5 }, { label: 'pardir', kind: 0 }] };
  });
  const items = await t.complete(0, code.length);
  assert.equal(nested, undefined, 'our provider, asked inside our own ask, answers nothing');
  assert.equal(t.sent.length, 1, 'the kernel was asked once');
  assert.deepEqual(t.sent[0], { kind: 'complete', code, cursor: 15 });
  assert.deepEqual(items?.map((i) => [labelOf(i), (i.label as vscode.CompletionItemLabel).description, i.kind]), [['pardir', KERNEL_ITEM_DESCRIPTION, 5]],
    '"path" is the language server\'s: not repeated');
  assert.equal(items[0]!.detail, 'kernel');
  const range = items[0]!.range as vscode.Range;
  assert.deepEqual([range.start.line, range.start.character, range.end.line, range.end.character], [1, 3, 1, 5]);
});

test('nothing asked for a markdown cell, another language, a notebook not on our kernel, or with the setting off', async () => {
  const t = setup([{ text: '# os.pa', kind: 1 }, { text: 'os.pa', languageId: 'r' }]);
  assert.equal(await t.complete(0, 7), undefined);
  assert.equal(await t.complete(1, 5), undefined);
  const notOurs = setup([{ text: 'os.pa' }], false);
  assert.equal(await notOurs.complete(0, 5), undefined);
  const off = setup([{ text: 'os.pa' }]);
  off.fake.settings['pangeo.kernels.kernelCompletions'] = false;
  assert.equal(await off.complete(0, 5), undefined);
  assert.equal(await off.hover(0, 4), undefined);
  const untrusted = setup([{ text: 'os.pa' }]);
  untrusted.fake.state.trusted = false;
  assert.equal(await untrusted.complete(0, 5), undefined);
  assert.deepEqual([t.sent, notOurs.sent, off.sent, untrusted.sent].flat(), [], 'the kernel was never asked');
  // And once registered providers are disposed, none is left.
  t.registration.dispose();
  assert.equal(t.fake.languageProviders.length, 0);
});

test('hover: the kernel\'s docstring as untrusted code blocks (its link stays text), asked at the end of the word', async () => {
  const code = 'x = 1\nhello_server("a")';
  const t = setup([{ text: code }]);
  t.setInspect({
    status: 'ok', found: true, metadata: {},
    data: { 'text/plain': '\u001b[0;31mSignature:\u001b[0m hello_server(name: str) -> str\n\u001b[0;31mDocstring:\u001b[0m\nGreets. [x](command:evil) <img src=x>\n\u001b[0;31mType:\u001b[0m      function' },
  });
  const hover = await t.hover(0, code.indexOf('hello') + 2);
  assert.equal(t.sent[0]?.cursor, code.indexOf('('), 'the cursor at the end of the hovered word');
  const md = hover?.contents[0] as vscode.MarkdownString;
  assert.equal(md.isTrusted, false);
  assert.equal(md.supportHtml, false);
  assert.equal(md.value, '```python\nhello_server(name: str) -> str\n```\n\nfunction (from the kernel)\n\n```text\nGreets. [x](command:evil) <img src=x>\n```');
  const html = renderMarkdown(md.value);
  assert.doesNotMatch(html, /<a |<img/);
  assert.equal(hoverMarkdown({ text: 'Type: int\nString form: 3' }).markdown, '(from the kernel)\n\n```text\nType: int\nString form: 3\n```', 'no sections: the whole text');
});

test('signature help: the active parameter of the call being typed', async () => {
  const code = 'hello_server("a", ';
  const t = setup([{ text: code }]);
  t.setInspect({ status: 'ok', found: true, metadata: {}, data: { 'text/plain': 'Signature: hello_server(name: str, times: int = 1) -> str\nDocstring: Greets.' } });
  const help = await t.signature(0, code.length);
  assert.equal(t.sent[0]?.cursor, code.indexOf('('), 'asked at the call\'s name');
  assert.equal(help?.signatures[0]?.label, 'hello_server(name: str, times: int = 1) -> str');
  assert.deepEqual(help?.signatures[0]?.parameters.map((p) => p.label), [[13, 22], [24, 38]]);
  assert.equal(help?.activeParameter, 1);
  assert.equal((await t.signature(0, code.length - 4))?.activeParameter, 0, 'back in the first argument');
  assert.equal(t.sent.length, 1, 'the same call\'s signature is not asked again while its arguments are typed');
  assert.equal(await t.signature(0, 3), undefined, 'not inside a call');
});
