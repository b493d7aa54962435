// Keeps a notebook's ledger current while its cells run live: the kernel and session it runs on, which request is
// which cell, the kernel's own message session, the run's execution count and its last messages (for dedupe), and the
// cells queued behind the runs (their requests not sent yet).
import type { KernelMessage } from '@jupyterlab/services';
import type { KernelSession } from '../../jupyterServer/jupyterServerClient';
import type { Event } from '../../core/emitter';
import { LedgerQueuedCell, LedgerRun, NotebookLedger, noteSeen, sameQueuedCell } from './runLedger';
import { kernelMessageNumber } from '../../jupyterServer/messageGapWatch';

export interface RecordedKernel {
  readonly onDidAttach: Event<KernelSession>;
  readonly kernelName: string;
  readonly jupyterSessionId: string | undefined;
}

export class RunRecorder {
  private ledger?: NotebookLedger;
  /** Cells queued in this window (a first run queues before any kernel is attached, so before the ledger exists). */
  private queue: LedgerQueuedCell[] = [];
  private readonly subs: { dispose(): void }[] = [];

  /** `changed` is called after every change (the editor persists, throttled); `now` is the clock. */
  constructor(private readonly kernel: RecordedKernel, private readonly serverUrl: string, private readonly changed: (ledger: NotebookLedger | undefined) => void,
    private readonly now: () => number = Date.now) {
    this.subs.push(kernel.onDidAttach((session) => {
      const fresh = !this.ledger || this.ledger.kernelId !== session.id;
      // A new kernel (not a reconnect to the same one): runs of the old one cannot come back through it.
      this.ledger = fresh
        ? { serverUrl, kernelId: session.id, kernelName: kernel.kernelName, sessionId: kernel.jupyterSessionId, clientId: session.clientId, runs: [], queued: this.queue }
        : { ...this.ledger!, clientId: session.clientId, sessionId: kernel.jupyterSessionId ?? this.ledger!.sessionId };
      const slot = (_: unknown, args: { msg: KernelMessage.IMessage; direction: string }) => {
        if (args.direction === 'recv') this.onMessage(args.msg);
      };
      session.connection.anyMessage.connect(slot);
      this.subs.push({ dispose: () => session.connection.anyMessage.disconnect(slot) });
      this.changed(this.ledger);
    }));
  }

  /** The ledger to persist now (undefined before the first connection). */
  get current(): NotebookLedger | undefined {
    return this.ledger;
  }

  /** A cell was queued (its request waits behind the running cells): the returned entry names it in started/dequeued. */
  queued(cellIndex: number, cellHash: string, queuedAt: number): LedgerQueuedCell {
    const entry = { cellIndex, cellHash, queuedAt };
    this.queue.push(entry);
    if (this.ledger) this.changed(this.ledger);
    return entry;
  }

  /** A queued cell will not be sent (cancelled, or it ended before its request went out). */
  dequeued(entry: LedgerQueuedCell): void {
    if (this.unqueue(entry) && this.ledger) this.changed(this.ledger);
  }

  /** A request was sent for the cell at `cellIndex` (source hash `cellHash`); `queued`: its entry, a run from now on. */
  started(msgId: string, cellIndex: number, cellHash: string, startedAt: number, queued?: LedgerQueuedCell): void {
    if (queued) this.unqueue(queued);
    if (!this.ledger) return;
    this.ledger.runs.push({ msgId, cellIndex, cellHash, startedAt, lastOutputAt: startedAt, seen: [] });
    this.changed(this.ledger);
  }

  /** The run ended in this window: nothing to pick up after a reload. */
  ended(msgId: string): void {
    if (!this.ledger) return;
    const before = this.ledger.runs.length;
    this.ledger.runs = this.ledger.runs.filter((r) => r.msgId !== msgId);
    if (this.ledger.runs.length !== before) this.changed(this.ledger);
  }

  /**
   * Adopts runs picked up after a reload: they stay in the ledger until they end here (a second reload finds them). Its
   * queued cells are not adopted: the reattach queues those it finds again (NotebookReattacher), the rest are gone.
   */
  adopt(ledger: NotebookLedger): void {
    this.ledger = { ...ledger, queued: this.queue };
  }

  private unqueue(entry: LedgerQueuedCell): boolean {
    const at = this.queue.findIndex((q) => sameQueuedCell(q, entry));
    if (at < 0) return false;
    this.queue.splice(at, 1);
    return true;
  }

  private onMessage(msg: KernelMessage.IMessage): void {
    const ledger = this.ledger;
    if (!ledger) return;
    ledger.sessionId ??= this.kernel.jupyterSessionId;
    if (msg.channel === 'iopub' && msg.header.session) ledger.kernelSession = msg.header.session;
    // Kept with the run's messages below (persisted as they are): a message of no run changes nothing to pick up.
    const num = kernelMessageNumber(msg.header.msg_id);
    const newest = ledger.lastMessageId === undefined ? undefined : kernelMessageNumber(ledger.lastMessageId);
    if (num && (!newest || newest.sender !== num.sender || num.n > newest.n)) ledger.lastMessageId = msg.header.msg_id;
    const parent = (msg.parent_header as { msg_id?: string } | undefined)?.msg_id;
    const run: LedgerRun | undefined = parent ? ledger.runs.find((r) => r.msgId === parent) : undefined;
    if (!run) return;
    if (msg.header.msg_type === 'execute_input') {
      const count = (msg.content as { execution_count?: unknown }).execution_count;
      if (typeof count === 'number') run.executionCount = count;
    }
    noteSeen(run, msg.header.msg_id, this.now());
    this.changed(ledger);
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose();
  }
}
