// Kernel messages (Jupyter messaging protocol 5.x) turned into the outputs a cell or the CLI shows.
import type { KernelMessage } from '@jupyterlab/services';

export type MimeBundle = Record<string, unknown>;

export type KernelOutput =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { type: 'execute_result'; data: MimeBundle; metadata: Record<string, unknown>; executionCount: number | null }
  | { type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string }
  | { type: 'update_display_data'; data: MimeBundle; metadata: Record<string, unknown>; displayId?: string }
  | { type: 'clear_output'; wait: boolean }
  | { type: 'error'; ename: string; evalue: string; traceback: string[] };

/** Maps one IOPub message to an output, or undefined for messages that carry none (status, execute_input, …). */
export function toKernelOutput(msg: KernelMessage.IIOPubMessage): KernelOutput | undefined {
  const c = msg.content as Record<string, unknown>;
  const transient = (c.transient ?? {}) as { display_id?: string };
  switch (msg.header.msg_type) {
    case 'stream':
      return { type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') };
    case 'execute_result':
      return { type: 'execute_result', data: (c.data ?? {}) as MimeBundle, metadata: (c.metadata ?? {}) as Record<string, unknown>,
        executionCount: typeof c.execution_count === 'number' ? c.execution_count : null };
    case 'display_data':
      return { type: 'display_data', data: (c.data ?? {}) as MimeBundle, metadata: (c.metadata ?? {}) as Record<string, unknown>, displayId: transient.display_id };
    case 'update_display_data':
      return { type: 'update_display_data', data: (c.data ?? {}) as MimeBundle, metadata: (c.metadata ?? {}) as Record<string, unknown>, displayId: transient.display_id };
    case 'clear_output':
      return { type: 'clear_output', wait: c.wait === true };
    case 'error':
      return { type: 'error', ename: String(c.ename ?? 'Error'), evalue: String(c.evalue ?? ''), traceback: (c.traceback ?? []) as string[] };
    default:
      return undefined;
  }
}

/** Removes ANSI colour codes from tracebacks for plain-text display. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
