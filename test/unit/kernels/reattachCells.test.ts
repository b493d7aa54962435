// The editor side of a reattach (issue 19): a cell picked up after a reload shows running from its original start and
// always ends. When its run cannot be followed (the connection gave up: server stopped), the cell ends failed with a
// plain "Output may be missing" saying why, and a notification offers to run it again; it is never left spinning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { createFakeVscode, FakeCell, FakeController, FakeNotebook } from '../../support/fakeVscode';
import { mockClock } from '../../support/mockClock';
import { reattachableKernel } from '../../support/reattachableKernel';
import { silentLogger } from '../../../src/core/log';
import type { KernelInfo, KernelSession } from '../../../src/jupyterServer/jupyterServerClient';
import { NotebookReattacher } from '../../../src/kernels/editor/reattachCells';
import { ReattachStore } from '../../../src/kernels/editor/reattachStore';
import { cellHash, NotebookLedger } from '../../../src/kernels/reattach/runLedger';

const CODE = 'import time\nfor i in range(3600):\n    print(i)\n    time.sleep(1)';

function memento() {
  const values = new Map<string, unknown>();
  return { get: <T>(key: string) => values.get(key) as T | undefined, update: async (key: string, value: unknown) => void values.set(key, value) };
}

test('a reattached cell whose connection gives up (server stopped) ends failed, saying what is missing, and offers a new run', async (t) => {
  const clock = mockClock(t);
  const fake = createFakeVscode();
  const notebook = new FakeNotebook('reload.ipynb', [CODE]);
  const key = notebook.uri.toString();
  const ledger: NotebookLedger = {
    serverUrl: 'http://hub/user/a/', kernelId: 'k1', kernelName: 'python3', clientId: 'client-key',
    runs: [{ msgId: 'req-1', cellIndex: 0, cellHash: cellHash(CODE), startedAt: 1_000, lastOutputAt: Date.UTC(2026, 0, 1, 12, 0, 0), seen: [] }],
  };
  const reattacher = new NotebookReattacher(fake.vs, new ReattachStore(memento()), silentLogger);
  const session = { id: 'k1', holdOutgoing: () => undefined, connection: { anyMessage: { connect: () => undefined, disconnect: () => undefined }, requestKernelInfo: () => new Promise(() => undefined) } } as unknown as KernelSession;
  const { kernel, states } = reattachableKernel(session);
  // The kernel runs on (busy): only the connection's verdict can end the wait.
  const jupyter = { getKernel: async (id: string): Promise<KernelInfo> => ({ id, name: 'python3', connections: 0, executionState: 'busy' }) };
  const cell = notebook.cells[0] as FakeCell;
  const done = reattacher.reattach(key, ledger, {
    controller: new FakeController('c', 'jupyter-notebook', 'Pangeo') as unknown as vscode.NotebookController,
    notebook: Object.assign(notebook, { getCells: () => notebook.cells, cellAt: (i: number) => notebook.cells[i] }) as unknown as vscode.NotebookDocument,
    jupyter, kernel, outputs: new Map(), run: async () => undefined,
  });
  await clock.advance(6_000, 2_000);
  assert.equal(cell.lastRun, undefined, 'the cell runs on while the kernel is busy');
  states.fire({ state: 'server-stopped', message: 'The Jupyter server http://hub/user/a/ is not running (it was stopped or culled).' });
  await clock.settle();
  assert.deepEqual(cell.lastRun, { success: false }, 'the cell ended (not left spinning)');
  const shown = cell.outputs.flatMap((o) => o.items).map((i) => i.text).join('\n');
  assert.match(shown, /Output may be missing/);
  assert.match(shown, /is not running .* output after \d\d:\d\d:\d\d and its result are not shown; it may still be running on the server/);
  assert.ok(fake.notices.some((n) => n.kind === 'warning' && /^Cell 1: The Jupyter server/.test(n.text)), JSON.stringify(fake.notices));
  await done;
});
