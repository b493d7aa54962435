// The kernel's completions and inspections without a kernel: offsets (UTF-16 in the editor, code points in the
// protocol), replies as IPython 8/9 send them (recorded from Debian's ipykernel 6.17), signatures, and the scheduling
// — one request in flight per kind, the newest waiting one wins, cancellation, a busy kernel skipped — on mock timers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mockClock } from '../../support/mockClock';
import {
  activeParameter, callContext, completionsFromReply, inspectionFromReply, KernelIntrospection, signatureParts, toCodePoints, toUtf16,
  type IntrospectionSession,
} from '../../../src/kernels/kernelCompletions';

test('offsets: UTF-16 ↔ code points across astral characters and lines', () => {
  const code = 'x = "é😀"\nos.pa';
  // "😀" is two UTF-16 units, one code point: everything after it is one less in code points.
  assert.equal(code.length, 15);
  assert.equal(toCodePoints(code, code.length), 14);
  assert.equal(toUtf16(code, 14), 15);
  assert.equal(toCodePoints(code, 6), 6, 'before the emoji: the same');
  assert.equal(toCodePoints(code, 8), 7, 'after the emoji: one less');
  assert.equal(toUtf16(code, 7), 8);
  for (let i = 0; i <= code.length; i++) if (i !== 7) assert.equal(toUtf16(code, toCodePoints(code, i)), i, `round trip at ${i}`);
  assert.equal(toUtf16(code, 99), code.length, 'past the end: the end');
  assert.equal(toCodePoints('', 3), 0);
});

test('a reply after an astral character lands where the kernel meant (code points → UTF-16)', () => {
  const code = 'x = "é😀"; import os\nos.pa';
  // Recorded: ipykernel 6.17 answered cursor_pos 25 (code points) with start 23, end 25.
  const reply = { status: 'ok', matches: ['pardir', 'path'], cursor_start: 23, cursor_end: 25, metadata: {} };
  const items = completionsFromReply(code, code.length, reply);
  assert.deepEqual(items.map((i) => [i.text, code.slice(i.start, i.end)]), [['pardir', 'pa'], ['path', 'pa']]);
});

test('typed matches (_jupyter_types_experimental) win; dotted matches are cut to what follows the dot; no duplicates', () => {
  const code = 'import mod_only_server\nmod_only_server.';
  const cursor = code.length;
  const typed = [
    { start: 23, end: 39, text: 'mod_only_server.hello_server', type: 'function', signature: '(name: str, times: int=1) -> str' },
    { start: 23, end: 39, text: 'mod_only_server.SERVER_CONSTANT', type: 'statement', signature: '' },
    { start: 23, end: 39, text: 'mod_only_server.ServerThing', type: 'class', signature: '' },
    { start: 23, end: 39, text: 'mod_only_server.ServerThing', type: 'class', signature: '' },
    { start: 23, end: 39, text: 'mod_only_server.x\u202Eyp', type: '<unknown>', signature: '' },
  ];
  const items = completionsFromReply(code, cursor, {
    status: 'ok', matches: typed.map((t) => t.text), cursor_start: 23, cursor_end: 39, metadata: { _jupyter_types_experimental: typed },
  });
  assert.deepEqual(items, [
    { text: 'hello_server', start: cursor, end: cursor, type: 'function', signature: '(name: str, times: int=1) -> str' },
    { text: 'SERVER_CONSTANT', start: cursor, end: cursor, type: 'statement' },
    { text: 'ServerThing', start: cursor, end: cursor, type: 'class' },
  ], 'the bidi-laden one is dropped, the duplicate too');
});

test('plain matches without types; malformed replies give nothing', () => {
  const code = 'mod_only';
  assert.deepEqual(completionsFromReply(code, 8, { status: 'ok', matches: ['mod_only_server', 7], cursor_start: 0, cursor_end: 8, metadata: {} }),
    [{ text: 'mod_only_server', start: 0, end: 8 }]);
  // A typed list with a bad entry is ignored as a whole: the plain matches are used.
  assert.deepEqual(completionsFromReply(code, 8, {
    status: 'ok', matches: ['mod_only_server'], cursor_start: 0, cursor_end: 8, metadata: { _jupyter_types_experimental: [{ text: 'x', start: -1, end: 2 }] },
  }), [{ text: 'mod_only_server', start: 0, end: 8 }]);
  for (const bad of [undefined, null, 'x', { status: 'error', ename: 'E' }, { status: 'ok', matches: 'abc', cursor_start: 0, cursor_end: 1 },
    { status: 'ok', matches: ['a'], cursor_start: 5, cursor_end: 2 }, { status: 'ok', matches: ['a'], cursor_start: 0, cursor_end: 99 }]) {
    assert.deepEqual(completionsFromReply(code, 8, bad), [], JSON.stringify(bad));
  }
  assert.deepEqual(completionsFromReply(code, 8, { status: 'ok', matches: ['x'.repeat(201)], cursor_start: 0, cursor_end: 8 }), [], 'too long to be a name');
});

const COLOURED = '\u001b[0;31mSignature:\u001b[0m \u001b[0mmod_only_server\u001b[0m\u001b[0;34m.\u001b[0m\u001b[0mhello_server\u001b[0m\u001b[0;34m(\u001b[0m'
  + '\u001b[0mname\u001b[0m\u001b[0;34m:\u001b[0m \u001b[0mstr\u001b[0m\u001b[0;34m,\u001b[0m \u001b[0mtimes\u001b[0m\u001b[0;34m:\u001b[0m \u001b[0mint\u001b[0m '
  + '\u001b[0;34m=\u001b[0m \u001b[0;36m1\u001b[0m\u001b[0;34m)\u001b[0m \u001b[0;34m->\u001b[0m \u001b[0mstr\u001b[0m\u001b[0;34m\u001b[0m\u001b[0;34m\u001b[0m\u001b[0m\n'
  + '\u001b[0;31mDocstring:\u001b[0m\nGreets NAME from the server.\n\nSee https://example.com [x](command:evil)\n'
  + '\u001b[0;31mFile:\u001b[0m      /tmp/cmpl/mod_only_server.py\n\u001b[0;31mType:\u001b[0m      function\n';

test('inspect replies: ANSI colours removed, IPython\'s sections read; not found → nothing', () => {
  const info = inspectionFromReply({ status: 'ok', found: true, data: { 'text/plain': COLOURED }, metadata: {} });
  assert.ok(info);
  assert.doesNotMatch(info.text, /\u001b/);
  assert.equal(info.signature, 'mod_only_server.hello_server(name: str, times: int = 1) -> str');
  assert.equal(info.docstring, 'Greets NAME from the server.\n\nSee https://example.com [x](command:evil)');
  assert.equal(info.type, 'function');
  assert.equal(inspectionFromReply({ status: 'ok', found: false, data: {}, metadata: {} }), undefined);
  assert.equal(inspectionFromReply({ status: 'error', ename: 'E', evalue: '', traceback: [] }), undefined);
  assert.equal(inspectionFromReply({ status: 'ok', found: true, data: { 'text/plain': 42 } }), undefined);
  // Other controls are shown as markers, never passed on raw.
  assert.equal(inspectionFromReply({ status: 'ok', found: true, data: { 'text/plain': 'Docstring:\nbell\u0007 rtl\u202E' } })?.docstring, 'bell⟨U+0007⟩ rtl⟨U+202E⟩');
});

test('signatures: the call around the cursor, its parameters, the active one by position or keyword', () => {
  const code = 'import m\nm.hello_server("a, (b)", [1, 2], ti';
  const call = callContext(code, code.length);
  assert.deepEqual(call, { openParen: code.indexOf('('), argument: 2 });
  assert.equal(callContext('x = [1, 2', 9), undefined, 'a list is not a call');
  assert.equal(callContext('f(a)', 4), undefined, 'after the call closed');
  assert.deepEqual(callContext('f(g(1), times=', 14), { openParen: 1, argument: 1, keyword: 'times' });
  assert.deepEqual(callContext('f(\n  1,\n  2,\n  ', 15), { openParen: 1, argument: 2 }, 'over several lines');

  const parts = signatureParts('mod_only_server.hello_server(\n    name: str,\n    times: int = 1,\n    *rest: tuple[int, str],\n    **kw,\n) -> str');
  assert.ok(parts);
  assert.equal(parts.label, 'mod_only_server.hello_server(name: str, times: int = 1, *rest: tuple[int, str], **kw) -> str');
  assert.deepEqual(parts.parameters.map((p) => parts.label.slice(p.start, p.end)), ['name: str', 'times: int = 1', '*rest: tuple[int, str]', '**kw']);
  assert.equal(activeParameter(parts, { openParen: 0, argument: 1 }), 1);
  assert.equal(activeParameter(parts, { openParen: 0, argument: 5 }), 2, 'extra positionals fill *rest');
  assert.equal(activeParameter(parts, { openParen: 0, argument: 0, keyword: 'times' }), 1);
  assert.equal(signatureParts('no call here'), undefined);
});

/** A kernel connection whose replies the test releases, whose status the test sets. */
function fakeSession() {
  const listeners = new Set<(s: string) => void>();
  const sent: { kind: 'complete' | 'inspect'; code: string; cursor: number; answer(reply: unknown): void }[] = [];
  const session: IntrospectionSession & { state: string } = {
    state: 'idle',
    get executionState() {
      return this.state;
    },
    onExecutionState(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    complete: (code, cursor) => new Promise((resolve) => sent.push({ kind: 'complete', code, cursor, answer: resolve })),
    inspect: (code, cursor) => new Promise((resolve) => sent.push({ kind: 'inspect', code, cursor, answer: resolve })),
  };
  const setState = (state: string) => {
    session.state = state;
    for (const l of listeners) l(state);
  };
  return { session, sent, setState, listeners };
}

const reply = (text: string, at: number) => ({ status: 'ok', matches: [text], cursor_start: 0, cursor_end: at, metadata: {} });

test('the cursor goes out in code points', async () => {
  const { session, sent } = fakeSession();
  const kernel = new KernelIntrospection(session);
  const code = '"😀"; ab';
  const pending = kernel.complete(code, code.length);
  await new Promise((r) => setImmediate(r));
  assert.equal(sent[0]?.cursor, 7, 'the editor\'s 8 UTF-16 units are 7 code points');
  sent[0].answer({ status: 'ok', matches: ['abc'], cursor_start: 5, cursor_end: 7, metadata: {} });
  assert.deepEqual(await pending, [{ text: 'abc', start: 6, end: 8 }]);
});

test('typing fast: while one request is in flight, only the newest waiting one is sent after it', async (t) => {
  const clock = mockClock(t);
  const { session, sent } = fakeSession();
  const kernel = new KernelIntrospection(session);
  const first = kernel.complete('a', 1);
  await clock.settle();
  const second = kernel.complete('ab', 2);
  const third = kernel.complete('abc', 3);
  await clock.settle();
  assert.equal(sent.length, 1, 'nothing more goes out while the first is in flight');
  sent[0]!.answer(reply('a1', 1));
  assert.deepEqual((await first)?.map((i) => i.text), ['a1']);
  await clock.settle();
  assert.equal(await second, undefined, 'superseded while waiting: never sent');
  assert.deepEqual(sent.map((s) => s.code), ['a', 'abc']);
  sent[1]!.answer(reply('abcd', 3));
  assert.deepEqual((await third)?.map((i) => i.text), ['abcd']);
  // Hovers have their own lane: a completion in flight does not hold them.
  void kernel.complete('x', 1);
  const hover = kernel.inspect('print', 5);
  await clock.settle();
  assert.deepEqual(sent.slice(2).map((s) => s.kind), ['complete', 'inspect']);
  sent[3]!.answer({ status: 'ok', found: true, data: { 'text/plain': 'Docstring:\nPrints.' } });
  assert.equal((await hover)?.docstring, 'Prints.');
});

test('cancelled (the user typed on): a waiting request is never sent, one in flight resolves at once with nothing', async (t) => {
  const clock = mockClock(t);
  const { session, sent } = fakeSession();
  const kernel = new KernelIntrospection(session);
  const typing = new AbortController();
  const inFlight = kernel.complete('a', 1, typing.signal);
  await clock.settle();
  const waiting = new AbortController();
  const queued = kernel.complete('ab', 2, waiting.signal);
  waiting.abort();
  typing.abort();
  assert.equal(await inFlight, undefined);
  assert.equal(await queued, undefined);
  // The late reply still frees the lane for the next request.
  sent[0]!.answer(reply('late', 1));
  await clock.settle();
  const next = kernel.complete('abc', 3);
  await clock.settle();
  assert.deepEqual(sent.map((s) => s.code), ['a', 'abc']);
  sent[1]!.answer(reply('abcd', 3));
  assert.deepEqual((await next)?.map((i) => i.text), ['abcd']);
  // A reply that comes as the user types on is stale: dropped.
  const racing = new AbortController();
  const raced = kernel.complete('abcd', 4, racing.signal);
  await clock.settle();
  sent[2]!.answer(reply('abcde', 4));
  racing.abort();
  assert.equal(await raced, undefined);
  const already = new AbortController();
  already.abort();
  assert.equal(await kernel.complete('z', 1, already.signal), undefined);
  assert.equal(sent.length, 3, 'an already cancelled request sends nothing');
});

test('a busy kernel: waited for up to 200 ms, then nothing is sent (the language server answers alone)', async (t) => {
  const clock = mockClock(t);
  const { session, sent, setState, listeners } = fakeSession();
  const kernel = new KernelIntrospection(session);
  setState('busy');
  const skipped = kernel.complete('a', 1);
  await clock.advance(199);
  assert.equal(sent.length, 0);
  await clock.advance(1);
  assert.equal(await skipped, undefined);
  assert.equal(sent.length, 0, 'a cell is running: nothing queued behind it');
  assert.equal(listeners.size, 0, 'its status listener is gone');

  const soon = kernel.complete('b', 1);
  await clock.advance(150);
  setState('idle'); // a moment's busyness (another client's completion)
  await clock.settle();
  assert.equal(sent.length, 1);
  sent[0]!.answer(reply('bb', 1));
  assert.deepEqual((await soon)?.map((i) => i.text), ['bb']);
});

test('a reply that never comes frees the lane after the timeout; a failed request gives nothing', async (t) => {
  const clock = mockClock(t);
  const { session, sent } = fakeSession();
  const kernel = new KernelIntrospection(session, { timeoutMs: 1000 });
  const lost = kernel.complete('a', 1);
  await clock.settle();
  const next = kernel.complete('ab', 2);
  await clock.advance(999);
  assert.equal(sent.length, 1);
  await clock.advance(1);
  assert.equal(await lost, undefined);
  assert.equal(sent.length, 2, 'sent once the lost one timed out');
  sent[1]!.answer(reply('abc', 2));
  assert.deepEqual((await next)?.map((i) => i.text), ['abc']);

  const failing = new KernelIntrospection({ ...session, executionState: 'idle', complete: () => Promise.reject(new Error('Canceled future')) });
  assert.equal(await failing.complete('x', 1), undefined);
});
