// Issue 18, item 2: a cell's input() on our controller opens the editor's input box with the kernel's prompt; the
// answer typed there reaches the cell; getpass() masks what is typed; Escape in the box interrupts the cell and keeps
// what it printed. Sets itself up (hub, server, our controller), so `--grep 'input box'` runs it alone.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, sleep } from './support/hubScenario';
import { cellOutputs, closeNotebook, ERROR_MIME, openNotebook, runCell, selectOurController, setShowOwnControllers, STDOUT_MIME } from './support/notebooks';

const CELLS = [
  'name = input("Your name? ")\nprint(f"hello {name}!")',
  'import getpass\nsecret = getpass.getpass("Token for the e2e: ")\nprint("length", len(secret))',
  'print("printed before asking", flush=True)\nanswer = input("Press Escape here: ")\nprint("not reached")',
];

if (hubConfig()) {
  suite('notebook input', () => {
    test('input() opens the input box with the kernel\'s prompt: the answer is printed by the cell; getpass is masked; Escape interrupts', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const editor = await openNotebook(CELLS);
      await setShowOwnControllers(true);
      try {
        await selectOurController(editor, controllerIdFor(base, '', 'python3'));

        const first = runCell(editor, 0);
        // The box is up, beside the asking cell: the artifact shows both.
        await ui({ kind: 'text', selector: '.quick-input-widget .quick-input-message' }, 60_000);
        await ui({ kind: 'screenshot', name: 'notebook-input-box' });
        await ui({ kind: 'quickInput', expect: 'Your name? ', type: 'Ada Lovelace' });
        await first;
        const out0 = cellOutputs(editor, 0);
        assert.deepEqual(out0, [{ mime: STDOUT_MIME, text: 'Your name? Ada Lovelace\nhello Ada Lovelace!\n' }], JSON.stringify(out0));
        assert.equal(editor.notebook.cellAt(0).executionSummary?.success, true);

        const second = runCell(editor, 1);
        await ui({ kind: 'text', selector: '.quick-input-widget .quick-input-message' }, 30_000);
        assert.equal(await ui({ kind: 'count', selector: '.quick-input-widget .quick-input-box input[type="password"]' }), '1', 'getpass types into a password field');
        await ui({ kind: 'quickInput', expect: 'Token for the e2e: ', type: 'hunter22' });
        await second;
        const out1 = cellOutputs(editor, 1);
        assert.equal(out1.map((o) => o.text).join(''), 'Token for the e2e: ········\nlength 8\n');
        assert.doesNotMatch(JSON.stringify(out1), /hunter22/);

        const started = Date.now();
        const third = runCell(editor, 2);
        await ui({ kind: 'quickInput', expect: 'Press Escape here: ', escape: true });
        await Promise.race([third, sleep(20_000)]);
        assert.ok(Date.now() - started < 20_000, 'the cell ended soon after Escape');
        const out2 = cellOutputs(editor, 2);
        assert.deepEqual(out2.filter((o) => o.mime === STDOUT_MIME).map((o) => o.text), ['printed before asking\n'], JSON.stringify(out2));
        const errors = out2.filter((o) => o.mime === ERROR_MIME).map((o) => (JSON.parse(o.text) as { name: string }).name);
        assert.deepEqual(errors, ['KeyboardInterrupt']);
        assert.equal(editor.notebook.cellAt(2).executionSummary?.success, false);
        assert.equal(await ui({ kind: 'count', selector: '.quick-input-widget:not([style*="display: none"]) .quick-input-message' }), '0', 'no box left open');
        await ui({ kind: 'screenshot', name: 'notebook-input-answered' });
      } finally {
        await closeNotebook(editor).catch(() => undefined);
        await setShowOwnControllers(undefined);
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
    }, 180_000);
  });
}
