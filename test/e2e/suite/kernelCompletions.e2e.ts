// Issue 18 item 3 in a real editor: in a cell of a notebook on our controller, the editor's completion list holds a
// name from a module that exists only in the hub server's notebook folder (the laptop has no such module), marked
// "kernel"; hovering a function of it shows its docstring from the kernel as a code block; signature help names its
// parameters. The suggest widget is opened in the cell and saved as `kernel-completions-suggest.png`.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { controllerIdFor } from '../../../src/kernels/controllerId';
import { suite, test } from '../runner/registry';
import { ui } from '../runner/ui';
import { ensureReadyServer, hubConfig, pangeoApi, requireHub, until } from './support/hubScenario';
import { closeNotebook, openNotebook, plainText, runCell, selectOurController, setShowOwnControllers } from './support/notebooks';

const MODULE = `server_only_${randomBytes(3).toString('hex')}`;
const SOURCE = `def hello_server(name: str, times: int = 1) -> str:
    """Greets NAME from the server.

    See https://example.com [x](command:workbench.action.openSettings)
    """
    return name * times
`;

const labelOf = (item: vscode.CompletionItem) => (typeof item.label === 'string' ? item.label : item.label.label);
const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');

if (hubConfig()) {
  suite('kernel completions', () => {
    let editor: vscode.NotebookEditor | undefined;

    test('kernel completions: a name from a module only the server has, in our controller\'s cell', async () => {
      const hub = requireHub();
      const api = await pangeoApi();
      const base = await ensureReadyServer(api, hub);
      const serverUrl = api.hubs.readyServers().find((s) => s.hubId === base && s.server.name === '')!.server.url!;
      const put = await fetch(`${serverUrl}api/contents/${MODULE}.py`, {
        method: 'PUT', headers: { Authorization: `token ${hub.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'file', format: 'text', content: SOURCE }),
      });
      assert.ok(put.ok, `contents PUT: HTTP ${put.status}`);
      await setShowOwnControllers(true);
      editor = await openNotebook(['1+1', `import ${MODULE.slice(0, -2)}`, `${MODULE}.hello_server("a", `]);
      await selectOurController(editor, controllerIdFor(base, '', 'python3'));
      await runCell(editor, 0);
      assert.deepEqual(plainText(editor, 0), ['2'], 'the kernel runs');

      const cell = editor.notebook.cellAt(1).document;
      const end = cell.lineAt(0).range.end;
      const asked = Date.now();
      const item = await until(`a completion "${MODULE}" from the kernel`, async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', cell.uri, end);
        return list.items.find((i) => labelOf(i) === MODULE);
      }, 30_000, 500);
      console.log(`[e2e] the kernel's completion was listed ${Date.now() - asked} ms after the first cell ran`);
      assert.equal(item.detail, 'kernel', 'marked as the kernel\'s');
      assert.equal(item.kind, vscode.CompletionItemKind.Module);

      // The suggest widget in the cell, as the user sees it.
      await vscode.window.showNotebookDocument(editor.notebook, { selections: [new vscode.NotebookRange(1, 2)] });
      await vscode.commands.executeCommand('notebook.cell.edit');
      const cellEditor = await until('the cell editor to be active', () => vscode.window.activeTextEditor?.document === cell && vscode.window.activeTextEditor, 10_000);
      cellEditor.selection = new vscode.Selection(end, end);
      const row = await until('the suggest widget to list the module', async () => {
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        const shown = (await ui({ kind: 'text', selector: '.suggest-widget .monaco-list-row' }, 3_000).catch(() => '')) ?? '';
        return shown.includes(MODULE) && shown;
      }, 30_000, 500);
      assert.match(row, /kernel/, `the row says where it comes from: ${row}`);
      await ui({ kind: 'screenshot', name: 'kernel-completions-suggest' });
      await vscode.commands.executeCommand('hideSuggestWidget');
    }, 120_000);

    test('kernel completions: hover and signature help from the kernel', async () => {
      assert.ok(editor, 'needs the notebook of the test before');
      const edit = new vscode.WorkspaceEdit();
      edit.set(editor.notebook.uri, [vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(1, 2), [new vscode.NotebookCellData(vscode.NotebookCellKind.Code, `import ${MODULE}`, 'python')])]);
      assert.ok(await vscode.workspace.applyEdit(edit));
      await runCell(editor, 1);
      assert.equal(editor.notebook.cellAt(1).executionSummary?.success, true, JSON.stringify(editor.notebook.cellAt(1).outputs));

      const call = editor.notebook.cellAt(2).document;
      const onName = new vscode.Position(0, `${MODULE}.hello`.length);
      const hovers = await until('a hover from the kernel', async () => {
        const found = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', call.uri, onName);
        return hoverText(found).includes('Greets NAME') && found;
      }, 20_000, 500);
      const text = hoverText(hovers);
      assert.match(text, /```python\n[^`]*hello_server\(name: str, times: int ?= ?1\) -> str\n```/, text);
      assert.match(text, /```text\nGreets NAME from the server\.[\s\S]*\[x\]\(command:workbench\.action\.openSettings\)\n```/, 'the docstring as a code block: its link is text');
      for (const c of hovers.flatMap((h) => h.contents)) if (typeof c !== 'string' && 'isTrusted' in c) assert.ok(!c.isTrusted, 'untrusted Markdown');

      const afterComma = call.lineAt(0).range.end;
      const help = await vscode.commands.executeCommand<vscode.SignatureHelp | undefined>('vscode.executeSignatureHelpProvider', call.uri, afterComma, ',');
      const signature = help?.signatures[help.activeSignature];
      assert.ok(signature, 'signature help');
      assert.match(signature.label, /hello_server\(name: str, times: int ?= ?1\) -> str/);
      assert.equal(help.activeParameter, 1, 'the second argument is being typed');
    }, 90_000);

    test('kernel completions: restore', async () => {
      if (editor) await closeNotebook(editor);
      await setShowOwnControllers(undefined);
      const hub = requireHub();
      const server = (await pangeoApi()).hubs.readyServers().find((s) => s.hubId === hub.url && s.server.name === '');
      if (server?.server.url) await fetch(`${server.server.url}api/contents/${MODULE}.py`, { method: 'DELETE', headers: { Authorization: `token ${hub.token}` } });
    }, 30_000);
  });
}
