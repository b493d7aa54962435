// Shared by the suites that run notebooks on the Jupyter extension's kernels: the stub (CI) or the real
// ms-toolsai.jupyter (PANGEO_E2E_JUPYTER_EXTENSION, checked by hand), our "Pangeo hubs" provider, and the real picker.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JupyterServer, JupyterServerCommandProvider, JupyterServerProvider } from '@vscode/jupyter-extension';
import { pangeoCollection } from './jupyterStub';
import { ui } from '../../runner/ui';
import { until, type PangeoApi } from './hubScenario';

export const JUPYTER_ID = 'ms-toolsai.jupyter';
export const none = () => new vscode.CancellationTokenSource().token;

interface RecordedCollection { id: string; provider: JupyterServerProvider }

export function jupyterExtension(): vscode.Extension<{ collections?: RecordedCollection[] }> {
  const ext = vscode.extensions.getExtension<{ collections?: RecordedCollection[] }>(JUPYTER_ID);
  assert.ok(ext, `${JUPYTER_ID} is not installed in this editor`);
  return ext;
}

/** The e2e stub records collections; the real extension (verification by hand) does not. */
export function isStub(): boolean {
  return String((jupyterExtension().packageJSON as { version: unknown }).version).endsWith('-e2e');
}

/** Our provider: the one the stub recorded, or (real extension) the one our registration handed over. */
export async function provider(api: PangeoApi): Promise<JupyterServerProvider> {
  return until('the "Pangeo hubs" collection', async () => {
    await api.jupyter.ensure();
    if (isStub()) {
      const ext = jupyterExtension();
      return ext.isActive ? ext.exports.collections?.find((c) => c.id === 'pangeo-hubs')?.provider : undefined;
    }
    return api.jupyter.provider;
  }, 30_000);
}

/**
 * The "Pangeo hubs" entry's commands ("Open Server Files…" etc.) as the kernel picker calls them: the stub's recorded
 * command provider, or with the real extension the one our registration handed it.
 */
export async function pickerCommands(api: PangeoApi): Promise<Pick<JupyterServerCommandProvider, 'provideCommands' | 'handleCommand'>> {
  await provider(api);
  if (isStub()) return (await pangeoCollection()).commandProvider!;
  const p = api.jupyter.provider!;
  return { provideCommands: () => p.commands(), handleCommand: (command) => p.handleCommand(command) };
}

export async function listed(p: JupyterServerProvider, id: string): Promise<JupyterServer | undefined> {
  return ((await p.provideJupyterServers(none())) ?? []).find((s) => s.id === id);
}

/** Real extension: picks "Pangeo hubs" → the server → Python 3 in the workbench's kernel picker. */
export async function pickInJupyterPicker(editor: vscode.NotebookEditor, serverLabel: string): Promise<void> {
  await vscode.window.showNotebookDocument(editor.notebook);
  void vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor });
  const row = (hasText: string, timeoutMs = 20_000) => ui({ kind: 'click', selector: '.quick-input-widget .monaco-list-row', hasText }, timeoutMs);
  await row('Select Another Kernel', 8_000).catch(() => undefined); // shown only when something is suggested
  await row('Pangeo hubs');
  await row(serverLabel, 30_000);
  await row('Python 3', 30_000);
}

export function textOutputs(editor: vscode.NotebookEditor, index: number): string[] {
  return editor.notebook.cellAt(index).outputs.flatMap((o) => o.items.map((i) => `${i.mime}: ${new TextDecoder().decode(i.data)}`));
}

/** Runs a cell and waits until it has ended; returns its outputs and success. */
export async function runCellToEnd(editor: vscode.NotebookEditor, index: number, timeoutMs = 60_000, show = true): Promise<{ outputs: string[]; success?: boolean; ms: number }> {
  const before = editor.notebook.cellAt(index).executionSummary?.timing?.endTime;
  const t0 = Date.now();
  // `show` off: the cell runs by its document's URI, and whatever the active editor group shows stays in front.
  if (show) await vscode.window.showNotebookDocument(editor.notebook);
  void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: editor.notebook.uri });
  await until(`cell ${index} to end`, () => {
    const end = editor.notebook.cellAt(index).executionSummary?.timing?.endTime;
    return end !== undefined && end !== before;
  }, timeoutMs, 250);
  return { outputs: textOutputs(editor, index), success: editor.notebook.cellAt(index).executionSummary?.success, ms: Date.now() - t0 };
}
