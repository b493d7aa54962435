// Applies cell-output changes to a VS Code cell execution, in order, remembering outputs by id for later updates.
import type * as vscode from 'vscode';
import type { CellOutput, OutputChange } from '../cellOutputs';
import { ERROR_MIME, ErrorValue, OutputItem, STDERR_MIME, STDOUT_MIME } from '../outputItems';
import { withOurWidgetView } from '../widgets/widgetOutputItems';

type Vs = Pick<typeof vscode, 'NotebookCellOutput' | 'NotebookCellOutputItem'>;

export function toOutputItem(vs: Vs, item: OutputItem): vscode.NotebookCellOutputItem {
  switch (item.kind) {
    case 'text':
      if (item.mime === STDOUT_MIME) return vs.NotebookCellOutputItem.stdout(item.text);
      if (item.mime === STDERR_MIME) return vs.NotebookCellOutputItem.stderr(item.text);
      return vs.NotebookCellOutputItem.text(item.text, item.mime);
    case 'base64':
      return new vs.NotebookCellOutputItem(Buffer.from(item.base64, 'base64'), item.mime);
    case 'json':
      if (item.mime === ERROR_MIME) {
        const v = item.value as ErrorValue;
        const error = new Error(v.message);
        error.name = v.name;
        error.stack = v.stack;
        return vs.NotebookCellOutputItem.error(error);
      }
      return vs.NotebookCellOutputItem.json(item.value, item.mime);
  }
}

/** One error output for failures outside the kernel (server stopped, kernel lost, start failed). */
export function failureOutput(vs: Vs, name: string, message: string): vscode.NotebookCellOutput {
  const error = new Error(message);
  error.name = name;
  error.stack = '';
  return new vs.NotebookCellOutput([vs.NotebookCellOutputItem.error(error)]);
}

/** The editor's outputs of one notebook, by our output id (display updates may reach back to earlier cells). */
export type OutputsById = Map<string, { cellKey: string; output: vscode.NotebookCellOutput }>;

export class CellExecutionWriter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly vs: Vs, private readonly execution: vscode.NotebookCellExecution, private readonly known: OutputsById,
    private readonly cellKey: string) {
    this.forgetCell(); // a new run replaces the cell's outputs
  }

  apply(change: OutputChange): void {
    // Editor objects are made now: the core's outputs change later (display updates, stream merges).
    switch (change.type) {
      case 'append': {
        const made = this.make(change.output);
        return this.enqueue(() => {
          this.remember(change.output.id, made);
          return this.execution.appendOutput(made);
        });
      }
      case 'replace-all': {
        const made = change.outputs.map((o) => [o.id, this.make(o)] as const);
        return this.enqueue(() => {
          this.forgetCell();
          for (const [id, output] of made) this.remember(id, output);
          return this.execution.replaceOutput(made.map(([, output]) => output));
        });
      }
      case 'clear':
        return this.enqueue(() => {
          this.forgetCell();
          return this.execution.clearOutput();
        });
      case 'replace-items': {
        const items = change.items.map((i) => toOutputItem(this.vs, i));
        return this.enqueue(() => {
          const target = this.known.get(change.outputId);
          // An output that is no longer shown (its cell was cleared or ran again) has nothing to update.
          if (!target) return undefined;
          return this.execution.replaceOutputItems(items, target.output);
        });
      }
    }
  }

  /** Adds outputs after what the run has shown so far (a failure after partial output keeps that output). */
  append(outputs: vscode.NotebookCellOutput[]): void {
    this.enqueue(() => this.execution.appendOutput(outputs));
  }

  replaceWith(outputs: vscode.NotebookCellOutput[]): void {
    this.enqueue(() => {
      this.forgetCell();
      return this.execution.replaceOutput(outputs);
    });
  }

  clear(): void {
    this.enqueue(() => {
      this.forgetCell();
      return this.execution.clearOutput();
    });
  }

  /** Resolves when every change so far has been applied (before end()). */
  flushed(): Promise<void> {
    return this.chain.then(() => undefined);
  }

  private make(output: CellOutput): vscode.NotebookCellOutput {
    return new this.vs.NotebookCellOutput(withOurWidgetView(output.items).map((i) => toOutputItem(this.vs, i)), output.metadata);
  }

  private remember(id: string, output: vscode.NotebookCellOutput): void {
    this.known.set(id, { cellKey: this.cellKey, output });
  }

  private forgetCell(): void {
    for (const [id, entry] of this.known) if (entry.cellKey === this.cellKey) this.known.delete(id);
  }

  private enqueue(step: () => Thenable<void> | undefined): void {
    // The editor applies updates asynchronously; keep them in the order the kernel sent them, and never stop the chain.
    this.chain = this.chain.then(step).then(undefined, () => undefined);
  }
}
