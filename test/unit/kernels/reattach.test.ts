// The reattach ledger and replay (issue 19): which messages reach the cell (the run's own, each once, in order), how
// the run ends (execute_reply and IOPub idle; one of them alone when the other went to a socket that is gone), and the verdicts when the
// replay cannot be complete (kernel gone, restarted, another client connected, finished while nothing was kept).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelMessage } from '@jupyterlab/services';
import { CellOutputState, DisplayIndex, OutputChange } from '../../../src/kernels/cellOutputs';
import { ReplayedRun } from '../../../src/kernels/reattach/replayedRun';
import { cellHash, findRunCell, isNotebookLedger, LedgerRun, NotebookLedger, noteSeen, SEEN_KEPT } from '../../../src/kernels/reattach/runLedger';
import { RATE_LIMIT_GAP, reattachRuns } from '../../../src/kernels/reattach/reattachKernel';
import { RunRecorder } from '../../../src/kernels/reattach/runRecorder';
import { Emitter } from '../../../src/core/emitter';
import { NotFoundError, UnreachableError } from '../../../src/core/http/errors';
import type { KernelState } from '../../../src/kernels/kernelState';
import type { KernelInfo, KernelSession } from '../../../src/jupyterServer/jupyterServerClient';
import { mockClock } from '../../support/mockClock';

const RUN = 'req-1';
const KERNEL_SESSION = 'kernel-session-a';
let counter = 0;

function message(channel: 'iopub' | 'shell', type: string, content: Record<string, unknown>, opts: { parent?: string; id?: string; session?: string } = {}): KernelMessage.IMessage {
  return {
    channel, content, metadata: {}, buffers: [],
    header: { msg_id: opts.id ?? `m${++counter}`, msg_type: type, session: opts.session ?? KERNEL_SESSION, username: '', date: '', version: '5.3' },
    parent_header: { msg_id: opts.parent ?? RUN, msg_type: 'execute_request', session: 'client', username: '', date: '', version: '5.3' },
  } as unknown as KernelMessage.IMessage;
}
const stream = (text: string, opts: { parent?: string; id?: string } = {}) => message('iopub', 'stream', { name: 'stdout', text }, opts);
const idle = (opts: { parent?: string } = {}) => message('iopub', 'status', { execution_state: 'idle' }, opts);

function stdout(outputs: CellOutputState): string {
  return outputs.outputs.flatMap((o) => o.items).map((i) => (i.kind === 'text' ? i.text : '')).join('');
}

function newReplay(seen: string[] = [], executionCount?: number) {
  const outputs = new CellOutputState(new DisplayIndex());
  const changes: OutputChange[] = [];
  const replay = new ReplayedRun(RUN, outputs, (c) => changes.push(c), { seen, executionCount });
  return { replay, outputs, changes };
}

describe('ReplayedRun', () => {
  test('takes only the run\'s own messages, each msg_id once (also one already seen before the reload), in order', () => {
    const { replay, outputs } = newReplay(['seen-before']);
    replay.handle(stream('old\n', { id: 'seen-before' }));
    replay.handle(stream('a\n', { id: 'x1' }));
    replay.handle(stream('other cell\n', { parent: 'req-2' }));
    replay.handle(stream('a\n', { id: 'x1' })); // delivered twice
    replay.handle(stream('b\n', { id: 'x2' }));
    assert.equal(stdout(outputs), 'a\nb\n');
    assert.equal(replay.handled, 2);
  });

  test('ends with the shell execute_reply and the IOPub idle: the reply\'s status and execution count', async () => {
    const { replay } = newReplay();
    replay.handle(message('iopub', 'execute_input', { execution_count: 7, code: '' }));
    replay.handle(message('shell', 'execute_reply', { status: 'error', execution_count: 7 }));
    replay.handle(idle());
    assert.equal(replay.finished, true);
    assert.deepEqual(await replay.done, { kind: 'finished', status: 'error', executionCount: 7 });
  });

  test('the reply kept ahead of the run\'s last output (shell and IOPub are kept in arrival order): that output still reaches the cell', async (t) => {
    const clock = mockClock(t);
    const { replay, outputs } = newReplay();
    replay.handle(message('shell', 'execute_reply', { status: 'ok', execution_count: 2 }));
    assert.equal(replay.finished, false, 'IOPub may still hold output: its idle comes after the last of it');
    replay.handle(stream('9999\n'));
    replay.handle(idle());
    assert.deepEqual(await replay.done, { kind: 'finished', status: 'ok', executionCount: 2 });
    assert.equal(stdout(outputs), '9999\n');
    // A reply whose idle went to a socket that is gone ends the run a moment later.
    const other = newReplay();
    other.replay.handle(message('shell', 'execute_reply', { status: 'ok', execution_count: 3 }));
    await clock.advance(999);
    assert.equal(other.replay.finished, false);
    await clock.advance(1);
    assert.deepEqual(await other.replay.done, { kind: 'finished', status: 'ok', executionCount: 3 });
  });

  test('without a reply (it went to a closed socket): IOPub idle ends it, error if an error output came, count from execute_input', async (t) => {
    const clock = mockClock(t);
    const { replay } = newReplay([], 3);
    replay.handle(message('iopub', 'error', { ename: 'ValueError', evalue: 'x', traceback: [] }));
    replay.handle(idle());
    assert.equal(replay.finished, false, 'waits a moment for the reply, which travels on another socket');
    await clock.advance(1_000);
    assert.deepEqual(await replay.done, { kind: 'finished', status: 'error', executionCount: 3 });
  });

  test('an idle of another request does not end it; lose() ends it with the reason', async () => {
    const { replay } = newReplay();
    replay.handle(idle({ parent: 'req-2' }));
    replay.lose('gone');
    assert.deepEqual(await replay.done, { kind: 'lost', why: 'gone' });
    replay.handle(stream('late\n'));
    assert.equal(replay.handled, 0);
  });
});

describe('run ledger', () => {
  test('a run\'s cell is found by index and source, or by source alone when it moved; never a guess', () => {
    const run = { cellIndex: 1, cellHash: cellHash('print(1)') };
    assert.equal(findRunCell(run, ['x', 'print(1)']), 1);
    assert.equal(findRunCell(run, ['print(1)', 'x', 'y']), 0, 'moved up');
    assert.equal(findRunCell(run, ['print(2)', 'x']), undefined, 'edited');
    assert.equal(findRunCell(run, ['print(1)', 'x', 'print(1)']), undefined, 'two candidates');
  });

  test('keeps the newest msg_ids only, and the time of the last one', () => {
    const run: LedgerRun = { msgId: RUN, cellIndex: 0, cellHash: 'h', startedAt: 1, lastOutputAt: 1, seen: [] };
    for (let i = 0; i < SEEN_KEPT + 10; i++) noteSeen(run, `m${i}`, 100 + i);
    assert.equal(run.seen.length, SEEN_KEPT);
    assert.equal(run.seen[0], 'm10');
    assert.equal(run.lastOutputAt, 100 + SEEN_KEPT + 9);
  });

  test('what storage hands back is checked', () => {
    assert.equal(isNotebookLedger({ serverUrl: 'u', kernelId: 'k', kernelName: 'python3', clientId: 'c', runs: [] }), true);
    assert.equal(isNotebookLedger({ serverUrl: 'u', kernelId: 'k', kernelName: 'python3', runs: [] }), false, 'no client id');
    assert.equal(isNotebookLedger({ serverUrl: 'u', kernelId: 'k', kernelName: 'python3', clientId: 'c', runs: [{ msgId: 1 }] }), false);
    const queued = [{ cellIndex: 1, cellHash: 'h', queuedAt: 5 }];
    assert.equal(isNotebookLedger({ serverUrl: 'u', kernelId: 'k', kernelName: 'python3', clientId: 'c', runs: [], queued }), true, 'with queued cells');
    assert.equal(isNotebookLedger({ serverUrl: 'u', kernelId: 'k', kernelName: 'python3', clientId: 'c', runs: [], queued: [{ cellIndex: 1 }] }), false);
  });
});

/** A kernel connection whose messages the test plays: anyMessage is what the reattach listens to. */
function fakeSession(id = 'k1') {
  const slots = new Set<(sender: unknown, args: { msg: KernelMessage.IMessage; direction: string }) => void>();
  // A shell kernel_info_request is answered only when the kernel has finished what was queued before it (the run).
  let answerShell!: () => void;
  const shellAnswered = new Promise<void>((resolve) => (answerShell = resolve));
  // What the reattach holds this client's sends with (the server's replay drains first).
  const holds: Promise<unknown>[] = [];
  const session = {
    id, clientId: 'client-key',
    holdOutgoing: (until: Promise<unknown>) => holds.push(until),
    connection: {
      anyMessage: { connect: (s: never) => slots.add(s), disconnect: (s: never) => slots.delete(s) },
      requestKernelInfo: () => shellAnswered,
    },
  } as unknown as KernelSession;
  const receive = (msg: KernelMessage.IMessage) => {
    for (const s of [...slots]) s(undefined, { msg, direction: 'recv' });
  };
  /** True once every hold on this client's sends has ended. */
  const sendsFree = async () => {
    let free = false;
    void Promise.all(holds).then(() => (free = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    return holds.length > 0 && free;
  };
  return { session, receive, listeners: () => slots.size, answerShell, sendsFree };
}

function fakeKernel(session: KernelSession, onConnect: () => void, opts: { gone?: boolean } = {}) {
  const attach = new Emitter<KernelSession>();
  const states = new Emitter<{ state: KernelState; message?: string }>();
  let connected = false;
  const known: unknown[] = [];
  return {
    /** What each connect() was asked to reach. */
    known,
    onDidAttach: attach.event,
    onDidChangeState: states.event,
    setState: (state: KernelState, message?: string) => states.fire({ state, message }),
    get kernelId() {
      return connected ? session.id : undefined;
    },
    kernelName: 'python3',
    jupyterSessionId: 's1',
    connect: async (k?: unknown) => {
      known.push(k);
      // A kernel gone from the server: its socket fails, and REST (asked then) says 404.
      if (opts.gone) throw new NotFoundError('api/kernels/k1');
      attach.fire(session);
      connected = true;
      onConnect();
    },
    fire: (s: KernelSession) => attach.fire(s),
  };
}

function ledgerWith(run: Partial<LedgerRun> = {}): NotebookLedger {
  return {
    serverUrl: 'http://hub/user/a/', kernelId: 'k1', kernelName: 'python3', clientId: 'client-key', kernelSession: KERNEL_SESSION,
    runs: [{ msgId: RUN, cellIndex: 0, cellHash: 'h', startedAt: 1000, lastOutputAt: Date.UTC(2026, 0, 1, 12, 0, 0), seen: [], ...run }],
  };
}

function jupyterAnswering(...answers: (Partial<KernelInfo> | 'gone' | 'unreachable')[]) {
  let i = 0;
  return {
    asked: () => i,
    /** Set by a test: called on each REST look, to see what was done before it. */
    onAsk: undefined as (() => void) | undefined,
    getKernel: async function (id: string): Promise<KernelInfo> {
      this.onAsk?.();
      const a = answers[Math.min(i++, answers.length - 1)]!;
      if (a === 'gone') throw new NotFoundError(`api/kernels/${id}`);
      if (a === 'unreachable') throw new UnreachableError('the server', 'connection refused');
      return { id, name: 'python3', ...a };
    },
  };
}

describe('reattachRuns', () => {
  test('the socket of the kept kernel opens first, no REST call before it: replayed messages end the run, no REST at all, no gap said', async () => {
    const ledger = { ...ledgerWith(), sessionId: 's1' };
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => {
      receive(stream('10\n'));
      receive(message('shell', 'execute_reply', { status: 'ok', execution_count: 4 }));
      receive(idle());
    });
    const { replay, outputs } = newReplay();
    const gaps: string[] = [];
    const jupyter = jupyterAnswering({ connections: 1 });
    const outcome = await reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: (_, g) => gaps.push(g) });
    assert.equal(outcome, 'reattached');
    assert.deepEqual(kernel.known, [{ kernelId: 'k1', sessionId: 's1' }], 'straight to the kept kernel');
    assert.deepEqual(await replay.done, { kind: 'finished', status: 'ok', executionCount: 4 });
    assert.equal(stdout(outputs), '10\n');
    assert.equal(jupyter.asked(), 0, 'the replay needed no REST call');
    assert.deepEqual(gaps, []);
  });

  test('what this window sends waits for the replay to drain: until the runs ended, a quiet moment after the replay, or the bound', async (t) => {
    const clock = mockClock(t, { date: true });
    // The run ended while away: its replay ends it, and the sends go at once.
    const ended = fakeSession();
    const ledger = ledgerWith();
    const endedRun = newReplay();
    const one = reattachRuns({ jupyter: jupyterAnswering({ connections: 1 }), kernel: fakeKernel(ended.session, () => undefined), ledger,
      runs: [{ run: ledger.runs[0]!, replay: endedRun.replay }], onGap: () => undefined, pollMs: 60_000 });
    await clock.settle();
    assert.equal(await ended.sendsFree(), false, 'held from the start (the library\'s kernel_info goes on open)');
    ended.receive(stream('1\n'));
    assert.equal(await ended.sendsFree(), false, 'held while the replay comes');
    ended.receive(message('shell', 'execute_reply', { status: 'ok', execution_count: 1 }));
    ended.receive(idle());
    assert.equal(await ended.sendsFree(), true, 'free once the runs ended');
    assert.equal(await one, 'reattached');
    // A run going on: free 50 ms after the replay's last message, not before.
    const live = fakeSession();
    const liveRun = newReplay();
    void reattachRuns({ jupyter: jupyterAnswering({ connections: 1, executionState: 'busy' }), kernel: fakeKernel(live.session, () => undefined), ledger: ledgerWith(),
      runs: [{ run: ledgerWith().runs[0]!, replay: liveRun.replay }], onGap: () => undefined, pollMs: 60_000 });
    await clock.settle();
    live.receive(stream('1\n'));
    await clock.advance(40);
    live.receive(stream('2\n'));
    await clock.advance(40);
    assert.equal(await live.sendsFree(), false);
    await clock.advance(10);
    assert.equal(await live.sendsFree(), true);
    liveRun.replay.lose('end of test');
    // Nothing replayed at all: free after the bound.
    const silent = fakeSession();
    const silentRun = newReplay();
    void reattachRuns({ jupyter: jupyterAnswering({ connections: 1, executionState: 'busy' }), kernel: fakeKernel(silent.session, () => undefined), ledger: ledgerWith(),
      runs: [{ run: ledgerWith().runs[0]!, replay: silentRun.replay }], onGap: () => undefined, pollMs: 60_000 });
    await clock.advance(1_499);
    assert.equal(await silent.sendsFree(), false);
    await clock.advance(1);
    assert.equal(await silent.sendsFree(), true);
    silentRun.replay.lose('end of test');
    await clock.advance(60_000);
  });

  test('the server dropped part of the replay over its IOPub rate limit: the cell says what is missing, once; the same note live is left to speak for itself', async (t) => {
    const clock = mockClock(t, { date: true });
    const ledger = ledgerWith();
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => undefined);
    const { replay, outputs } = newReplay();
    const gaps: string[] = [];
    void reattachRuns({ jupyter: jupyterAnswering({ connections: 1, executionState: 'busy' }), kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }],
      onGap: (_, g) => gaps.push(g), pollMs: 60_000 });
    await clock.settle();
    // jupyter_server's note (1.23 and 2.x word it alike), sent with the dropped message's parent, in the replay's burst.
    // jupyter_server writes it under its own message session, not the kernel's: no "kernel restarted" verdict from it.
    const note = (text: string, parent = RUN) => message('iopub', 'stream', { name: 'stderr', text: `${text} rate exceeded.\nThe Jupyter server will temporarily stop sending output\n` },
      { parent, session: 'the-server-handler' });
    receive(stream('0\n'));
    receive(note('IOPub message', 'req-other'));
    assert.deepEqual(gaps, [], 'another request\'s note is not this cell\'s gap');
    receive(note('IOPub message'));
    receive(note('IOPub data'));
    assert.deepEqual(gaps, [RATE_LIMIT_GAP], 'said once, at the note');
    assert.equal(replay.finished, false, 'the run goes on: the kernel was not restarted');
    receive(stream('2999\n'));
    assert.match(stdout(outputs), /^0\nIOPub message rate exceeded[^]*\n2999\n$/, 'the server\'s own note stays in the cell');
    await clock.advance(50); // the replay drained: from here on the output is live
    receive(note('IOPub message'));
    assert.equal(gaps.length, 1);
    const live = newReplay();
    const liveGaps: string[] = [];
    const liveSession = fakeSession();
    void reattachRuns({ jupyter: jupyterAnswering({ connections: 1, executionState: 'busy' }), kernel: fakeKernel(liveSession.session, () => undefined), ledger: ledgerWith(),
      runs: [{ run: ledgerWith().runs[0]!, replay: live.replay }], onGap: (_, g) => liveGaps.push(g), pollMs: 60_000 });
    await clock.settle();
    liveSession.receive(stream('1\n'));
    await clock.advance(50);
    liveSession.receive(note('IOPub message'));
    assert.deepEqual(liveGaps, [], 'a live run over the limit: the server\'s note is what JupyterLab shows too');
    replay.lose('end of test');
    live.replay.lose('end of test');
    await clock.advance(60_000);
  });

  test('the kernel is gone (deleted, culled, server restarted): the cell says so and since when, nothing else connects', async () => {
    const ledger = ledgerWith();
    let connects = 0;
    const kernel = fakeKernel(fakeSession().session, () => connects++, { gone: true });
    const { replay } = newReplay();
    const outcome = await reattachRuns({ jupyter: jupyterAnswering('gone'), kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined });
    assert.equal(outcome, 'kernel-gone');
    assert.equal(connects, 0);
    assert.equal(kernel.known.length, 1, 'one try at the kept kernel, no new kernel started');
    const end = await replay.done;
    assert.equal(end.kind, 'lost');
    assert.match(end.kind === 'lost' ? end.why : '', /gone from the server.*after \d\d:\d\d:\d\d.*Run the cell again/);
  });

  test('the kernel was restarted (its message session changed): lost, saying so', async () => {
    const ledger = ledgerWith();
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => receive(stream('new kernel\n', { parent: 'x' })));
    const { replay } = newReplay();
    const playing = reattachRuns({ jupyter: jupyterAnswering({ connections: 0 }), kernel, ledger: { ...ledger, kernelSession: 'the-old-one' }, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined });
    assert.equal(await playing, 'kernel-restarted');
    const end = await replay.done;
    assert.match(end.kind === 'lost' ? end.why : '', /restarted/);
  });

  test('another client is connected besides this window: the gap is said within a second and the run goes on with live output', async (t) => {
    const clock = mockClock(t);
    const ledger = ledgerWith();
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => undefined);
    const { replay } = newReplay();
    const gaps: string[] = [];
    // Two connections counted once this window's socket is open: this window's and another client's.
    const jupyter = jupyterAnswering({ connections: 2, executionState: 'busy' });
    let connectedBeforeAsked = true;
    jupyter.onAsk = () => (connectedBeforeAsked &&= kernel.kernelId === 'k1');
    const playing = reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: (_, g) => gaps.push(g), pollMs: 5_000 });
    await clock.advance(1_000, 100);
    assert.equal(gaps.length, 1);
    assert.match(gaps[0]!, /after \d\d:\d\d:\d\d.*may be missing.*another client/);
    assert.ok(connectedBeforeAsked, 'REST was asked only after the socket');
    receive(message('shell', 'execute_reply', { status: 'ok', execution_count: 2 }));
    receive(idle());
    assert.equal((await replay.done).kind, 'finished');
    assert.equal(await playing, 'reattached');
  });

  test('only this window is connected: no gap said', async (t) => {
    const clock = mockClock(t);
    const ledger = ledgerWith();
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => undefined);
    const { replay } = newReplay();
    const gaps: string[] = [];
    const playing = reattachRuns({ jupyter: jupyterAnswering({ connections: 1, executionState: 'busy' }), kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: (_, g) => gaps.push(g), pollMs: 5_000 });
    await clock.advance(1_000, 100);
    receive(message('shell', 'execute_reply', { status: 'ok', execution_count: 2 }));
    receive(idle());
    assert.equal(await playing, 'reattached');
    assert.deepEqual(gaps, []);
  });

  test('the server kept nothing: once the kernel answers a shell request sent after the run, the run ends saying its end is missing (no spinning cell)', async (t) => {
    const clock = mockClock(t, { date: true });
    const ledger = ledgerWith();
    const { session, answerShell } = fakeSession();
    const kernel = fakeKernel(session, () => undefined);
    const { replay } = newReplay();
    const jupyter = jupyterAnswering({ connections: 0, executionState: 'idle' });
    const playing = reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 1_000 });
    await clock.advance(5_000, 1_000);
    assert.equal(replay.finished, false, 'ended before the kernel had finished the run');
    answerShell();
    await clock.advance(3_000, 1_000);
    assert.equal(await playing, 'reattached');
    const end = await replay.done;
    assert.match(end.kind === 'lost' ? end.why : '', /finished while no window was attached/);
  });

  test('the server says "idle" while the run goes on (its nudge on connect flips the state through the control channel): the run is not called lost', async (t) => {
    const clock = mockClock(t, { date: true });
    const ledger = ledgerWith();
    const { session, receive } = fakeSession();
    const kernel = fakeKernel(session, () => undefined);
    const { replay } = newReplay();
    const jupyter = jupyterAnswering({ connections: 0, executionState: 'idle' });
    const playing = reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 1_000 });
    await clock.advance(10_000, 1_000);
    assert.equal(replay.finished, false, 'a live run was called lost from the server\'s execution_state');
    receive(message('shell', 'execute_reply', { status: 'ok', execution_count: 2 }));
    receive(idle());
    assert.equal((await replay.done).kind, 'finished');
    assert.equal(await playing, 'reattached');
  });
});

describe('reattachRuns never leaves a cell spinning', () => {
  test('the server stops answering about the kernel: after the bound the run ends saying it cannot be followed', async (t) => {
    const clock = mockClock(t, { date: true });
    const ledger = ledgerWith();
    const kernel = fakeKernel(fakeSession().session, () => undefined);
    const { replay } = newReplay();
    const jupyter = jupyterAnswering({ connections: 0 }, { executionState: 'busy' }, 'unreachable');
    const stop = new AbortController();
    const playing = reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 1_000, unansweredMs: 10_000, signal: stop.signal });
    try {
      await clock.advance(12_000, 1_000);
      assert.equal(replay.finished, true, 'the run stopped waiting');
      assert.equal(await playing, 'unreachable');
      const end = await replay.done;
      assert.match(end.kind === 'lost' ? end.why : '', /Could not ask the server.*connection refused.*after \d\d:\d\d:\d\d.*may still be running/);
    } finally {
      stop.abort(); // without the bound the loop would poll for ever
      await clock.advance(1_000);
    }
  });

  test('a server that answers again in time keeps the run waiting (a passing outage is not the end)', async (t) => {
    const clock = mockClock(t, { date: true });
    const ledger = ledgerWith();
    const kernel = fakeKernel(fakeSession().session, () => undefined);
    const { replay } = newReplay();
    const jupyter = jupyterAnswering({ connections: 0 }, 'unreachable', 'unreachable', 'unreachable', { executionState: 'busy' }, 'unreachable', 'unreachable', 'unreachable', { executionState: 'busy' });
    const stop = new AbortController();
    const playing = reattachRuns({ jupyter, kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 1_000, unansweredMs: 3_500, signal: stop.signal });
    await clock.advance(9_000, 1_000);
    assert.equal(replay.finished, false);
    stop.abort();
    await clock.advance(1_000);
    assert.equal(await playing, 'reattached');
  });

  test('the connection gives up (server stopped, kernel shut down): the run ends at once with the reason', async (t) => {
    const clock = mockClock(t);
    const ledger = ledgerWith();
    const kernel = fakeKernel(fakeSession().session, () => undefined);
    const { replay } = newReplay();
    const stop = new AbortController();
    const playing = reattachRuns({ jupyter: jupyterAnswering({ connections: 0 }, { executionState: 'busy' }), kernel, ledger, runs: [{ run: ledger.runs[0]!, replay }], onGap: () => undefined, pollMs: 1_000, signal: stop.signal });
    try {
      await clock.advance(3_000, 1_000);
      assert.equal(replay.finished, false, 'a busy kernel: the run goes on');
      kernel.setState('reconnecting', 'Lost the connection; reconnecting…');
      await clock.settle();
      assert.equal(replay.finished, false, 'reconnecting is not the end');
      kernel.setState('server-stopped', 'The Jupyter server http://hub/user/a/ is not running (it was stopped or culled).');
      await clock.settle();
      assert.equal(replay.finished, true, 'the run stopped waiting');
      assert.equal(await playing, 'unreachable');
      const end = await replay.done;
      assert.match(end.kind === 'lost' ? end.why : '', /^The Jupyter server .* is not running .* output after \d\d:\d\d:\d\d and its result are not shown/);
    } finally {
      stop.abort();
      await clock.advance(1_000);
    }
  });
});

describe('RunRecorder', () => {
  test('records the kernel, the session key, the kernel\'s session, the run\'s count and seen messages; a new kernel starts over', () => {
    const saved: (NotebookLedger | undefined)[] = [];
    const { session, receive } = fakeSession('k1');
    const kernel = fakeKernel(session, () => undefined);
    const recorder = new RunRecorder(kernel, 'http://hub/user/a/', (l) => saved.push(l && structuredClone(l)), () => 5_000);
    kernel.fire(session);
    recorder.started(RUN, 2, 'hash', 1_000);
    receive(message('iopub', 'execute_input', { execution_count: 9, code: '' }, { id: 'in' }));
    receive(stream('x\n', { id: 'out' }));
    const last = saved.at(-1)!;
    assert.equal(last.kernelId, 'k1');
    assert.equal(last.clientId, 'client-key');
    assert.equal(last.kernelSession, KERNEL_SESSION);
    assert.deepEqual(last.runs, [{ msgId: RUN, cellIndex: 2, cellHash: 'hash', startedAt: 1_000, lastOutputAt: 5_000, executionCount: 9, seen: ['in', 'out'] }]);
    recorder.ended(RUN);
    assert.deepEqual(saved.at(-1)!.runs, []);
    recorder.started('req-2', 0, 'h', 1);
    kernel.fire(fakeSession('k2').session);
    assert.equal(saved.at(-1)!.kernelId, 'k2');
    assert.deepEqual(saved.at(-1)!.runs, [], 'runs of the old kernel cannot come back through a new one');
    recorder.dispose();
  });

  test('keeps the queued cells (also those queued before the kernel attached) until sent (then a run) or dropped; a kept ledger\'s are not adopted', () => {
    const saved: (NotebookLedger | undefined)[] = [];
    const { session } = fakeSession('k1');
    const kernel = fakeKernel(session, () => undefined);
    const recorder = new RunRecorder(kernel, 'http://hub/user/a/', (l) => saved.push(l && structuredClone(l)), () => 5_000);
    // A first Run All queues before any kernel is attached.
    const first = recorder.queued(0, 'h0', 100);
    const second = recorder.queued(1, 'h1', 101);
    const third = recorder.queued(2, 'h2', 102);
    assert.equal(saved.length, 0, 'nothing to persist before a kernel');
    kernel.fire(session);
    assert.deepEqual(saved.at(-1)!.queued, [first, second, third]);
    recorder.started(RUN, 0, 'h0', 200, structuredClone(first));
    assert.deepEqual(saved.at(-1)!.queued, [second, third], 'a sent request is a run, no longer queued (found by value: the ledger is persisted as copies)');
    assert.deepEqual(saved.at(-1)!.runs.map((r) => r.msgId), [RUN]);
    recorder.dequeued(third);
    assert.deepEqual(saved.at(-1)!.queued, [second]);
    recorder.adopt({ ...ledgerWith(), queued: [{ cellIndex: 5, cellHash: 'old', queuedAt: 1 }] });
    assert.deepEqual(recorder.current?.queued, [second], 'the reattach queues the kept ones it finds again itself');
    recorder.dispose();
  });
});
