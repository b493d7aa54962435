// A cell's input request (input(), getpass(), pdb) as the editor's input box: the cell is scrolled into view, the
// kernel's prompt shown as plain text, getpass answers masked; closed when the cell stops waiting.
import type * as vscode from 'vscode';
import type { AskInput } from '../cellInput';
import type { InputRequest } from '../../jupyterServer/kernelInput';
import { inputPrompt, plainLabel } from '../../shared/text/untrustedText';

type Vs = Pick<typeof vscode, 'window' | 'CancellationTokenSource'> & Partial<Pick<typeof vscode, 'NotebookRange' | 'NotebookEditorRevealType'>>;

/**
 * The window's one input box at a time: another one would close ours, which reads as Escape (the cell interrupted),
 * so a second notebook asking waits for the first answer.
 */
const turns = new WeakMap<object, Promise<unknown>>();

export function askInInputBox(vs: Vs, cell: vscode.NotebookCell): AskInput {
  return (request, signal) => {
    const mine = (turns.get(vs.window) ?? Promise.resolve()).then(() => ask(vs, cell, request, signal));
    turns.set(vs.window, mine.catch(() => undefined));
    return mine;
  };
}

async function ask(vs: Vs, cell: vscode.NotebookCell, request: InputRequest, signal: AbortSignal): Promise<string | undefined> {
  if (signal.aborted) return undefined;
  revealCell(vs, cell);
  const closing = new vs.CancellationTokenSource();
  const close = () => closing.cancel();
  signal.addEventListener('abort', close, { once: true });
  try {
    const notebook = plainLabel(cell.notebook.uri.path.split('/').pop() ?? '');
    return await vs.window.showInputBox({
      title: `Cell ${cell.index + 1} of ${notebook} asks for input (Enter: send · Escape: interrupt the cell)`,
      prompt: request.prompt.trim() ? inputPrompt(request.prompt) : 'The kernel asks for input.',
      password: request.password,
      placeHolder: request.password ? 'Hidden: not shown, saved or logged' : undefined,
      // Only Enter or Escape decides: a click elsewhere (e.g. scrolling the notebook) must not interrupt the cell.
      ignoreFocusOut: true,
    }, closing.token);
  } finally {
    signal.removeEventListener('abort', close);
    closing.dispose();
  }
}

/** The box opens at the top of the window: bring the asking cell into view below it. */
function revealCell(vs: Vs, cell: vscode.NotebookCell): void {
  const editor = vs.window.visibleNotebookEditors.find((e) => e.notebook === cell.notebook);
  if (!editor || !vs.NotebookRange) return;
  editor.revealRange(new vs.NotebookRange(cell.index, cell.index + 1), vs.NotebookEditorRevealType?.InCenterIfOutsideViewport);
}
