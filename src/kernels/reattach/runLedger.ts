// What a notebook needs to find its kernel and its running cell again after a window reload: the server, the kernel,
// the client's session key (the server keeps messages for a closed socket under it) and which request is which cell.
// Persisted per notebook by the editor (workspaceState); no token or other secret is in it.
import { arrayOf, num, optional, shape, str, type Guard } from '../../core/http/responseCheck';

export interface LedgerRun {
  /** The execute request's msg_id: every reply and output of the run names it as its parent. */
  msgId: string;
  /** Where the cell was, to find it again after a reload: its index and a hash of its source. */
  cellIndex: number;
  cellHash: string;
  startedAt: number;
  /** When this window last showed an output of the run (what the reloaded document holds ends about here). */
  lastOutputAt: number;
  /** The run's execution count once the kernel announced it (execute_input). */
  executionCount?: number;
  /** msg_ids of the run's last messages this window handled: one delivered again is not shown twice. */
  seen: string[];
}

/** A cell waiting behind the running ones (its request not sent yet): after a reload it waits again, then runs. */
export interface LedgerQueuedCell {
  cellIndex: number;
  cellHash: string;
  /** When the cell was queued: the order the queued cells run in. */
  queuedAt: number;
}

export interface NotebookLedger {
  serverUrl: string;
  kernelId: string;
  kernelName: string;
  /** The Jupyter session (/api/sessions) of the notebook. */
  sessionId?: string;
  /** The client's session key (`session_id` of the kernel websocket). */
  clientId: string;
  /** The kernel process's own message session: a different one after reattaching means the kernel was restarted. */
  kernelSession?: string;
  /** The newest numbered kernel message this window handled: the next window checks what it gets against it. */
  lastMessageId?: string;
  runs: LedgerRun[];
  /** The notebook's queued cells, in the order they were queued (absent in ledgers written before they were kept). */
  queued?: LedgerQueuedCell[];
}

/** How many msg_ids of a run are remembered (the newest): enough to cover a reconnect's overlap, small to persist. */
export const SEEN_KEPT = 64;

const isRun = shape<LedgerRun>({
  msgId: str, cellIndex: num, cellHash: str, startedAt: num, lastOutputAt: num, executionCount: optional(num), seen: arrayOf(str),
});

const isQueuedCell = shape<LedgerQueuedCell>({ cellIndex: num, cellHash: str, queuedAt: num });

/** The persisted value is read back from storage that other versions may have written: checked, never trusted. */
export const isNotebookLedger: Guard<NotebookLedger> = shape<NotebookLedger>({
  serverUrl: str, kernelId: str, kernelName: str, sessionId: optional(str), clientId: str, kernelSession: optional(str), lastMessageId: optional(str),
  runs: arrayOf(isRun),
  queued: optional(arrayOf(isQueuedCell)),
});

/** A short, stable hash of a cell's source (FNV-1a), to recognise the cell after a reload without storing its code. */
export function cellHash(source: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) {
    h ^= source.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The cell a run belongs to: the same index with the same source, else the one cell with that source. */
export function findRunCell(run: Pick<LedgerRun, 'cellIndex' | 'cellHash'>, sources: string[]): number | undefined {
  if (sources[run.cellIndex] !== undefined && cellHash(sources[run.cellIndex]!) === run.cellHash) return run.cellIndex;
  const matches = sources.flatMap((s, i) => (cellHash(s) === run.cellHash ? [i] : []));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The same queued cell (entries are compared by value: the ledger is persisted and read back as copies). */
export function sameQueuedCell(a: LedgerQueuedCell, b: LedgerQueuedCell): boolean {
  return a.cellIndex === b.cellIndex && a.cellHash === b.cellHash && a.queuedAt === b.queuedAt;
}

/** Remembers a message of a run as seen (the newest SEEN_KEPT). */
export function noteSeen(run: LedgerRun, msgId: string, at: number): void {
  run.seen.push(msgId);
  if (run.seen.length > SEEN_KEPT) run.seen.splice(0, run.seen.length - SEEN_KEPT);
  run.lastOutputAt = at;
}
