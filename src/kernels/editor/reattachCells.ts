// After a window reload, a notebook on our controller picks up the cell that was running: the same kernel, the same
// session key (so the server replays what it kept), a new cell execution started at the original time, the replayed
// and live outputs appended after what the reloaded document shows, and the cell's real end. Where that cannot be
// complete the cell says what may be missing and since when, and a notification offers to run it again.
import type * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/log';
import { isPangeoError } from '../../core/http/errors';
import type { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { CellOutputState, DisplayIndex } from '../cellOutputs';
import { cellHash, findRunCell, NotebookLedger } from '../reattach/runLedger';
import { RunRecorder, type RecordedKernel } from '../reattach/runRecorder';
import { ReplayedRun } from '../reattach/replayedRun';
import { reattachRuns, type ReattachableKernel } from '../reattach/reattachKernel';
import { CellExecutionWriter, failureOutput, type OutputsById } from './cellExecutionWriter';
import { ReattachStore } from './reattachStore';
import { notificationText } from '../../shared/text/untrustedText';

type Vs = Pick<typeof vscode, 'NotebookCellOutput' | 'NotebookCellOutputItem' | 'window' | 'commands'>;

export interface ReattachTarget {
  controller: Pick<vscode.NotebookController, 'createNotebookCellExecution'>;
  notebook: vscode.NotebookDocument;
  jupyter: Pick<JupyterServerClient, 'getKernel'>;
  kernel: ReattachableKernel & { interrupt(): Promise<void> };
  outputs: OutputsById;
}

export class NotebookReattacher {
  private readonly recorders = new Map<string, RunRecorder>();
  /** Notebooks being reattached now (one attempt at a time). */
  private readonly reattaching = new Set<string>();
  /** The window is going: what is kept stays as it is (the runs stopped by the teardown did not end). */
  private frozen = false;

  constructor(private readonly vs: Vs, private readonly store: ReattachStore, private readonly logger: Logger) {}

  /** The session key for a notebook's kernel connection: the kept one on the same server, so the server replays. */
  clientIdFor(notebookKey: string, serverUrl: string): string {
    const kept = this.store.get(notebookKey);
    return kept && kept.serverUrl === serverUrl ? kept.clientId : randomUUID();
  }

  /** Keeps the notebook's ledger current while its kernel is used (from its creation). */
  track(notebookKey: string, kernel: RecordedKernel, serverUrl: string): void {
    this.recorders.get(notebookKey)?.dispose();
    const kept = this.store.get(notebookKey);
    const recorder = new RunRecorder(kernel, serverUrl, (ledger) => this.store.set(notebookKey, ledger));
    if (kept && kept.serverUrl === serverUrl) recorder.adopt(kept);
    this.recorders.set(notebookKey, recorder);
  }

  /** A cell's request went out: persisted at once (a reload may follow). */
  started(notebookKey: string, cell: vscode.NotebookCell, msgId: string, startedAt: number): void {
    if (this.frozen) return;
    const recorder = this.recorders.get(notebookKey);
    recorder?.started(msgId, cell.index, cellHash(cell.document.getText()), startedAt);
    if (recorder?.current) this.store.set(notebookKey, recorder.current, true);
  }

  ended(notebookKey: string, msgId: string): void {
    if (this.frozen) return;
    const recorder = this.recorders.get(notebookKey);
    recorder?.ended(msgId);
    if (recorder?.current) this.store.set(notebookKey, recorder.current, true);
  }

  /** True when the notebook has a run this window has not seen end (its kernel must outlive this window). */
  hasRuns(notebookKey: string): boolean {
    return (this.recorders.get(notebookKey)?.current?.runs.length ?? 0) > 0;
  }

  /** The notebook's kernel was shut down or replaced on purpose: nothing to pick up any more. */
  forget(notebookKey: string): void {
    if (this.frozen) return;
    this.recorders.get(notebookKey)?.dispose();
    this.recorders.delete(notebookKey);
    this.store.set(notebookKey, undefined, true);
  }

  /** The kept runs of this notebook on `serverUrl`, when there are any to pick up. */
  pending(notebookKey: string, serverUrl: string): NotebookLedger | undefined {
    const kept = this.store.get(notebookKey);
    return kept && kept.serverUrl === serverUrl && kept.runs.length > 0 && !this.reattaching.has(notebookKey) ? kept : undefined;
  }

  /** Picks up the kept runs; resolves once every one has ended (with its result, or saying what is missing). */
  async reattach(notebookKey: string, ledger: NotebookLedger, target: ReattachTarget): Promise<void> {
    const { vs } = this;
    this.reattaching.add(notebookKey);
    const sources = target.notebook.getCells().map((c) => c.document.getText());
    const runs = ledger.runs.flatMap((run) => {
      const index = findRunCell(run, sources);
      if (index === undefined) {
        this.logger.info(`reattach ${notebookKey}: the cell of request ${run.msgId} changed or is gone; its output is not shown`);
        return [];
      }
      const cell = target.notebook.cellAt(index);
      const execution = target.controller.createNotebookCellExecution(cell);
      const writer = new CellExecutionWriter(vs, execution, target.outputs, cell.document.uri.toString());
      execution.start(run.startedAt);
      const replay = new ReplayedRun(run.msgId, new CellOutputState(new DisplayIndex(), cell.document.uri.toString()), (c) => writer.apply(c),
        { seen: run.seen, executionCount: run.executionCount });
      const cancel = execution.token.onCancellationRequested(() => void target.kernel.interrupt().catch(() => undefined));
      const finished = replay.done.then(async (end) => {
        cancel.dispose();
        if (end.kind === 'finished') {
          if (end.executionCount !== null) execution.executionOrder = end.executionCount;
          await writer.flushed();
          execution.end(end.status === 'ok', Date.now());
          return;
        }
        writer.append([failureOutput(vs, 'Output may be missing', end.why)]);
        await writer.flushed();
        execution.end(false, Date.now());
        const again = 'Run Cell Again';
        void Promise.resolve(vs.window.showWarningMessage(notificationText(`Cell ${index + 1}: ${end.why}`).text, again)).then((answer) => {
          if (answer === again) void vs.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: target.notebook.uri });
        });
      });
      return [{ run, replay, writer, finished }];
    });
    try {
      const outcome = await reattachRuns({
        jupyter: target.jupyter, kernel: target.kernel, ledger, runs,
        onGap: (run, text) => runs.find((r) => r.run === run)?.writer.append([new vs.NotebookCellOutput([vs.NotebookCellOutputItem.stderr(`${text}\n`)])]),
      });
      this.logger.info(`reattach ${notebookKey}: ${outcome}, ${runs.length} running cell(s)`);
    } catch (e) {
      // The server could not be asked (network, auth): the cells must not spin; the next run reports the cause.
      const message = isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
      for (const r of runs) r.replay.lose(`Could not reconnect to the kernel this cell ran on (${message}). It may still be running on the server; its output is not shown here.`);
    } finally {
      await Promise.all(runs.map((r) => r.finished));
      for (const r of runs) this.recorders.get(notebookKey)?.ended(r.run.msgId);
      const current = this.recorders.get(notebookKey)?.current;
      if (!this.frozen) this.store.set(notebookKey, current && current.kernelId === ledger.kernelId ? current : undefined, true);
      this.reattaching.delete(notebookKey);
    }
  }

  dispose(): void {
    this.frozen = true;
    for (const r of this.recorders.values()) r.dispose();
    this.recorders.clear();
    this.store.dispose();
  }
}
