// Reattaches a notebook to the kernel its cells ran on before a reload: reconnects with the same session key, so the
// server replays what it kept for this client, routes the replay to the runs' cells, and says plainly when the
// replay cannot be complete (kernel gone or restarted, another client took the session, the server kept nothing).
import { clockTime } from '../../core/clockTime';
import type { KernelMessage } from '@jupyterlab/services';
import type { JupyterServerClient, KernelSession } from '../../jupyterServer/jupyterServerClient';
import { isPangeoError } from '../../core/http/errors';
import { sleep } from '../../core/http/httpClient';
import type { Event } from '../../core/emitter';
import type { LedgerRun, NotebookLedger } from './runLedger';
import type { ReplayedRun } from './replayedRun';
import type { KernelState } from '../kernelState';
import { gapNotice, isIdleOf, MessageGapWatch } from '../../jupyterServer/messageGapWatch';
import type { KnownKernel } from '../notebookKernel';

/** What reattaching needs of a NotebookKernel (created with the ledger's clientId). */
export interface ReattachableKernel {
  readonly onDidAttach: Event<KernelSession>;
  /** The connection's verdicts: a stopped server, a shut-down kernel or a connection given up ends the wait. */
  readonly onDidChangeState: Event<{ state: KernelState; message?: string }>;
  readonly kernelId: string | undefined;
  /** Opens the socket of that kernel at once; rejects with NotFound when it is gone (starting nothing else). */
  connect(known: KnownKernel): Promise<void>;
}

/** States of the notebook's kernel connection after which no more of the run can arrive through it. */
const NOTHING_MORE: ReadonlySet<KernelState> = new Set(['server-stopped', 'disconnected', 'shut-down']);
/** How long the server may leave the kernel's state unanswered (errors other than "no such kernel") before a run stops waiting. */
const UNANSWERED_MS = 60_000;

export interface ReattachOptions {
  jupyter: Pick<JupyterServerClient, 'getKernel'>;
  kernel: ReattachableKernel;
  ledger: NotebookLedger;
  runs: { run: LedgerRun; replay: ReplayedRun }[];
  /** Tells a cell that part of its output may be missing while its run goes on. */
  onGap(run: LedgerRun, text: string): void;
  /** Between looks at the kernel's state while a run waits for its end (ms). */
  pollMs?: number;
  /** A run stops waiting when the kernel's state could not be read for this long (ms). */
  unansweredMs?: number;
  /** After the kernel answered a shell request sent after the runs, how long their IOPub may still arrive (ms). */
  iopubGraceMs?: number;
  signal?: AbortSignal;
}

/** How long after the kernel answered a later shell request a run's last IOPub messages may still arrive. */
const IOPUB_GRACE_MS = 1_000;
/** How long after the socket opened the server is asked whether another client is connected (see reattachRuns). */
const GAP_CHECK_AFTER_MS = 500;
/** The server writes its replay in one go: this long without a message after the first one, it has drained. */
const REPLAY_QUIET_MS = 50;
/** What this window sends waits for the replay at most this long (from the connection's start). */
const HOLD_AT_MOST_MS = 1_500;
/** How jupyter_server's note begins when it drops IOPub messages over its rate limits (1.23 and 2.x alike). */
const RATE_LIMITED = /^IOPub (message|data) rate exceeded\./;

/** The server writes its whole replay at once, so a run that printed more than ~3,000 messages (or 3 MB) while away goes
 * over the server's IOPub rate limits (per 3 s window by default): the server drops the rest of that run's output. */
export const RATE_LIMIT_GAP = 'Part of the output this cell printed while no window was attached is missing from here: the server '
  + 'replays all it kept at once and dropped what went over its IOPub rate limit (its note above). What the run printed after '
  + 'the last line shown before that note is missing, up to the next output shown (its result too, when none follows). Run the '
  + 'cell again to see all of it, or raise ServerApp.iopub_msg_rate_limit / iopub_data_rate_limit on the server.';

export type ReattachOutcome = 'reattached' | 'kernel-gone' | 'kernel-restarted' | 'unreachable';

export async function reattachRuns(opts: ReattachOptions): Promise<ReattachOutcome> {
  const { jupyter, kernel, ledger, runs } = opts;
  const loseAll = (why: (run: LedgerRun) => string) => {
    for (const { run, replay } of runs) replay.lose(why(run));
  };
  // Read now: the ledger's recorder notes the session of the messages to come.
  const expectedSession = ledger.kernelSession;
  let restarted = false;
  const gapCheck = new AbortController();
  // The connection itself gave up (server stopped, kernel shut down, reconnecting abandoned): nothing more can arrive.
  const ended = new AbortController();
  let endedWhy = '';
  const stateSub = kernel.onDidChangeState(({ state, message }) => {
    if (!NOTHING_MORE.has(state) || ended.signal.aborted) return;
    endedWhy = message ?? (state === 'shut-down' ? 'The kernel was shut down.' : 'The connection to the kernel was lost.');
    ended.abort();
  });
  // What the last window handled against what comes now: messages written into its closing socket are lost for good.
  const numbers = new MessageGapWatch((gap) => {
    for (const { run, replay } of runs) if (!replay.finished) opts.onGap(run, gapNotice(gap));
  });
  if (ledger.lastMessageId) numbers.resumeAfter(ledger.lastMessageId, Math.max(0, ...ledger.runs.map((r) => r.lastOutputAt)));
  // The runs are this notebook's own requests (sent by the window before): their statuses excuse no hole.
  for (const r of ledger.runs) numbers.sent(r.msgId);
  let attached: KernelSession | undefined;
  // What this window sends (the library's kernel_info on open, ours below, the widgets' comm_info) waits until the
  // replay drained: every run ended, or a quiet moment after the first message, or the bound.
  let drained!: () => void;
  const replayDrained = new Promise<void>((resolve) => (drained = resolve));
  let quiet: ReturnType<typeof setTimeout> | undefined;
  let lastMessageAt = 0;
  // One timer for the whole replay, not one per message (10,000 re-armed timers were a tenth of a replay's client time):
  // when it fires early it waits out the rest of the quiet moment since the last message.
  const quietCheck = () => {
    const left = lastMessageAt + REPLAY_QUIET_MS - Date.now();
    quiet = left > 0 ? setTimeout(quietCheck, left) : undefined;
    if (left <= 0) drained();
  };
  const bound = setTimeout(() => drained(), HOLD_AT_MOST_MS);
  let replaying = true;
  const rateLimited = new Set<LedgerRun>();
  void replayDrained.then(() => {
    replaying = false;
    clearTimeout(quiet);
    clearTimeout(bound);
  });
  const sub = kernel.onDidAttach((session) => {
    attached = session;
    session.holdOutgoing(replayDrained);
    const slot = (_: unknown, args: { msg: KernelMessage.IMessage; direction: string }) => {
      if (args.direction !== 'recv') {
        numbers.sent(args.msg.header.msg_id);
        return;
      }
      numbers.received(args.msg);
      lastMessageAt = Date.now();
      if (replaying) quiet ??= setTimeout(quietCheck, REPLAY_QUIET_MS);
      const { msg } = args;
      // The server writes that note itself, under its own message session: it is not a restarted kernel's.
      const rateNote = isRateLimitNote(msg);
      if (msg.channel === 'iopub' && !rateNote && expectedSession && msg.header.session && msg.header.session !== expectedSession && !restarted) {
        restarted = true;
        loseAll((run) => `The kernel was restarted while no window was attached, so this cell's output after ${clockTime(run.lastOutputAt)} and its result are lost (its variables are gone too). Run the cell again.`);
        drained();
        return;
      }
      if (runs.some((r) => !r.replay.finished && isIdleOf(msg, r.run.msgId))) numbers.settleNow();
      for (const { replay } of runs) replay.handle(msg);
      // Live, the server's note says it all (as in JupyterLab); in the replay it needs saying what it cost this cell.
      if (replaying && rateNote) {
        const parent = (msg.parent_header as { msg_id?: string } | undefined)?.msg_id;
        for (const { run, replay } of runs) {
          if (run.msgId !== parent || replay.finished || rateLimited.has(run)) continue;
          rateLimited.add(run);
          opts.onGap(run, RATE_LIMIT_GAP);
        }
      }
      if (runs.every((r) => r.replay.finished)) {
        drained();
        session.connection.anyMessage.disconnect(slot);
      }
    };
    session.connection.anyMessage.connect(slot);
  });
  try {
    // The socket first, no REST before it: the server's replay starts as soon as it can. REST is asked only when the
    // socket fails (is the kernel gone?), and after the replay's burst (was another client connected?).
    try {
      await kernel.connect({ kernelId: ledger.kernelId, sessionId: ledger.sessionId });
    } catch (e) {
      if (!isPangeoError(e, 'NotFound')) throw e;
      loseAll((run) => `The kernel this cell ran on is gone from the server (shut down, culled, or the server was restarted), so its output after ${clockTime(run.lastOutputAt)} and its result are lost. Run the cell again to start a new kernel.`);
      return 'kernel-gone';
    }
    if (kernel.kernelId !== ledger.kernelId) {
      loseAll((run) => `The notebook's kernel was replaced on the server while no window was attached, so this cell's output after ${clockTime(run.lastOutputAt)} and its result are lost. Run the cell again.`);
      return 'kernel-gone';
    }
    // The server keeps messages for a client only while no other client is connected to the kernel; this window's
    // socket is one of the connections counted now. Asked once the replay had its moment (a REST call beside it slows
    // the server's replay down), and only for runs the replay did not end (theirs had nothing missing).
    const others = sleep(GAP_CHECK_AFTER_MS, gapCheck.signal).then(async () => {
      if (runs.every((r) => r.replay.finished)) return;
      const k = await jupyter.getKernel(ledger.kernelId);
      if ((k.connections ?? 0) <= 1) return;
      for (const { run, replay } of runs) {
        if (!replay.finished) opts.onGap(run, `Output printed after ${clockTime(run.lastOutputAt)} while this window was away may be missing: another client was connected to the kernel, so the server kept nothing for this window. Output from now on is complete.`);
      }
    }).catch(() => undefined);
    // The replay comes first on the new socket. A shell request sent now is answered only after every request queued
    // before it, the runs included: once answered (and a moment for IOPub, a socket of its own), a run still waiting
    // ended while the server kept nothing for this window. Not the server's execution_state: control-channel requests
    // (the server's own nudge on connect) flip it to "idle" while a cell runs, which ended live runs as lost.
    let shellTurnAt: number | undefined;
    void attached?.connection.requestKernelInfo().then(() => (shellTurnAt ??= Date.now()), () => undefined);
    let unansweredSince: number | undefined;
    let unanswered = '';
    const allEnded = Promise.all(runs.map((r) => r.replay.done));
    const stopWaiting = opts.signal ? AbortSignal.any([opts.signal, ended.signal]) : ended.signal;
    while (runs.some((r) => !r.replay.finished) && !restarted && !stopWaiting.aborted) {
      const pause = new AbortController();
      await Promise.race([sleep(opts.pollMs ?? 2_000, AbortSignal.any([stopWaiting, pause.signal])).catch(() => undefined), allEnded]);
      pause.abort();
      if (runs.every((r) => r.replay.finished) || stopWaiting.aborted) break;
      const state = await jupyter.getKernel(ledger.kernelId).then((k) => k.executionState ?? 'unknown', (e: unknown) => {
        if (isPangeoError(e, 'NotFound')) return 'gone';
        unanswered = isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e);
        return undefined;
      });
      if (state === 'gone') {
        loseAll((run) => `The kernel is gone from the server (shut down or culled), so this cell's output after ${clockTime(run.lastOutputAt)} and its result are lost.`);
        return 'kernel-gone';
      }
      // A server that stopped answering (stopped, signed out, network gone): the run cannot be followed, never spin.
      if (state === undefined) {
        unansweredSince ??= Date.now();
        if (Date.now() - unansweredSince >= (opts.unansweredMs ?? UNANSWERED_MS)) {
          loseAll((run) => `Could not ask the server about the kernel this cell runs on (${unanswered}), so its output after ${clockTime(run.lastOutputAt)} and its result are not shown. It may still be running on the server.`);
          return 'unreachable';
        }
      } else unansweredSince = undefined;
      if (shellTurnAt !== undefined && Date.now() - shellTurnAt >= (opts.iopubGraceMs ?? IOPUB_GRACE_MS)) {
        loseAll((run) => `The cell finished while no window was attached, but the server did not keep its messages for this window (another client connected meanwhile, or the server dropped them): output after ${clockTime(run.lastOutputAt)} and the result are missing. Run the cell again to see them.`);
      }
    }
    if (ended.signal.aborted && runs.some((r) => !r.replay.finished)) {
      loseAll((run) => `${endedWhy} This cell's output after ${clockTime(run.lastOutputAt)} and its result are not shown; it may still be running on the server.`);
      return 'unreachable';
    }
    gapCheck.abort();
    await others;
    return restarted ? 'kernel-restarted' : 'reattached';
  } finally {
    numbers.dispose();
    drained();
    gapCheck.abort();
    sub.dispose();
    stateSub.dispose();
  }
}

/** jupyter_server's own stderr note that it dropped IOPub messages over its rate limit (sent with the dropped one's parent). */
function isRateLimitNote(msg: KernelMessage.IMessage): boolean {
  if (msg.channel !== 'iopub' || msg.header.msg_type !== 'stream') return false;
  const content = msg.content as { name?: string; text?: string };
  return content.name === 'stderr' && RATE_LIMITED.test(content.text ?? '');
}
