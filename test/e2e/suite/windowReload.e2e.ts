// Issue 19: "Developer: Reload Window" in the middle of a 60-second cell on our controller. The cell prints a line a
// second; after the reload the notebook picks up the same kernel and session key, the server replays what it kept,
// and the cell ends with every line exactly once, in order, its result and its execution count. Last in the main
// run (the file name sorts last): the reload restarts the extension host, and the runner goes on after it
// (runner/reload.ts). A second cell, queued behind the counter when the window reloads, shows queued again after the
// reload and then runs after the counter, with its own output and the next execution count. Saves
// notebook-reattached-after-reload.png.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { suite, test } from '../runner/registry';
import { reloadWindowAndContinue, stateFromBeforeReload } from '../runner/reload';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, sleep, until } from './support/hubScenario';
import { cellOutputs, plainText, runCell, selectOurController, setShowOwnControllers, STDOUT_MIME } from './support/notebooks';

const LINES = 60;
const CELL = `import time\nfor i in range(${LINES}):\n    print(i, flush=True)\n    time.sleep(1)\n'finished'`;
/** Queued behind the counter before the reload. */
const QUEUED = `print('queued cell ran', flush=True)\n'second'`;
/** VS Code's icon for a cell whose execution was created and not started (pending). */
const PENDING_ICON = '.notebook-editor .codicon-notebook-state-pending';

interface BeforeReload {
  uri: string;
  controllerId: string;
  linesBefore: number;
  reloadedAt: number;
}

function stdoutLines(editor: vscode.NotebookEditor): string[] {
  return cellOutputs(editor, 0).filter((o) => o.mime === STDOUT_MIME).flatMap((o) => o.text.split('\n')).filter((l) => l !== '');
}

if (hubConfig()) {
  suite('window reload', () => {
    test('a 60-second cell on our controller is running when the window reloads', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const controllerId = controllerIdFor(base, '', 'python3');
      await setShowOwnControllers(true);
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the e2e window has a folder');
      // A notebook file (not untitled): the reloaded window opens it again from disk and its backup.
      const path = join(folder.uri.fsPath, 'reattach-reload.ipynb');
      writeFileSync(path, JSON.stringify({
        nbformat: 4, nbformat_minor: 5, metadata: {},
        cells: [
          { cell_type: 'code', id: 'counter', metadata: {}, source: CELL, outputs: [], execution_count: null },
          { cell_type: 'code', id: 'queued', metadata: {}, source: QUEUED, outputs: [], execution_count: null },
        ],
      }));
      const editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(path)));
      await selectOurController(editor, controllerId);
      void runCell(editor, 0);
      await until('the counter to reach 3', () => stdoutLines(editor).length >= 4, 60_000, 50);
      // Queued behind the counter (its request is not sent while the counter runs): it must run after the reload.
      void runCell(editor, 1);
      await until('the counter to reach 8', () => stdoutLines(editor).length >= 9, 60_000, 50);
      assert.equal(editor.notebook.cellAt(1).outputs.length, 0, 'the queued cell waits behind the counter');
      // Right after a line: the next comes in a second, so the saved document holds everything shown so far.
      await editor.notebook.save();
      const linesBefore = stdoutLines(editor).length;
      console.log(`[e2e] reloading with ${linesBefore} lines shown`);
      await reloadWindowAndContinue({ uri: editor.notebook.uri.toString(), controllerId, linesBefore, reloadedAt: Date.now() } satisfies BeforeReload);
    }, 120_000);

    test('after the reload the cell shows every line once, in order, and ends with its result and execution count', async () => {
      const before = stateFromBeforeReload<BeforeReload>();
      assert.ok(before, 'runs right after the reload made by the test before');
      const hub = requireHub();
      const api = await pangeoApi();
      await ensureReadyServer(api, hub);
      const uri = vscode.Uri.parse(before.uri);
      const editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(uri));
      const reopened = Date.now();
      // The editor selects the controller again once it is offered; selecting it ourselves is the same step.
      await selectOurController(editor, before.controllerId, 60_000);
      const cell = () => editor.notebook.cellAt(0);
      const queued = () => editor.notebook.cellAt(1);
      // The queued cell shows queued again at once (the clock icon of a pending cell), while the counter runs on.
      editor.revealRange(new vscode.NotebookRange(1, 2), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
      await until('the queued cell to show queued again', async () => Number(await ui({ kind: 'count', selector: PENDING_ICON }, 5_000)) > 0, 30_000, 250);
      assert.equal(cell().executionSummary?.success, undefined, 'shown queued while the counter still runs');
      await ui({ kind: 'screenshot', name: 'notebook-queued-after-reload' });
      // The end itself (a result, or the plain message of what is missing): what the cell then shows is asserted below.
      await until('the cell to end after the reload', () => cell().executionSummary?.success !== undefined, 150_000, 250);
      console.log(`[e2e] reattached cell ended ${Date.now() - reopened} ms after the notebook was shown again`);
      const shown = cellOutputs(editor, 0).filter((o) => o.mime !== STDOUT_MIME);
      assert.equal(cell().executionSummary?.success, true, `the cell ended with its result, not: ${JSON.stringify(shown).slice(0, 2_000)}`);
      const lines = stdoutLines(editor);
      assert.deepEqual(lines, Array.from({ length: LINES }, (_, i) => String(i)), `every line once, in order (${before.linesBefore} shown before the reload)`);
      // The reloaded window checks the kernel's message numbers against the last the old one handled: nothing was lost.
      assert.deepEqual(cellOutputs(editor, 0).filter((o) => o.text.includes('Output may be missing')).map((o) => o.text), [], 'no loss named where none was');
      assert.deepEqual(plainText(editor, 0), ["'finished'"], 'the cell\'s result');
      assert.equal(cell().executionSummary?.success, true);
      assert.equal(typeof cell().executionSummary?.executionOrder, 'number', 'the execution count of the run');
      const startTime = cell().executionSummary?.timing?.startTime;
      assert.ok(startTime !== undefined && startTime < before.reloadedAt, `the execution keeps its original start (${startTime} vs reload at ${before.reloadedAt})`);
      // Then the queued cell runs on the same kernel, after the counter: its own output and the next execution count.
      await until('the queued cell to end', () => queued().executionSummary?.success !== undefined, 60_000, 250);
      assert.equal(queued().executionSummary?.success, true, `the queued cell ran, not: ${JSON.stringify(cellOutputs(editor, 1)).slice(0, 2_000)}`);
      assert.deepEqual(cellOutputs(editor, 1).filter((o) => o.mime === STDOUT_MIME).map((o) => o.text), ['queued cell ran\n']);
      assert.deepEqual(plainText(editor, 1), ["'second'"], 'the queued cell\'s result');
      const counterOrder = cell().executionSummary?.executionOrder ?? NaN;
      assert.ok((queued().executionSummary?.executionOrder ?? NaN) > counterOrder, `runs after the counter (${queued().executionSummary?.executionOrder} > ${counterOrder})`);
      assert.ok((queued().executionSummary?.timing?.startTime ?? 0) >= (cell().executionSummary?.timing?.endTime ?? Infinity), 'started once the counter ended');
      assert.equal(Number(await ui({ kind: 'count', selector: PENDING_ICON })), 0, 'nothing left queued');
      await sleep(500);
      await ui({ kind: 'screenshot', name: 'notebook-reattached-after-reload' });
      await editor.notebook.save();
      await setShowOwnControllers(undefined);
    }, 240_000);
  });
}
