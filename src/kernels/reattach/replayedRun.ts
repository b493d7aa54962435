// One cell's run picked up again on a new connection: the messages the server replays (and those that follow live)
// whose parent is the run's request go to the cell in order, each once (by header.msg_id); the run ends once both the
// shell's execute_reply and the IOPub status idle of the request arrived, or a moment after one of them when the other
// went to a socket that is gone. Not at the reply alone: the server keeps the shell and IOPub messages in the order
// they reached it, and the reply often overtakes the run's last output (its replay lost those lines).
import type { KernelMessage } from '@jupyterlab/services';
import { toKernelOutput } from '../../jupyterServer/kernelOutputs';
import { CellOutputState, OutputChange } from '../cellOutputs';

export type ReplayedRunEnd =
  | { kind: 'finished'; status: 'ok' | 'error' | 'aborted'; executionCount: number | null }
  /** The run's end will not arrive (kernel gone or restarted, or it ended while the server kept nothing): `why` says so. */
  | { kind: 'lost'; why: string };

/** How long an IOPub idle waits for the shell reply that carries the status, or the reply for the idle after the
 * run's last output (they travel on different sockets). */
const OTHER_END_MS = 1_000;

export class ReplayedRun {
  private readonly seen: Set<string>;
  private ended?: ReplayedRunEnd;
  private resolveDone!: (end: ReplayedRunEnd) => void;
  readonly done = new Promise<ReplayedRunEnd>((resolve) => {
    this.resolveDone = resolve;
  });
  private executionCount: number | null;
  private errored = false;
  private reply?: { status: 'ok' | 'error' | 'aborted'; executionCount: number | null };
  private idle = false;
  private endTimer?: ReturnType<typeof setTimeout>;
  /** Messages of the run handled here (not counting those skipped as seen). */
  handled = 0;

  constructor(readonly msgId: string, private readonly outputs: CellOutputState, private readonly onChange: (change: OutputChange) => void,
    opts: { seen?: Iterable<string>; executionCount?: number } = {}) {
    this.seen = new Set(opts.seen ?? []);
    this.executionCount = opts.executionCount ?? null;
  }

  get finished(): boolean {
    return this.ended !== undefined;
  }

  /** Any received kernel message, of any channel; those of other requests are ignored. */
  handle(msg: KernelMessage.IMessage): void {
    if (this.ended || (msg.parent_header as { msg_id?: string } | undefined)?.msg_id !== this.msgId) return;
    const id = msg.header.msg_id;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.handled++;
    if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
      const content = msg.content as { status?: string; execution_count?: number | null };
      const status = content.status === 'error' || content.status === 'aborted' ? content.status : 'ok';
      this.reply = { status, executionCount: content.execution_count ?? this.executionCount };
      this.endSoon();
      return;
    }
    if (msg.channel !== 'iopub') return;
    const type = msg.header.msg_type;
    if (type === 'execute_input') {
      const count = (msg.content as { execution_count?: unknown }).execution_count;
      if (typeof count === 'number') this.executionCount = count;
    } else if (type === 'status') {
      if ((msg.content as { execution_state?: string }).execution_state === 'idle') {
        this.idle = true;
        this.endSoon();
      }
    } else {
      const out = toKernelOutput(msg as KernelMessage.IIOPubMessage);
      if (!out) return;
      if (out.type === 'error') this.errored = true;
      for (const change of this.outputs.apply(out)) this.onChange(change);
    }
  }

  /** Both ends arrived: finished now; one of them: finished a moment later unless the other comes first. */
  private endSoon(): void {
    const end = (): ReplayedRunEnd => ({ kind: 'finished', ...(this.reply ?? { status: this.errored ? 'error' : 'ok', executionCount: this.executionCount }) });
    if (this.reply && this.idle) {
      this.finish(end());
      return;
    }
    this.endTimer ??= setTimeout(() => this.finish(end()), OTHER_END_MS);
  }

  /** Ends the run without its result (the reason goes to the cell). */
  lose(why: string): void {
    this.finish({ kind: 'lost', why });
  }

  private finish(end: ReplayedRunEnd): void {
    if (this.ended) return;
    clearTimeout(this.endTimer);
    this.ended = end;
    this.resolveDone(end);
  }
}
