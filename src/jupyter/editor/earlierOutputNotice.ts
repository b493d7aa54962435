// Output of a cell that ran while no window was attached (a reload), as it reaches the Jupyter extension's reattached
// kernel socket (keptSessionSocket.ts). That extension shows in the cell only what arrives after it resumed the cell
// (2025.4.1: some seconds after it reconnected, once its kernel_info wait on the busy kernel timed out), so the lines
// printed meanwhile are missing there: one notification per such cell says so, and Show Output opens all of it.
import type * as vscode from 'vscode';
import type { EarlierOutput } from '../keptSessionSocket';
import { notificationText } from '../../shared/text/untrustedText';
import { Disposable } from '../../core/lifecycle';

/** Characters kept per cell (the newest): enough for a long run's log, bounded for a cell that prints without end. */
const KEPT_CHARS = 1_000_000;

interface Kept {
  /** The newest KEPT_CHARS of it. */
  text: string;
  /** Characters received in all. */
  total: number;
  doc?: vscode.TextDocument;
  /** Characters of the total already in doc. */
  written: number;
}

export class EarlierOutputNotice extends Disposable {
  private readonly kept = new Map<string, Kept>();
  /** Edits to the shown documents, one after the other (each appends at the end as it is then). */
  private edits: Promise<unknown> = Promise.resolve();

  constructor(private readonly vs: typeof vscode) {
    super();
  }

  /** Text of the request so far (tests read it as Show Output shows it). */
  textOf(requestId: string): string | undefined {
    return this.kept.get(requestId)?.text;
  }

  add(output: EarlierOutput, serverLabel: string): void {
    if (this._isDisposed) return;
    const before = this.kept.get(output.requestId);
    const kept = before ?? { text: '', total: 0, written: 0 };
    kept.text = `${kept.text}${output.text}`.slice(-KEPT_CHARS);
    kept.total += output.text.length;
    this.kept.set(output.requestId, kept);
    if (!before) void this.tell(kept, serverLabel);
    else this.sync(kept);
  }

  private async tell(kept: Kept, serverLabel: string): Promise<void> {
    const show = 'Show Output';
    const answer = await this.vs.window.showInformationMessage(notificationText(`A cell kept running on ${serverLabel} while no window was connected to its kernel (the window reloaded). The Jupyter extension shows in the cell only what the cell printed once it had reconnected and resumed it: the lines printed before that may be missing from the cell. Show Output shows everything the server kept since then, and what follows.`).text, show);
    if (answer !== show || this._isDisposed) return;
    kept.written = kept.total;
    kept.doc = await this.vs.workspace.openTextDocument({ content: kept.text, language: 'plaintext' });
    await this.vs.window.showTextDocument(kept.doc, { preview: false });
    this.sync(kept);
  }

  /** Appends to the shown document what arrived since it was last written (live while the cell runs). */
  private sync(kept: Kept): void {
    this.edits = this.edits.then(async () => {
      const doc = kept.doc;
      const missing = kept.total - kept.written;
      if (!doc || doc.isClosed || missing <= 0 || this._isDisposed) return;
      kept.written = kept.total;
      const edit = new this.vs.WorkspaceEdit();
      edit.insert(doc.uri, doc.lineAt(doc.lineCount - 1).range.end, kept.text.slice(-missing));
      await this.vs.workspace.applyEdit(edit);
    }).catch(() => undefined);
  }
}
