// Tells when a dropped socket lost kernel messages. The kernel numbers every message it sends: jupyter_client's Session
// (7.0 and later) makes each msg_id "<session>_<pid>_<n>", n counting up across all channels. jupyter_server keeps
// what it could not deliver only from the moment it notices a socket closed: what it wrote into a dying connection (a
// killed proxy, a network that went away) is gone without a trace on the server. Here, the numbers between the last
// message before a drop and the first after it that never arrived are such messages, less the replies to other
// clients' requests (each goes only to the client that asked; its request shows by its busy/idle status on IOPub),
// and less what the server's own "nudge" on a reconnect takes: it sends kernel_info_request on channels of its own
// (the replies never reach a client) and swallows the first IOPub message after it, in jupyter_server 1.x and 2.x
// alike (seen: two such holes after a clean drop, every line there).
// Hand-written: neither @jupyterlab/services nor jupyter_server offers a sequence check.
import { clockTime } from '../core/clockTime';

export interface NumberedMessage {
  channel?: string | null;
  header: { msg_id: string; msg_type: string };
  parent_header?: { msg_id?: string } | object;
  content?: unknown;
}

/** A run of messages the kernel sent around a drop that never reached this client. */
export interface MessageGap {
  /** How many messages did not arrive (beyond the replies to other clients that the kernel may have sent meanwhile). */
  missing: number;
  /** When the socket dropped (ms since the epoch). */
  droppedAt: number;
}

/** The sender ("<session>_<pid>") and number of a kernel message id; undefined for ids without one (older kernels). */
export function kernelMessageNumber(msgId: string): { sender: string; n: number } | undefined {
  const m = /^(.+_\d+)_(\d+)$/.exec(msgId);
  return m ? { sender: m[1]!, n: Number(m[2]) } : undefined;
}

/**
 * The idle status of request `msgId`: its last message (ipykernel sends it after the reply and the last output). A gap
 * is decided before it is handled, so the notice lands in the cell before the cell ends.
 */
export function isIdleOf(msg: NumberedMessage, msgId: string | undefined): boolean {
  return msgId !== undefined && msg.channel === 'iopub' && msg.header.msg_type === 'status'
    && (msg.parent_header as { msg_id?: string } | undefined)?.msg_id === msgId
    && (msg.content as { execution_state?: unknown } | undefined)?.execution_state === 'idle';
}

/** How long after the first message past a drop the lowest number is taken (messages of the kernel's threads interleave). */
export const GAP_SETTLE_MS = 1_000;
/** A foreign request whose idle came this close after the first number past the drop may have replied inside the gap. */
const REPLY_SLACK = 2;

interface PendingCheck {
  sender: string;
  last: number;
  droppedAt: number;
  /** Other clients' requests that were running at the drop (busy seen, idle not): each may have replied in the gap. */
  openForeign: Set<string>;
  firstAfter?: number;
  idleOf: Map<string, number>;
  /** Other clients' requests whose busy status arrived after the drop (the rest lost theirs, or the nudge took it). */
  busyAfter: Set<string>;
  timer?: ReturnType<typeof setTimeout>;
}

/** A check from a drop: what was last seen then, and the other clients' requests running at that moment. */
function newCheck(sender: string, last: number, droppedAt: number, openForeign: ReadonlySet<string>): PendingCheck {
  return { sender, last, droppedAt, openForeign: new Set(openForeign), idleOf: new Map(), busyAfter: new Set() };
}

export class MessageGapWatch {
  private sender?: string;
  private last = -1;
  /** Requests this client sent: their replies come here, so they are never a reason for a hole. */
  private readonly ours = new Set<string>();
  private readonly openForeign = new Set<string>();
  private connected = true;
  private check?: PendingCheck;

  constructor(private readonly onGap: (gap: MessageGap) => void, private readonly now: () => number = Date.now) {}

  /** A message this client sent (its msg_id). */
  sent(msgId: string): void {
    this.ours.add(msgId);
    if (this.ours.size > 4_096) this.ours.delete(this.ours.values().next().value!);
  }

  /** The socket dropped (any state but connected after connected). */
  dropped(): void {
    if (!this.connected) return;
    this.connected = false;
    // A check under way covers from its own drop (one still settling starts another when it decides).
    if (this.check || this.sender === undefined) return;
    this.check = newCheck(this.sender, this.last, this.now(), this.openForeign);
  }

  /**
   * Starts from a connection of an earlier window: `lastMsgId` is the newest numbered message it handled, and its socket
   * dropped at `droppedAt` (a reload). What this connection receives first is checked against it.
   */
  resumeAfter(lastMsgId: string, droppedAt: number): void {
    const num = kernelMessageNumber(lastMsgId);
    if (!num) return;
    this.sender = num.sender;
    this.last = num.n;
    this.cancelCheck();
    this.check = newCheck(num.sender, num.n, droppedAt, new Set());
  }

  /** Decides now on a check that has seen messages after its drop (before a cell that ends cannot take the notice). */
  settleNow(): void {
    const check = this.check;
    if (check?.firstAfter === undefined) return;
    clearTimeout(check.timer);
    this.decide(check);
  }

  /** The socket is connected (again). */
  reconnected(): void {
    this.connected = true;
  }

  /** A message this client received. */
  received(msg: NumberedMessage): void {
    const num = kernelMessageNumber(msg.header.msg_id);
    if (!num) return;
    if (num.sender !== this.sender) {
      // Another kernel process (restarted): its numbers start again; a check across it means nothing.
      this.sender = num.sender;
      this.last = -1;
      this.openForeign.clear();
      this.cancelCheck();
    }
    this.last = Math.max(this.last, num.n);
    this.trackForeign(msg, num.n);
    // Whatever arrives after a drop came through a new socket (the server's replay may come before the library says 'connected').
    const check = this.check;
    if (!check) return;
    if (check.firstAfter === undefined || num.n < check.firstAfter) check.firstAfter = num.n;
    check.timer ??= setTimeout(() => this.decide(check), GAP_SETTLE_MS);
  }

  dispose(): void {
    this.cancelCheck();
  }

  private trackForeign(msg: NumberedMessage, n: number): void {
    if (msg.channel !== 'iopub' || msg.header.msg_type !== 'status') return;
    const parent = (msg.parent_header as { msg_id?: string } | undefined)?.msg_id;
    if (!parent || this.ours.has(parent)) return;
    const state = (msg.content as { execution_state?: unknown } | undefined)?.execution_state;
    if (state === 'busy') {
      this.openForeign.add(parent);
      this.check?.busyAfter.add(parent);
    } else if (state === 'idle') {
      this.openForeign.delete(parent);
      this.check?.idleOf.set(parent, n);
    }
  }

  private decide(check: PendingCheck): void {
    if (this.check !== check) return;
    this.check = undefined;
    const first = check.firstAfter!;
    const holes = first - check.last - 1;
    if (holes <= 0) return;
    // Holes other clients' requests account for: a reply each; two where the busy status never came (the nudge's).
    let replies = 0;
    for (const [parent, idle] of check.idleOf) {
      if (idle > first + REPLY_SLACK) continue;
      if (check.openForeign.has(parent)) replies++;
      else if (!check.busyAfter.has(parent)) replies += 2;
    }
    const missing = holes - replies;
    if (missing > 0) this.onGap({ missing, droppedAt: check.droppedAt });
    // A drop while this check settled starts its own from where the messages are now.
    if (!this.connected) this.check = newCheck(check.sender, this.last, this.now(), this.openForeign);
  }

  private cancelCheck(): void {
    if (this.check?.timer) clearTimeout(this.check.timer);
    this.check = undefined;
  }
}

/** What the cell says where a gap was found: plain, with when, and what to do. */
export function gapNotice(gap: MessageGap): string {
  const what = gap.missing === 1 ? '1 message' : `${gap.missing} messages`;
  return `Output may be missing here: ${what} the kernel sent when the connection dropped at ${clockTime(gap.droppedAt)} did not arrive `
    + '(the server counted them as delivered and cannot send them again). Run the cell again to see all of its output.\n';
}
