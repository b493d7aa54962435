// Cells queued behind a running cell when the window reloaded (issue 19): after the reload they show queued again at
// once (an execution created, not started), and once the picked-up run ends they run in order through the notebook's
// run path when it ended ok; after an error or a lost run each says in its output that it did not run and why. A cell
// edited meanwhile does not run; the stop button leaves them as they were; a window going again keeps them queued.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { KernelMessage } from '@jupyterlab/services';
import { createFakeVscode, FakeCell, FakeController, FakeExecution, FakeNotebook, FakeOutput, FakeOutputItem } from '../../support/fakeVscode';
import { mockClock } from '../../support/mockClock';
import { reattachableKernel } from '../../support/reattachableKernel';
import { Emitter } from '../../../src/core/emitter';
import { silentLogger } from '../../../src/core/log';
import type { KernelInfo, KernelSession } from '../../../src/jupyterServer/jupyterServerClient';
import { NotebookReattacher } from '../../../src/kernels/editor/reattachCells';
import { ReattachStore } from '../../../src/kernels/editor/reattachStore';
import { cellHash, LedgerQueuedCell, NotebookLedger } from '../../../src/kernels/reattach/runLedger';
import { findQueuedCells, whyQueuedNotRun } from '../../../src/kernels/reattach/queuedCells';

const SERVER = 'http://hub/user/a/';
const KERNEL_SESSION = 'kernel-session-a';
const RUNNING = 'import time\ntime.sleep(60)';
const NEXT = 'print("next")';
const LAST = 'print("last")';
const STORE_KEY = 'pangeo.kernels.reattach';

let counter = 0;
function reply(channel: 'shell' | 'iopub', type: string, content: Record<string, unknown>): KernelMessage.IMessage {
  return {
    channel, content, metadata: {}, buffers: [],
    header: { msg_id: `m${++counter}`, msg_type: type, session: KERNEL_SESSION, username: '', date: '', version: '5.3' },
    parent_header: { msg_id: 'req-a', msg_type: 'execute_request', session: 'client-key', username: '', date: '', version: '5.3' },
  } as unknown as KernelMessage.IMessage;
}

function memento(initial: Record<string, unknown> = {}) {
  const values = new Map<string, unknown>(Object.entries(initial));
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key: string, value: unknown) => void values.set(key, value) };
}

/** A reload found cell 1 running and `queued` waiting behind it (cells 2 and 3 by default, queued in that order). */
function reloaded(t: Parameters<typeof mockClock>[0], opts: { sources?: string[]; queued?: LedgerQueuedCell[] } = {}) {
  const clock = mockClock(t);
  const fake = createFakeVscode();
  const notebook = new FakeNotebook('reload.ipynb', opts.sources ?? [RUNNING, NEXT, LAST]);
  const key = notebook.uri.toString();
  const ledger: NotebookLedger = {
    serverUrl: SERVER, kernelId: 'k1', kernelName: 'python3', clientId: 'client-key', kernelSession: KERNEL_SESSION,
    runs: [{ msgId: 'req-a', cellIndex: 0, cellHash: cellHash(RUNNING), startedAt: 1_000, lastOutputAt: Date.UTC(2026, 0, 1, 12), seen: [] }],
    queued: opts.queued ?? [{ cellIndex: 1, cellHash: cellHash(NEXT), queuedAt: 1_100 }, { cellIndex: 2, cellHash: cellHash(LAST), queuedAt: 1_200 }],
  };
  const storage = memento({ [STORE_KEY]: { [key]: structuredClone(ledger) } });
  const store = new ReattachStore(storage);
  const reattacher = new NotebookReattacher(fake.vs, store, silentLogger);
  // The kernel connection: the test plays what the server sends on it.
  const slots = new Set<(sender: unknown, args: { msg: KernelMessage.IMessage; direction: string }) => void>();
  const session = {
    id: 'k1', clientId: 'client-key', holdOutgoing: () => undefined,
    connection: {
      anyMessage: { connect: (s: never) => slots.add(s), disconnect: (s: never) => slots.delete(s) },
      requestKernelInfo: () => new Promise(() => undefined),
    },
  } as unknown as KernelSession;
  const { kernel, states } = reattachableKernel(session, { kernelName: 'python3', jupyterSessionId: 's1' });
  const jupyter = { getKernel: async (id: string): Promise<KernelInfo> => ({ id, name: 'python3', connections: 1, executionState: 'busy' }) };
  const controller = new FakeController('c', 'jupyter-notebook', 'Pangeo');
  /** What the notebook's run path was given, each call a batch. */
  const runs: { index: number; execution: FakeExecution }[][] = [];
  // As NotebookControllers.reattachKept: the kept ledger, the recorder, then the reattach.
  const pending = reattacher.pending(key, SERVER);
  assert.ok(pending, 'the kept ledger is there to pick up');
  reattacher.track(key, kernel, SERVER);
  const done = reattacher.reattach(key, pending, {
    controller: controller as unknown as vscode.NotebookController,
    notebook: Object.assign(notebook, { getCells: () => notebook.cells, cellAt: (i: number) => notebook.cells[i] }) as unknown as vscode.NotebookDocument,
    jupyter, kernel, outputs: new Map(),
    run: async (cells) => void runs.push(cells.map(({ cell, execution }) => ({ index: cell.index, execution: execution as unknown as FakeExecution }))),
  });
  const receive = (msg: KernelMessage.IMessage) => {
    for (const s of [...slots]) s(undefined, { msg, direction: 'recv' });
  };
  return {
    clock, fake, notebook, key, reattacher, controller, runs, done, store, storage,
    cells: notebook.cells,
    /** The running cell's end, as the server replays it. */
    endRun: (status: 'ok' | 'error') => {
      receive(reply('iopub', 'execute_input', { execution_count: 4, code: RUNNING }));
      receive(reply('shell', 'execute_reply', { status, execution_count: 4 }));
      receive(reply('iopub', 'status', { execution_state: 'idle' }));
    },
    stopServer: () => states.fire({ state: 'server-stopped', message: 'The Jupyter server http://hub/user/a/ is not running (it was stopped or culled).' }),
    /** The ledger as persisted now (what a second reload would find). */
    kept: async () => {
      await store.flush();
      return (storage.get<Record<string, NotebookLedger>>(STORE_KEY) ?? {})[key];
    },
    /** The executions made for cell `index` (the reattach's own). */
    executionsOf: (index: number) => controller.executions.filter((e) => e.cell.index === index),
  };
}

function shownText(cell: FakeCell): string {
  return cell.outputs.flatMap((o) => o.items).map((i) => i.text).join('\n');
}

describe('queued cells after a window reload', () => {
  test('show queued at once, stay in the ledger while they wait, then run in order on the same path after the run ends ok', async (t) => {
    const r = reloaded(t);
    await r.clock.settle();
    const [next] = r.executionsOf(1);
    const [last] = r.executionsOf(2);
    assert.ok(next?.pending && last?.pending, 'both queued cells show queued (an execution not started) right away');
    assert.deepEqual((await r.kept())?.queued?.map((q) => q.cellIndex), [1, 2], 'a second reload finds them');
    assert.equal(r.runs.length, 0, 'nothing runs while the picked-up cell runs');
    r.endRun('ok');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.deepEqual(r.cells[0]!.lastRun, { success: true });
    assert.equal(r.runs.length, 1, 'one batch, as Run All');
    assert.deepEqual(r.runs[0]!.map((c) => c.index), [1, 2], 'in the order they were queued');
    assert.equal(r.runs[0]![0]!.execution, next, 'the execution shown queued is the one that runs');
    assert.equal(r.runs[0]![1]!.execution, last);
    assert.deepEqual((await r.kept())?.queued ?? [], [], 'handed to the run path, which records them itself');
  });

  test('after the picked-up run ends with an error, each queued cell says it did not run and why, and nothing runs', async (t) => {
    const r = reloaded(t);
    // What an earlier run of cell 2 showed, in the reloaded document: it did not run again, so it stays.
    r.cells[1]!.outputs = [new FakeOutput([FakeOutputItem.stdout('from an earlier run\n')])];
    await r.clock.settle();
    r.endRun('error');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.equal(r.runs.length, 0);
    for (const cell of [r.cells[1]!, r.cells[2]!]) {
      assert.deepEqual(cell.lastRun, { success: undefined }, 'ended, neither spinning nor pending, not marked as run');
      assert.match(shownText(cell), /Not run.*cell 1 ended with an error after the window reloaded, so this cell, queued behind it, did not run/);
    }
    assert.equal(r.cells[1]!.outputs[0]?.items[0]?.text, 'from an earlier run\n', 'the earlier output stays, the note below it');
    assert.deepEqual((await r.kept())?.queued ?? [], []);
  });

  test('after the picked-up run is lost (server stopped), the queued cells say so and do not run', async (t) => {
    const r = reloaded(t);
    await r.clock.advance(4_000, 2_000);
    r.stopServer();
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.deepEqual(r.cells[0]!.lastRun, { success: false });
    assert.equal(r.runs.length, 0);
    assert.match(shownText(r.cells[1]!), /Not run.*cell 1 did not finish after the window reloaded/);
    assert.deepEqual(r.cells[2]!.lastRun, { success: undefined });
  });

  test('a queued cell whose source changed during the reload is not queued again nor run; the others are', async (t) => {
    const r = reloaded(t, { sources: [RUNNING, 'print("edited")', LAST] });
    await r.clock.settle();
    assert.equal(r.executionsOf(1).length, 0, 'the edited cell is left alone');
    assert.ok(r.executionsOf(2)[0]?.pending);
    r.endRun('ok');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.deepEqual(r.runs.map((b) => b.map((c) => c.index)), [[2]]);
  });

  test('a queued cell edited while it waited does not run; it says why', async (t) => {
    const r = reloaded(t);
    await r.clock.settle();
    Object.assign(r.cells[1]!, { code: 'print("edited")' });
    r.endRun('ok');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.deepEqual(r.runs.map((b) => b.map((c) => c.index)), [[2]]);
    assert.match(shownText(r.cells[1]!), /Not run.*edited while it waited/);
  });

  test('the stop button (interrupt, or a cancelled token) leaves the queued cells as they were; they never run', async (t) => {
    const r = reloaded(t);
    await r.clock.settle();
    const earlier = [new FakeOutput([])];
    r.cells[1]!.outputs = earlier;
    r.reattacher.cancelQueued(r.key);
    r.executionsOf(2)[0]!.cancel();
    await r.clock.settle();
    for (const cell of [r.cells[1]!, r.cells[2]!]) assert.deepEqual(cell.lastRun, { success: undefined });
    assert.equal(r.cells[1]!.outputs, earlier, 'its outputs untouched');
    assert.deepEqual((await r.kept())?.queued ?? [], [], 'gone from the ledger');
    r.endRun('ok');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.equal(r.runs.length, 0);
  });

  test('the window going again while they wait: they stay queued in the ledger for the next window, nothing runs', async (t) => {
    const r = reloaded(t);
    await r.clock.settle();
    r.reattacher.dispose();
    r.endRun('ok');
    await r.clock.advance(2_000, 500);
    await r.done;
    assert.equal(r.runs.length, 0);
    assert.deepEqual((await r.kept())?.queued?.map((q) => q.cellIndex), [1, 2]);
  });
});

describe('queued cells: what the ledger keeps while cells run', () => {
  test('a queued cell is persisted at once, becomes a run when sent, and the teardown of the window does not drop it', async () => {
    const notebook = new FakeNotebook('live.ipynb', [RUNNING, NEXT]);
    const key = notebook.uri.toString();
    const storage = memento();
    const store = new ReattachStore(storage);
    const reattacher = new NotebookReattacher(createFakeVscode().vs, store, silentLogger);
    const attach = new Emitter<KernelSession>();
    reattacher.track(key, { onDidAttach: attach.event, kernelName: 'python3', jupyterSessionId: 's1' }, SERVER);
    const session = { id: 'k1', clientId: 'client-key', connection: { anyMessage: { connect: () => undefined, disconnect: () => undefined } } };
    attach.fire(session as unknown as KernelSession);
    const [running, next] = notebook.cells as unknown as vscode.NotebookCell[];
    const kept = async () => {
      await store.flush();
      return (storage.get<Record<string, NotebookLedger>>(STORE_KEY) ?? {})[key];
    };
    const first = reattacher.queued(key, running!, 10);
    const second = reattacher.queued(key, next!, 11);
    assert.deepEqual((await kept())?.queued, [{ cellIndex: 0, cellHash: cellHash(RUNNING), queuedAt: 10 }, { cellIndex: 1, cellHash: cellHash(NEXT), queuedAt: 11 }]);
    reattacher.started(key, running!, 'req-a', 20, first);
    assert.deepEqual((await kept())?.queued?.map((q) => q.cellIndex), [1], 'sent: a run now');
    assert.deepEqual((await kept())?.runs.map((r) => r.msgId), ['req-a']);
    assert.equal(reattacher.hasRuns(key), true);
    // The window reloads: its teardown cancels the queued cell unsent, which must not drop it from the ledger.
    reattacher.dispose();
    reattacher.dequeued(key, second!);
    reattacher.ended(key, 'req-a');
    assert.deepEqual((await kept())?.queued?.map((q) => q.cellIndex), [1]);
    assert.deepEqual((await kept())?.runs.map((r) => r.msgId), ['req-a']);
  });
});

describe('queued cells: the decisions', () => {
  test('found by index and source (or by source alone when moved), in the order queued; an edited or running cell is not', () => {
    const q = (cellIndex: number, code: string, queuedAt: number): LedgerQueuedCell => ({ cellIndex, cellHash: cellHash(code), queuedAt });
    const { found, missing } = findQueuedCells([q(3, 'c', 30), q(1, 'b', 20), q(5, 'gone', 10), q(0, 'a', 5)], ['a', 'x', 'b', 'c'], new Set([0]));
    assert.deepEqual(found.map((f) => f.index), [2, 3], 'b moved down one; c found at its index; by queue time');
    assert.deepEqual(missing.map((m) => m.cellIndex), [0, 5], 'the running cell, and the edited one');
  });

  test('run only when every picked-up run ended ok; else one plain reason', () => {
    assert.equal(whyQueuedNotRun([{ cellIndex: 0, result: 'ok' }, { cellIndex: 2, result: 'ok' }]), undefined);
    assert.equal(whyQueuedNotRun([]), undefined);
    assert.match(whyQueuedNotRun([{ cellIndex: 0, result: 'ok' }, { cellIndex: 2, result: 'lost' }])!, /^cell 3 did not finish after the window reloaded/);
    assert.match(whyQueuedNotRun([{ cellIndex: 0, result: 'error' }])!, /^cell 1 ended with an error/);
    assert.match(whyQueuedNotRun([{ cellIndex: undefined, result: 'lost' }])!, /edited or removed meanwhile/);
  });
});
