// Scenario 3: our own notebook controller on a real kernel — select it for a notebook, run 1+1 (execute_result),
// print (stream), 1/0 (error) and interrupt a long sleep. The Jupyter extension stub is installed in this editor, so
// the controller is offered only with `pangeo.kernels.showOwnControllers` (checked first: no duplicate by default).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { controllerIdFor, controllerLabel } from '../../../src/kernels/controllerId';
import { hubLabel } from '../../../src/hubs/hubUrl';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, sleep, until } from './support/hubScenario';
import {
  cellOutputs, ERROR_MIME, openNotebook, runCell as runNotebookCell, selectController as selectNotebookController, setShowOwnControllers as setShowOwn, STDOUT_MIME,
} from './support/notebooks';

const CELLS = ['1+1', 'print("hi")', '1/0', 'import time\ntime.sleep(60)'];
let editor: vscode.NotebookEditor | undefined;

const selectController = (id: string) => selectNotebookController(editor!, id);
const runCell = (index: number) => runNotebookCell(editor!, index);
const outputsOf = (index: number) => cellOutputs(editor!, index);

if (hubConfig()) {
  suite('notebook controller', () => {
    test('with the Jupyter extension present our controller is offered only when showOwnControllers is on', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const id = controllerIdFor(base, '', 'python3');
      editor = await openNotebook(CELLS);
      assert.ok(vscode.extensions.getExtension('ms-toolsai.jupyter'), 'needs the Jupyter extension stub installed');
      // Off (the default): over a few seconds — long enough for the controller below to appear — it is never offered.
      for (let i = 0; i < 6; i++) {
        assert.notEqual(await selectController(id), true, `${id} is offered next to the Jupyter extension's picker`);
        await sleep(500);
      }
      await setShowOwn(true);
      const toggled = Date.now();
      const selected = await until(`the controller ${id} to be offered and selected`, async () => (await selectController(id)) === true, 20_000, 250);
      assert.equal(selected, true);
      console.log(`[e2e] our controller was offered ${Date.now() - toggled} ms after showOwnControllers was turned on`);
      // The notebook toolbar names the kernel it will run on.
      const expected = controllerLabel('Python 3 (ipykernel)', hub.user, hubLabel(base), '');
      await until('the toolbar to show our kernel', async () => ((await ui({ kind: 'text', selector: '.kernel-label' }, 10_000)) ?? '').includes(expected), 15_000, 500);
    }, 60_000);

    test('runs 1+1 → 2, print → stream output, 1/0 → ZeroDivisionError on the real kernel', async () => {
      assert.ok(editor, 'needs the notebook from the test before');
      await runCell(0);
      assert.deepEqual(outputsOf(0).filter((o) => o.mime === 'text/plain').map((o) => o.text), ['2'], JSON.stringify(outputsOf(0)));
      assert.equal(editor.notebook.cellAt(0).executionSummary?.success, true);
      const firstCount = editor.notebook.cellAt(0).executionSummary?.executionOrder;
      assert.ok(typeof firstCount === 'number' && firstCount >= 1, `execution order ${firstCount}`);

      await runCell(1);
      assert.deepEqual(outputsOf(1), [{ mime: STDOUT_MIME, text: 'hi\n' }]);
      assert.equal(editor.notebook.cellAt(1).executionSummary?.executionOrder, firstCount + 1, 'one kernel, counting on');

      await runCell(2);
      const [error] = outputsOf(2);
      assert.equal(error?.mime, ERROR_MIME, JSON.stringify(outputsOf(2)));
      const parsed = JSON.parse(error.text) as { name: string; message: string };
      assert.equal(parsed.name, 'ZeroDivisionError');
      assert.match(parsed.message, /division by zero/);
      assert.equal(editor.notebook.cellAt(2).executionSummary?.success, false);
    }, 60_000);

    test('interrupts time.sleep(60): the cell ends with KeyboardInterrupt within seconds', async () => {
      assert.ok(editor, 'needs the notebook from the test before');
      const started = Date.now();
      const running = runCell(3);
      await sleep(2_000); // the kernel is warm: by now it is inside time.sleep
      await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: 3, end: 4 }], document: editor.notebook.uri });
      await Promise.race([running, sleep(20_000)]);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 20_000, `the cell still ran after ${elapsed} ms`);
      const names = outputsOf(3).filter((o) => o.mime === ERROR_MIME).map((o) => (JSON.parse(o.text) as { name: string }).name);
      assert.deepEqual(names, ['KeyboardInterrupt'], JSON.stringify(outputsOf(3)));
      // The kernel survived the interrupt: the next run still works and counts on.
      await runCell(0);
      assert.deepEqual(outputsOf(0).filter((o) => o.mime === 'text/plain').map((o) => o.text), ['2']);
      await vscode.commands.executeCommand('workbench.view.extension.pangeo');
      await ui({ kind: 'screenshot', name: 'notebook-pangeo-kernel' });
    }, 60_000);

    test('restores showOwnControllers', async () => {
      await setShowOwn(undefined);
      assert.equal(vscode.workspace.getConfiguration('pangeo.kernels').get('showOwnControllers'), false);
    });
  });
}
