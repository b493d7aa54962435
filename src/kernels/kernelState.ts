// The states of a notebook's kernel connection, apart from the kernel class so that what reacts to them (widgets)
// need not import it.
export type KernelState =
  /** No kernel yet: one starts (or is reused) on the next run. */
  | 'idle'
  | 'starting'
  | 'connected'
  /** The websocket dropped; retrying with back-off. */
  | 'reconnecting'
  /** Reconnecting gave up; the next run tries again. */
  | 'disconnected'
  /** The hub says the server is not running (stopped or culled): offer to restart it. */
  | 'server-stopped'
  | 'shut-down';
