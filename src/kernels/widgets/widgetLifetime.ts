// When a kernel state change ends the widgets of the kernel: their comms are gone with the kernel process or the
// connection to it (a websocket that is only reconnecting keeps them).
import type { KernelState } from '../kernelState';

/** The sentence the widget views show when `state` ends their kernel's comms, or undefined when they live on. */
export function widgetsEndWith(state: KernelState, previous: KernelState, message?: string): string | undefined {
  const why = message ? ` (${message})` : '';
  switch (state) {
    case 'idle':
    case 'disconnected':
    case 'server-stopped':
      return `The kernel is gone${why}: this widget is no longer connected. Run the cell again.`;
    case 'shut-down':
      return 'The kernel was shut down: this widget shows its last state.';
    case 'starting':
      // A restart (from connected): the kernel's objects, widgets included, are gone.
      return previous === 'connected' || previous === 'reconnecting' ? 'The kernel was restarted: this widget is no longer connected. Run the cell again.' : undefined;
    default:
      return undefined;
  }
}
