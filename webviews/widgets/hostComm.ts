// A widget comm whose other end is the extension host (which owns the real comm on the kernel connection): what the
// @jupyter-widgets models call (open/send/close, on_msg/on_close), with the kernel's 'idle' for each message sent
// delivered to the model's callbacks, which throttle a slider's updates until the kernel caught up.
import type { RendererToHost } from '../../src/shared/widgetProtocol';

type Callbacks = { iopub?: { status?: (msg: unknown) => void } } | undefined;
type Buffers = ArrayBuffer[] | ArrayBufferView[] | undefined;

export function toBase64(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

export class HostComm {
  private onMsg?: (msg: unknown) => void;
  private onClose?: (msg: unknown) => void;
  private readonly waiting = new Map<string, Callbacks>();
  private closed = false;

  constructor(readonly comm_id: string, readonly target_name: string, private readonly post: (msg: RendererToHost) => void) {}

  open(data: unknown, callbacks?: Callbacks, metadata?: unknown, buffers?: Buffers): string {
    return this.sendToHost({ type: 'comm_open', comm_id: this.comm_id, msg_id: crypto.randomUUID(), target_name: this.target_name, data, metadata, buffers: encode(buffers) }, callbacks);
  }

  send(data: unknown, callbacks?: Callbacks, _metadata?: unknown, buffers?: Buffers): string {
    return this.sendToHost({ type: 'comm_msg', comm_id: this.comm_id, msg_id: crypto.randomUUID(), data, buffers: encode(buffers) }, callbacks);
  }

  close(data?: unknown, callbacks?: Callbacks): string {
    if (this.closed) return '';
    this.closed = true;
    return this.sendToHost({ type: 'comm_close', comm_id: this.comm_id, msg_id: crypto.randomUUID(), data }, callbacks);
  }

  on_msg(callback: (msg: unknown) => void): void {
    this.onMsg = callback;
  }

  on_close(callback: (msg: unknown) => void): void {
    this.onClose = callback;
  }

  /** A comm_msg from the kernel, shaped as the models read it (echo_update needs the parent's msg_id). */
  receive(data: unknown, buffers: DataView[], parent?: string): void {
    this.onMsg?.({ content: { comm_id: this.comm_id, data }, buffers, metadata: {}, parent_header: parent ? { msg_id: parent } : {}, header: {} });
  }

  closedByKernel(): void {
    this.closed = true;
    this.onClose?.({ content: { comm_id: this.comm_id, data: {} } });
  }

  /** The kernel went idle after a message of ours (or never will: kernel gone): release the model's throttle. */
  idle(msgId: string): void {
    if (!this.waiting.has(msgId)) return;
    const callbacks = this.waiting.get(msgId);
    this.waiting.delete(msgId);
    callbacks?.iopub?.status?.({ content: { execution_state: 'idle' }, header: { msg_type: 'status' }, parent_header: { msg_id: msgId } });
  }

  private sendToHost(msg: RendererToHost & { msg_id: string }, callbacks: Callbacks): string {
    this.waiting.set(msg.msg_id, callbacks);
    this.post(msg);
    return msg.msg_id;
  }
}

function encode(buffers: Buffers): string[] {
  return (buffers ?? []).map((b) => toBase64(b));
}
