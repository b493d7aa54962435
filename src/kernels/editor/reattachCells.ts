// After a window reload, a notebook on our controller picks up the cell that was running: the same kernel, the same
// session key (so the server replays what it kept), a new cell execution started at the original time, the replayed
// and live outputs appended after what the reloaded document shows, and the cell's real end. Where that cannot be
// complete the cell says what may be missing and since when, and a notification offers to run it again. The cells that
// were queued behind it show queued again at once and run after it (only when every picked-up run ended ok).
import type * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/log';
import { isPangeoError } from '../../core/http/errors';
import type { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { CellOutputState, DisplayIndex } from '../cellOutputs';
import { cellHash, findRunCell, LedgerQueuedCell, NotebookLedger } from '../reattach/runLedger';
import { findQueuedCells, PickedUpEnd, whyQueuedNotRun } from '../reattach/queuedCells';
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
  /** Runs cells through the notebook's own run path (outputs, execution counts, the ledger), in order, as one batch. */
  run(cells: { cell: vscode.NotebookCell; execution: vscode.NotebookCellExecution }[]): Promise<void>;
}

/** A cell queued before the reload, shown queued again (its execution created, not started) until the runs end. */
interface WaitingCell {
  cell: vscode.NotebookCell;
  execution: vscode.NotebookCellExecution;
  /** Its entry in this window's ledger (a second reload finds it there). */
  entry: LedgerQueuedCell;
  settled: boolean;
  cancelSub: { dispose(): void };
}

export class NotebookReattacher {
  private readonly recorders = new Map<string, RunRecorder>();
  /** Notebooks being reattached now (one attempt at a time). */
  private readonly reattaching = new Set<string>();
  /** The window is going: what is kept stays as it is (the runs stopped by the teardown did not end). */
  private frozen = false;
  /** Per notebook, the queued cells shown again after a reload while the picked-up runs go on. */
  private readonly waiting = new Map<string, WaitingCell[]>();

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

  /** A cell was queued behind the running ones: persisted at once (a reload may follow); the entry names it later. */
  queued(notebookKey: string, cell: vscode.NotebookCell, queuedAt: number): LedgerQueuedCell | undefined {
    if (this.frozen) return undefined;
    const recorder = this.recorders.get(notebookKey);
    const entry = recorder?.queued(cell.index, cellHash(cell.document.getText()), queuedAt);
    if (recorder?.current) this.store.set(notebookKey, recorder.current, true);
    return entry;
  }

  /** A queued cell will not be sent (cancelled, or ended before its request went out). */
  dequeued(notebookKey: string, entry: LedgerQueuedCell): void {
    if (this.frozen) return;
    const recorder = this.recorders.get(notebookKey);
    recorder?.dequeued(entry);
    if (recorder?.current) this.store.set(notebookKey, recorder.current, true);
  }

  /** A cell's request went out (`queued`: its entry, a run from now on): persisted at once (a reload may follow). */
  started(notebookKey: string, cell: vscode.NotebookCell, msgId: string, startedAt: number, queued?: LedgerQueuedCell): void {
    if (this.frozen) return;
    const recorder = this.recorders.get(notebookKey);
    recorder?.started(msgId, cell.index, cellHash(cell.document.getText()), startedAt, queued);
    if (recorder?.current) this.store.set(notebookKey, recorder.current, true);
  }

  /** Interrupt or restart: the cells queued again after a reload are cancelled, left as they were (as queued cells are). */
  cancelQueued(notebookKey: string): void {
    for (const cell of this.waiting.get(notebookKey) ?? []) void this.settle(notebookKey, cell);
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

  /**
   * Picks up the kept runs; resolves once every one has ended (with its result, or saying what is missing) and the
   * cells queued behind them have run or said why they did not.
   */
  async reattach(notebookKey: string, ledger: NotebookLedger, target: ReattachTarget): Promise<void> {
    const { vs } = this;
    this.reattaching.add(notebookKey);
    const sources = target.notebook.getCells().map((c) => c.document.getText());
    const ends: Promise<PickedUpEnd>[] = [];
    const runs = ledger.runs.flatMap((run) => {
      const index = findRunCell(run, sources);
      if (index === undefined) {
        this.logger.info(`reattach ${notebookKey}: the cell of request ${run.msgId} changed or is gone; its output is not shown`);
        ends.push(Promise.resolve({ cellIndex: undefined, result: 'lost' }));
        return [];
      }
      const cell = target.notebook.cellAt(index);
      const execution = target.controller.createNotebookCellExecution(cell);
      const writer = new CellExecutionWriter(vs, execution, target.outputs, cell.document.uri.toString());
      execution.start(run.startedAt);
      const replay = new ReplayedRun(run.msgId, new CellOutputState(new DisplayIndex(), cell.document.uri.toString()), (c) => writer.apply(c),
        { seen: run.seen, executionCount: run.executionCount });
      const cancel = execution.token.onCancellationRequested(() => void target.kernel.interrupt().catch(() => undefined));
      const finished = replay.done.then(async (end): Promise<PickedUpEnd> => {
        cancel.dispose();
        if (end.kind === 'finished') {
          if (end.executionCount !== null) execution.executionOrder = end.executionCount;
          await writer.flushed();
          execution.end(end.status === 'ok', Date.now());
          return { cellIndex: index, result: end.status === 'ok' ? 'ok' : 'error' };
        }
        writer.append([failureOutput(vs, 'Output may be missing', end.why)]);
        await writer.flushed();
        execution.end(false, Date.now());
        const again = 'Run Cell Again';
        void Promise.resolve(vs.window.showWarningMessage(notificationText(`Cell ${index + 1}: ${end.why}`).text, again)).then((answer) => {
          if (answer === again) void vs.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: target.notebook.uri });
        });
        return { cellIndex: index, result: 'lost' };
      });
      ends.push(finished);
      return [{ run, index, replay, writer, finished }];
    });
    const waiting = this.queueAgain(notebookKey, ledger, target, sources, new Set(runs.map((r) => r.index)));
    try {
      const outcome = await reattachRuns({
        jupyter: target.jupyter, kernel: target.kernel, ledger, runs,
        onGap: (run, text) => runs.find((r) => r.run === run)?.writer.append([new vs.NotebookCellOutput([vs.NotebookCellOutputItem.stderr(`${text}\n`)])]),
      });
      this.logger.info(`reattach ${notebookKey}: ${outcome}, ${runs.length} running cell(s), ${waiting.length} queued`);
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
    await this.runQueued(notebookKey, waiting, await Promise.all(ends), target);
  }

  /** The cells queued before the reload that are found again show queued at once (an execution created, not started). */
  private queueAgain(notebookKey: string, ledger: NotebookLedger, target: ReattachTarget, sources: string[], running: Set<number>): WaitingCell[] {
    const { found, missing } = findQueuedCells(ledger.queued ?? [], sources, running);
    for (const m of missing) this.logger.info(`reattach ${notebookKey}: cell ${m.cellIndex + 1}, queued before the reload, changed or is gone; it does not run`);
    const recorder = this.recorders.get(notebookKey);
    const waiting = found.map(({ entry, index }): WaitingCell => {
      const cell = target.notebook.cellAt(index);
      const waiter: WaitingCell = {
        cell, execution: target.controller.createNotebookCellExecution(cell), settled: false, cancelSub: { dispose() {} },
        // Kept in this window's ledger under its index now, so a second reload finds it too.
        entry: recorder?.queued(index, entry.cellHash, entry.queuedAt) ?? entry,
      };
      waiter.cancelSub = waiter.execution.token.onCancellationRequested(() => void this.settle(notebookKey, waiter));
      return waiter;
    });
    if (waiting.length) this.waiting.set(notebookKey, waiting);
    if (recorder?.current && !this.frozen) this.store.set(notebookKey, recorder.current, true);
    return waiting;
  }

  /** After the picked-up runs: the waiting cells run in order when every run ended ok; else each says why it did not. */
  private async runQueued(notebookKey: string, waiting: WaitingCell[], ends: PickedUpEnd[], target: ReattachTarget): Promise<void> {
    this.waiting.delete(notebookKey);
    // The window is going: the cells stay queued in the ledger for the next one.
    if (this.frozen) return;
    const open = waiting.filter((w) => !w.settled);
    const why = whyQueuedNotRun(ends);
    if (why) {
      await Promise.all(open.map((w) => this.settle(notebookKey, w, why)));
      return;
    }
    const ready: WaitingCell[] = [];
    for (const w of open) {
      if (cellHash(w.cell.document.getText()) === w.entry.cellHash) {
        ready.push(w);
        continue;
      }
      this.logger.info(`reattach ${notebookKey}: cell ${w.cell.index + 1} was edited while it waited; it does not run`);
      await this.settle(notebookKey, w, 'the cell was edited while it waited for the cell running when the window reloaded. Run it again when you are ready.');
    }
    for (const w of ready) {
      w.settled = true;
      w.cancelSub.dispose();
      this.dequeued(notebookKey, w.entry); // the run path queues it again at once
    }
    if (ready.length) await target.run(ready.map(({ cell, execution }) => ({ cell, execution })));
  }

  /** Ends a waiting cell without running it: left as it was (cancelled), or saying below its output why it did not run. */
  private async settle(notebookKey: string, waiter: WaitingCell, notRun?: string): Promise<void> {
    if (waiter.settled) return;
    waiter.settled = true;
    waiter.cancelSub.dispose();
    waiter.execution.start(Date.now());
    // Appended: the cell did not run, so what an earlier run of it showed stays.
    if (notRun) await waiter.execution.appendOutput(failureOutput(this.vs, 'Not run', notRun));
    waiter.execution.end(undefined, Date.now());
    this.dequeued(notebookKey, waiter.entry);
  }

  dispose(): void {
    this.frozen = true;
    for (const r of this.recorders.values()) r.dispose();
    this.recorders.clear();
    this.store.dispose();
  }
}
