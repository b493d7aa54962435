// The host side of ipywidgets for one notebook kernel: our kernel connection has handleComms off, so this owns the
// `jupyter.widget` comms. It keeps every model's state (the widget-state JupyterLab saves in the notebook), passes comm
// messages between the kernel and the renderers, and captures the outputs an Output widget asks for (its msg_id) so
// they go into the widget, not the cell, as JupyterLab does.
import { randomUUID } from 'node:crypto';
import { Emitter } from '../../core/emitter';
import { Logger, silentLogger } from '../../core/log';
import { HostToRenderer, RendererToHost, SavedModel, WIDGET_COMM_TARGET, WidgetState } from '../../shared/widgetProtocol';
import { appendCapturedOutput, CapturedOutput } from './outputCapture';

/** The slice of a kernel message this file reads and writes (the @jupyterlab/services shape). */
export interface WireMessage {
  header: { msg_id: string; msg_type: string; session?: string; username?: string; date?: string; version?: string };
  parent_header: { msg_id?: string } | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers?: (ArrayBuffer | ArrayBufferView)[];
  channel: string;
}

type Hook = (msg: WireMessage) => boolean | PromiseLike<boolean>;

/** What a widget host needs of a kernel connection (KernelConnection of @jupyterlab/services, or a fake). */
export interface CommConnection {
  readonly clientId: string;
  readonly username: string;
  readonly iopubMessage: { connect(slot: (sender: unknown, msg: WireMessage) => void): boolean; disconnect(slot: (sender: unknown, msg: WireMessage) => void): boolean };
  sendShellMessage(msg: WireMessage, expectReply?: boolean, disposeOnDone?: boolean): { onIOPub: (msg: WireMessage) => void | PromiseLike<void>; done: Promise<unknown> };
  registerMessageHook(msgId: string, hook: Hook): void;
  removeMessageHook(msgId: string, hook: Hook): void;
}

const OUTPUT_MODEL = 'OutputModel';
/** ipywidgets' control comm: one `request_states` answered by `update_states` with every model of the kernel. */
const CONTROL_TARGET = 'jupyter.widget.control';
const CONTROL_PROTOCOL_VERSION = '1.0.0';
const OUTPUT_MODULE = '@jupyter-widgets/output';

export function toBase64(buffer: ArrayBuffer | ArrayBufferView): string {
  return ArrayBuffer.isView(buffer)
    ? Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).toString('base64')
    : Buffer.from(buffer).toString('base64');
}

function fromBase64(text: string): DataView {
  const bytes = Buffer.from(text, 'base64');
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

interface LiveModel {
  saved: SavedModel;
  /** False once its kernel is gone: the state stays (saved, shown), the comm does not. */
  live: boolean;
  /** The Output widget's current capture: the msg_id whose outputs it takes, and the hook doing it. */
  capture?: { msgId: string; hook: Hook; clearOnNext: boolean };
}

export class WidgetComms {
  private readonly emitter = new Emitter<HostToRenderer>();
  /** Messages for the renderers of this notebook. */
  readonly onMessage = this.emitter.event;
  private readonly models = new Map<string, LiveModel>();
  private connection?: CommConnection;
  /** Messages the renderer sent that the kernel has not finished handling (released with 'idle'). */
  private readonly pending = new Set<string>();
  private readonly logger: Logger;
  /** Control comms waiting for their `update_states` (or a comm_close: the kernel has no ipywidgets loaded). */
  private readonly controlWaiters = new Map<string, (msg: WireMessage | undefined) => void>();

  constructor(logger: Logger = silentLogger) {
    this.logger = logger;
  }

  /** Starts owning the widget comms of a (new) kernel connection; dispose to stop. */
  attach(connection: CommConnection): { dispose(): void } {
    this.connection = connection;
    const slot = (_: unknown, msg: WireMessage) => this.onIOPub(msg);
    connection.iopubMessage.connect(slot);
    return {
      dispose: () => {
        connection.iopubMessage.disconnect(slot);
        if (this.connection === connection) this.connection = undefined;
      },
    };
  }

  /** True while a kernel connection is attached. */
  get live(): boolean {
    return this.connection !== undefined;
  }

  /** The state of every model, in the format JupyterLab saves under `metadata.widgets`. */
  state(): WidgetState {
    const state: Record<string, SavedModel> = {};
    for (const [id, model] of this.models) state[id] = structuredClone(model.saved);
    return { version_major: 2, version_minor: 0, state };
  }

  /** The answer to a renderer that (re)started: every model, all with live comms while a kernel is attached. */
  snapshot(cdn: boolean): HostToRenderer {
    return { type: 'state', state: this.state(), live: this.connection ? [...this.models].filter(([, m]) => m.live).map(([id]) => id) : [], kernel: this.connection !== undefined, cdn };
  }

  /**
   * The kernel is gone (died, restarted, shut down, server stopped): the models keep their last state for saving and
   * for the views, which stop sending and say why; nothing waits on the kernel any more.
   */
  kernelGone(message: string): void {
    for (const model of this.models.values()) {
      this.stopCapture(model);
      model.live = false;
    }
    this.releasePending();
    if (this.models.size) this.emitter.fire({ type: 'kernel_lost', message });
  }

  /** A message from a renderer: sent on to the kernel (comm messages), or answered here. */
  fromRenderer(msg: RendererToHost): void {
    const connection = this.connection;
    if (msg.type === 'ready' || msg.type === 'cdn_consent') return; // answered by the editor bridge
    const model = msg.type === 'comm_open' ? undefined : this.models.get(msg.comm_id);
    if (!connection || (model && !model.live)) {
      // Nothing will answer: release the model's throttling and say why once.
      this.emitter.fire({ type: 'idle', msg_id: msg.msg_id });
      this.emitter.fire({ type: 'kernel_lost', message: 'The kernel is not connected: changes to the widget do not reach it. Run the cell again.' });
      return;
    }
    const buffers = (msg.buffers ?? []).map(fromBase64);
    let content: Record<string, unknown>;
    if (msg.type === 'comm_msg') {
      content = { comm_id: msg.comm_id, data: msg.data };
      this.applyUpdate(msg.comm_id, msg.data, msg.buffers ?? []);
    } else if (msg.type === 'comm_open') {
      content = { comm_id: msg.comm_id, target_name: msg.target_name, data: msg.data };
    } else {
      content = { comm_id: msg.comm_id, data: msg.data ?? {} };
      this.forget(msg.comm_id);
    }
    const wire = this.message(connection, msg.type, content, msg.msg_id, buffers);
    this.pending.add(msg.msg_id);
    const future = connection.sendShellMessage(wire, false, true);
    future.onIOPub = (reply) => {
      if (reply.header.msg_type === 'status' && reply.content.execution_state === 'idle') this.release(msg.msg_id);
      else if (reply.header.msg_type === 'stream' || reply.header.msg_type === 'error') {
        // A callback's own output (not captured by an Output widget): JupyterLab sends it to its log console.
        this.logger.info(`widget callback output: ${String(reply.content.text ?? `${String(reply.content.ename)}: ${String(reply.content.evalue)}`).trimEnd()}`);
      }
    };
    future.done.then(() => this.release(msg.msg_id), () => this.release(msg.msg_id));
  }

  dispose(): void {
    for (const model of this.models.values()) this.stopCapture(model);
    this.connection = undefined;
    this.emitter.dispose();
  }

  private release(msgId: string): void {
    if (this.pending.delete(msgId)) this.emitter.fire({ type: 'idle', msg_id: msgId });
  }

  private releasePending(): void {
    for (const id of [...this.pending]) this.release(id);
  }

  private message(connection: CommConnection, type: string, content: Record<string, unknown>, msgId: string = randomUUID(), buffers: DataView[] = []): WireMessage {
    return {
      header: { msg_id: msgId, msg_type: type, session: connection.clientId, username: connection.username, date: new Date().toISOString(), version: '5.3' },
      parent_header: {}, metadata: {}, content, buffers, channel: 'shell',
    };
  }

  /**
   * Asks a kernel we attached to again (a kept kernel, a reconnect) for all its widget models, through ipywidgets'
   * control comm, so their views work as before. Resolves with how many models came; 0 when the kernel has no
   * ipywidgets loaded (it closes the comm) or does not answer within `timeoutMs`.
   */
  async restoreFromKernel(timeoutMs = 10_000): Promise<number> {
    const connection = this.connection;
    if (!connection) return 0;
    const commId = randomUUID();
    const reply = new Promise<WireMessage | undefined>((resolve) => {
      this.controlWaiters.set(commId, resolve);
      setTimeout(() => resolve(undefined), timeoutMs).unref?.();
    });
    const open = this.message(connection, 'comm_open', { comm_id: commId, target_name: CONTROL_TARGET, data: {} });
    open.metadata = { version: CONTROL_PROTOCOL_VERSION };
    connection.sendShellMessage(open, false, true).done.catch(() => undefined);
    connection.sendShellMessage(this.message(connection, 'comm_msg', { comm_id: commId, data: { method: 'request_states' } }), false, true).done.catch(() => undefined);
    const msg = await reply;
    this.controlWaiters.delete(commId);
    if (this.connection === connection) connection.sendShellMessage(this.message(connection, 'comm_close', { comm_id: commId, data: {} }), false, true).done.catch(() => undefined);
    const data = msg?.content.data;
    if (!isRecord(data) || data.method !== 'update_states' || !isRecord(data.states)) return 0;
    const buffers = (msg!.buffers ?? []).map(toBase64);
    const paths = Array.isArray(data.buffer_paths) ? (data.buffer_paths as unknown[]) : [];
    let count = 0;
    for (const [id, raw] of Object.entries(data.states)) {
      if (!isRecord(raw) || !isRecord(raw.state) || typeof raw.model_name !== 'string' || typeof raw.model_module !== 'string') continue;
      const saved: SavedModel = { model_name: raw.model_name, model_module: raw.model_module, model_module_version: String(raw.model_module_version ?? ''), state: {} };
      const model: LiveModel = { saved, live: true };
      this.models.set(id, model);
      // Buffer paths of update_states start at the model: [model_id, 'state', ...the path in its state].
      const own = paths.map((p, i) => [p, buffers[i]] as const)
        .filter(([p]) => Array.isArray(p) && p[0] === id && p[1] === 'state')
        .map(([p, b]) => [(p as (string | number)[]).slice(2), b] as const);
      this.applyUpdate(id, { method: 'update', state: raw.state, buffer_paths: own.map(([p]) => p) }, own.map(([, b]) => b ?? ''));
      count++;
    }
    if (count) this.emitter.fire(this.snapshot(false));
    return count;
  }

  private onIOPub(msg: WireMessage): void {
    const type = msg.header.msg_type;
    if (type !== 'comm_open' && type !== 'comm_msg' && type !== 'comm_close') return;
    const commId = msg.content.comm_id;
    if (typeof commId !== 'string') return this.logger.warn(`widgets: a ${type} without a comm id was ignored`);
    const waiter = this.controlWaiters.get(commId);
    if (waiter) return waiter(type === 'comm_msg' ? msg : undefined);
    const buffers = (msg.buffers ?? []).map(toBase64);
    const parent = (msg.parent_header as { msg_id?: string }).msg_id;
    if (type === 'comm_open') {
      if (msg.content.target_name !== WIDGET_COMM_TARGET) return;
      const data = msg.content.data;
      if (!isRecord(data) || !isRecord(data.state)) return this.logger.warn(`widgets: comm_open ${commId} carries no model state; ignored`);
      const state = data.state;
      const saved: SavedModel = {
        model_name: String(state._model_name ?? ''), model_module: String(state._model_module ?? ''),
        model_module_version: String(state._model_module_version ?? ''), state: {},
      };
      this.models.set(commId, { saved, live: true });
      this.applyUpdate(commId, { method: 'update', state, buffer_paths: data.buffer_paths ?? [] }, buffers);
      this.emitter.fire({ type: 'comm_open', comm_id: commId, target_name: WIDGET_COMM_TARGET, data, metadata: msg.metadata, buffers });
    } else if (type === 'comm_msg') {
      if (!this.models.has(commId)) return;
      this.applyUpdate(commId, msg.content.data, buffers);
      this.emitter.fire({ type: 'comm_msg', comm_id: commId, data: msg.content.data, buffers, parent });
    } else {
      if (!this.models.has(commId)) return;
      this.forget(commId);
      this.emitter.fire({ type: 'comm_close', comm_id: commId });
    }
  }

  private forget(commId: string): void {
    const model = this.models.get(commId);
    if (model) this.stopCapture(model);
    this.models.delete(commId);
  }

  /** Merges an `update`/`echo_update` into the saved state (buffers by path), and follows an Output widget's msg_id. */
  private applyUpdate(commId: string, data: unknown, buffers: string[]): void {
    const model = this.models.get(commId);
    if (!model || !isRecord(data) || (data.method !== 'update' && data.method !== 'echo_update') || !isRecord(data.state)) return;
    const saved = model.saved;
    Object.assign(saved.state, data.state);
    const paths = Array.isArray(data.buffer_paths) ? (data.buffer_paths as (string | number)[][]) : [];
    paths.forEach((path, i) => {
      if (!Array.isArray(path) || buffers[i] === undefined) return;
      const key = JSON.stringify(path);
      saved.buffers = (saved.buffers ?? []).filter((b) => JSON.stringify(b.path) !== key);
      saved.buffers.push({ path, data: buffers[i], encoding: 'base64' });
    });
    if (saved.model_name === OUTPUT_MODEL && saved.model_module === OUTPUT_MODULE && 'msg_id' in data.state) this.follow(commId, model, String(data.state.msg_id ?? ''));
  }

  /** An Output widget's msg_id changed: its outputs are those of that message (a cell's, or a callback's). */
  private follow(commId: string, model: LiveModel, msgId: string): void {
    if (model.capture?.msgId === msgId) return;
    this.stopCapture(model);
    const connection = this.connection;
    if (!msgId || !connection) return;
    const hook: Hook = (msg) => {
      const captured = this.captured(msg);
      if (!captured) return true;
      this.capture(commId, model, captured);
      return false; // shown in the widget, not in the cell
    };
    model.capture = { msgId, hook, clearOnNext: false };
    connection.registerMessageHook(msgId, hook);
  }

  private stopCapture(model: LiveModel): void {
    if (model.capture) this.connection?.removeMessageHook(model.capture.msgId, model.capture.hook);
    model.capture = undefined;
  }

  private captured(msg: WireMessage): CapturedOutput | undefined {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case 'stream': return { output_type: 'stream', name: c.name === 'stderr' ? 'stderr' : 'stdout', text: String(c.text ?? '') };
      case 'display_data': return { output_type: 'display_data', data: isRecord(c.data) ? c.data : {}, metadata: isRecord(c.metadata) ? c.metadata : {} };
      case 'execute_result': return { output_type: 'execute_result', data: isRecord(c.data) ? c.data : {}, metadata: isRecord(c.metadata) ? c.metadata : {}, execution_count: typeof c.execution_count === 'number' ? c.execution_count : null };
      case 'error': return { output_type: 'error', ename: String(c.ename ?? ''), evalue: String(c.evalue ?? ''), traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [] };
      case 'clear_output': return { output_type: 'clear_output', wait: c.wait === true };
      default: return undefined;
    }
  }

  /** One captured output: the Output model's `outputs` grows, in the renderers and the kernel (as JupyterLab syncs it). */
  private capture(commId: string, model: LiveModel, output: CapturedOutput): void {
    const capture = model.capture!;
    const before = Array.isArray(model.saved.state.outputs) ? (model.saved.state.outputs as CapturedOutput[]) : [];
    const { outputs, clearOnNext } = appendCapturedOutput(before, output, capture.clearOnNext);
    capture.clearOnNext = clearOnNext;
    if (outputs === before) return;
    model.saved.state.outputs = outputs;
    const data = { method: 'update', state: { outputs }, buffer_paths: [] };
    this.emitter.fire({ type: 'comm_msg', comm_id: commId, data, buffers: [] });
    const connection = this.connection;
    // Nothing waits on it: a kernel that dies meanwhile rejects it, which is no news here.
    if (connection) connection.sendShellMessage(this.message(connection, 'comm_msg', { comm_id: commId, data }), false, true).done.catch(() => undefined);
  }
}
