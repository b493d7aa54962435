// Notebook steps the e2e suites share: open one, pick our controller, run cells, read outputs, switch our controllers on.
import * as vscode from 'vscode';
import { EXTENSION_ID, until } from './hubScenario';

export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';

/** `pangeo.kernels.showOwnControllers` (user settings); undefined restores the default. */
export function setShowOwnControllers(value: boolean | undefined): Thenable<void> {
  return vscode.workspace.getConfiguration('pangeo.kernels').update('showOwnControllers', value, vscode.ConfigurationTarget.Global);
}

/** An untitled Jupyter notebook with one Python code cell per entry, shown in the editor. */
export async function openNotebook(cells: string[]): Promise<vscode.NotebookEditor> {
  const data = new vscode.NotebookData(cells.map((code) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, code, 'python')));
  return vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument('jupyter-notebook', data));
}

/** `notebook.selectKernel` with an id selects that controller and returns true, or returns false when it is not offered. */
export function selectController(editor: vscode.NotebookEditor, id: string): Thenable<boolean | undefined> {
  return vscode.commands.executeCommand<boolean | undefined>('notebook.selectKernel', { notebookEditor: editor, id, extension: EXTENSION_ID });
}

/** Waits until our controller `id` is offered, and selects it. */
export async function selectOurController(editor: vscode.NotebookEditor, id: string, timeoutMs = 30_000): Promise<void> {
  await until(`the controller ${id} to be offered and selected`, async () => (await selectController(editor, id)) === true, timeoutMs, 250);
}

export function runCell(editor: vscode.NotebookEditor, index: number): Thenable<unknown> {
  return vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: editor.notebook.uri });
}

export function cellOutputs(editor: vscode.NotebookEditor, index: number): { mime: string; text: string }[] {
  return editor.notebook.cellAt(index).outputs.flatMap((o) => o.items.map((i) => ({ mime: i.mime, text: new TextDecoder().decode(i.data) })));
}

export function plainText(editor: vscode.NotebookEditor, index: number): string[] {
  return cellOutputs(editor, index).filter((o) => o.mime === 'text/plain').map((o) => o.text);
}

/** Closes the notebook without saving. */
export async function closeNotebook(editor: vscode.NotebookEditor): Promise<void> {
  await vscode.window.showNotebookDocument(editor.notebook);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}
