// Where each live feed of a dashboard stands (the scheduler poll, the kernel probe), declared once for both sides.

/**
 * live: answering. unreachable: the last poll(s) failed but not yet `stoppedAfter` in a row.
 * stopped: `stoppedAfter` polls in a row failed (cluster gone). Any success returns to live.
 */
export type SamplerState = 'connecting' | 'live' | 'unreachable' | 'stopped';

/**
 * off: not running (dashboard hidden, or no probing here). looking: just switched on, nothing asked yet. no-kernel: no connected notebook kernel has a client of this
 * scheduler. busy: the kernel that has one is running a cell and no probe kernel of ours could answer for it. live: the values shown come from the probe. failed: it
 * answered something unusable (the message says what).
 */
export type KernelProbeState = 'off' | 'looking' | 'no-kernel' | 'busy' | 'live' | 'failed';

export interface KernelProbeStatus {
  state: KernelProbeState;
  /** One sentence for the panel: where occupancy comes from, or why it is missing. */
  message: string;
  /** The notebook the values come from (or that is busy). */
  notebook?: string;
  /** Epoch ms of the answer shown (live only). */
  time?: number;
  /** The memory bars come from the probe too: identity.json answers 500 while tasks run (distributed ≥ 2023.4). */
  memoryFromProbe?: boolean;
  /** Live through a probe kernel of ours beside the notebook's (which is running a cell), not the notebook's own. */
  viaSibling?: boolean;
}
