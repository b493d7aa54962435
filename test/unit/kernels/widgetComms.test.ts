// WidgetComms: the routing of widget comms between a kernel connection and the renderers, the Output widget's capture
// by msg_id, the saved state (JupyterLab's format), and what happens to bad input and a kernel that goes away.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommConnection, WidgetComms, WireMessage } from '../../../src/kernels/widgets/widgetComms';
import { appendCapturedOutput } from '../../../src/kernels/widgets/outputCapture';
import { savedWidgetState, withWidgetState } from '../../../src/kernels/widgets/savedWidgetState';
import { withOurWidgetView } from '../../../src/kernels/widgets/widgetOutputItems';
import { widgetsEndWith } from '../../../src/kernels/widgets/widgetLifetime';
import { HostToRenderer, parseRendererMessage, PANGEO_WIDGET_VIEW_MIME, WIDGET_STATE_MIME, WIDGET_VIEW_MIME } from '../../../src/shared/widgetProtocol';

type Hook = (msg: WireMessage) => boolean | PromiseLike<boolean>;

/** A kernel connection as @jupyterlab/services has it: IOPub signal, shell futures, message hooks on futures. */
class FakeConnection implements CommConnection {
  readonly clientId = 'client-1';
  readonly username = 'alice';
  private readonly slots = new Set<(sender: unknown, msg: WireMessage) => void>();
  readonly sent: WireMessage[] = [];
  readonly futures = new Map<string, { onIOPub: (msg: WireMessage) => void; hooks: Hook[]; settle(): void; fail(e: Error): void }>();
  readonly iopubMessage = {
    connect: (slot: (sender: unknown, msg: WireMessage) => void) => (this.slots.add(slot), true),
    disconnect: (slot: (sender: unknown, msg: WireMessage) => void) => this.slots.delete(slot),
  };

  sendShellMessage(msg: WireMessage) {
    this.sent.push(msg);
    let settle!: () => void;
    let fail!: (e: Error) => void;
    const done = new Promise<unknown>((resolve, reject) => {
      settle = () => resolve(undefined);
      fail = reject;
    });
    const future = { onIOPub: (_: WireMessage) => undefined as void, done, hooks: [] as Hook[], settle, fail };
    this.futures.set(msg.header.msg_id, future);
    return future;
  }

  registerMessageHook(msgId: string, hook: Hook): void {
    this.futures.get(msgId)?.hooks.unshift(hook);
  }

  removeMessageHook(msgId: string, hook: Hook): void {
    const f = this.futures.get(msgId);
    if (f) f.hooks = f.hooks.filter((h) => h !== hook);
  }

  /** An IOPub message from the kernel: its parent's future first (hooks, then onIOPub), then the signal, as the library does. */
  async iopub(type: string, content: Record<string, unknown>, parent?: string, buffers?: ArrayBuffer[]): Promise<boolean> {
    const msg: WireMessage = { header: { msg_id: `k-${Math.random()}`, msg_type: type }, parent_header: parent ? { msg_id: parent } : {}, metadata: { version: '2.1.0' }, content, buffers, channel: 'iopub' };
    let reachedCell = true;
    const future = parent ? this.futures.get(parent) : undefined;
    if (future) {
      for (const hook of [...future.hooks]) if (!(await hook(msg))) { reachedCell = false; break; }
      if (reachedCell) future.onIOPub(msg);
    }
    for (const slot of this.slots) slot(this, msg);
    return reachedCell;
  }
}

const SLIDER_STATE = { _model_name: 'IntSliderModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', value: 3 };
const OUTPUT_STATE = { _model_name: 'OutputModel', _model_module: '@jupyter-widgets/output', _model_module_version: '1.0.0', msg_id: '', outputs: [] };

function setup() {
  const conn = new FakeConnection();
  const comms = new WidgetComms();
  const seen: HostToRenderer[] = [];
  comms.onMessage((m) => seen.push(m));
  const sub = comms.attach(conn);
  return { conn, comms, seen, sub };
}

describe('WidgetComms', () => {
  test('comm_open of a jupyter.widget model is kept and forwarded; other targets are not ours', async () => {
    const { conn, comms, seen } = setup();
    await conn.iopub('comm_open', { comm_id: 'other', target_name: 'some.other.target', data: {} });
    await conn.iopub('comm_open', { comm_id: 's1', target_name: 'jupyter.widget', data: { state: SLIDER_STATE, buffer_paths: [] } }, 'exec-1');
    assert.deepEqual(seen.map((m) => m.type), ['comm_open']);
    const state = comms.state();
    assert.deepEqual(Object.keys(state.state), ['s1']);
    assert.deepEqual(state.state.s1, { model_name: 'IntSliderModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: SLIDER_STATE });
    const snap = comms.snapshot(false);
    assert.ok(snap.type === 'state' && snap.live.includes('s1') && snap.kernel);
  });

  test('a renderer update goes to the kernel as comm_msg with the renderer\'s msg_id; the kernel\'s idle releases it', async () => {
    const { conn, comms, seen } = setup();
    await conn.iopub('comm_open', { comm_id: 's1', target_name: 'jupyter.widget', data: { state: SLIDER_STATE } });
    comms.fromRenderer({ type: 'comm_msg', comm_id: 's1', msg_id: 'r-1', data: { method: 'update', state: { value: 7 }, buffer_paths: [] } });
    const sent = conn.sent.at(-1)!;
    assert.equal(sent.header.msg_type, 'comm_msg');
    assert.equal(sent.header.msg_id, 'r-1');
    assert.equal(sent.header.session, 'client-1');
    assert.deepEqual(sent.content, { comm_id: 's1', data: { method: 'update', state: { value: 7 }, buffer_paths: [] } });
    assert.equal(comms.state().state.s1!.state.value, 7, 'the saved state follows the renderer');
    assert.ok(!seen.some((m) => m.type === 'idle'));
    await conn.iopub('status', { execution_state: 'busy' }, 'r-1');
    await conn.iopub('status', { execution_state: 'idle' }, 'r-1');
    assert.deepEqual(seen.filter((m) => m.type === 'idle'), [{ type: 'idle', msg_id: 'r-1' }]);
  });

  test('kernel updates and echo_updates merge into the state, buffers by path (base64), and reach the renderers with their parent', async () => {
    const { conn, comms, seen } = setup();
    await conn.iopub('comm_open', { comm_id: 'img', target_name: 'jupyter.widget', data: { state: { _model_name: 'ImageModel', _model_module: '@jupyter-widgets/controls', _model_module_version: '2.0.0', value: null }, buffer_paths: [['value']] } }, undefined, [new Uint8Array([1, 2, 3]).buffer]);
    assert.deepEqual(comms.state().state.img!.buffers, [{ path: ['value'], data: 'AQID', encoding: 'base64' }]);
    await conn.iopub('comm_msg', { comm_id: 'img', data: { method: 'echo_update', state: { width: '10' }, buffer_paths: [] } }, 'r-9');
    assert.equal(comms.state().state.img!.state.width, '10');
    const forwarded = seen.at(-1);
    assert.ok(forwarded?.type === 'comm_msg' && forwarded.parent === 'r-9');
  });

  test('an Output widget captures the outputs of its msg_id: they reach the widget (renderers and kernel), not the cell', async () => {
    const { conn, comms, seen } = setup();
    conn.sendShellMessage({ header: { msg_id: 'exec-1', msg_type: 'execute_request' }, parent_header: {}, metadata: {}, content: {}, channel: 'shell' });
    await conn.iopub('comm_open', { comm_id: 'o1', target_name: 'jupyter.widget', data: { state: OUTPUT_STATE } }, 'exec-1');
    await conn.iopub('comm_msg', { comm_id: 'o1', data: { method: 'update', state: { msg_id: 'exec-1' } } }, 'exec-1');
    assert.equal(await conn.iopub('stream', { name: 'stdout', text: 'a' }, 'exec-1'), false, 'the cell does not get it');
    assert.equal(await conn.iopub('stream', { name: 'stdout', text: 'b\n' }, 'exec-1'), false);
    assert.equal(await conn.iopub('status', { execution_state: 'idle' }, 'exec-1'), true, 'status is not an output');
    assert.deepEqual(comms.state().state.o1!.state.outputs, [{ output_type: 'stream', name: 'stdout', text: 'ab\n' }]);
    const toRenderer = seen.filter((m) => m.type === 'comm_msg' && m.comm_id === 'o1').at(-1);
    assert.deepEqual(toRenderer && toRenderer.type === 'comm_msg' && toRenderer.data, { method: 'update', state: { outputs: [{ output_type: 'stream', name: 'stdout', text: 'ab\n' }] }, buffer_paths: [] });
    const toKernel = conn.sent.filter((m) => m.header.msg_type === 'comm_msg').at(-1);
    assert.deepEqual(toKernel?.content.comm_id, 'o1', 'the outputs sync back to the kernel, as JupyterLab does');
    // The capture ends when msg_id is cleared: later outputs are the cell's again.
    await conn.iopub('comm_msg', { comm_id: 'o1', data: { method: 'update', state: { msg_id: '' } } }, 'exec-1');
    assert.equal(await conn.iopub('stream', { name: 'stdout', text: 'c' }, 'exec-1'), true);
  });

  test('bad input: malformed comm messages are ignored, a renderer message for an unknown comm still gets its idle', async () => {
    const { conn, comms, seen } = setup();
    await conn.iopub('comm_open', { target_name: 'jupyter.widget', data: { state: SLIDER_STATE } });
    await conn.iopub('comm_open', { comm_id: 'x', target_name: 'jupyter.widget', data: 'no state' });
    await conn.iopub('comm_msg', { comm_id: 'never-opened', data: { method: 'update', state: { value: 1 } } });
    await conn.iopub('comm_msg', { comm_id: 'x', data: null });
    assert.deepEqual(seen, []);
    assert.deepEqual(comms.state().state, {});
    assert.equal(parseRendererMessage({ type: 'comm_msg', comm_id: 1 }), undefined);
    assert.equal(parseRendererMessage({ type: 'comm_msg', comm_id: 'a', msg_id: 'm', buffers: [1] }), undefined);
    assert.equal(parseRendererMessage('junk'), undefined);
    assert.equal(parseRendererMessage({ type: 'eval', code: 'x' }), undefined);
    comms.fromRenderer({ type: 'comm_msg', comm_id: 'unknown', msg_id: 'r-2', data: {} });
    conn.futures.get('r-2')!.fail(new Error('Kernel connection disconnected'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [{ type: 'idle', msg_id: 'r-2' }], 'a failed send releases the model too');
  });

  test('the kernel going away: pending messages are released, the views told, the comms no longer live, later changes refused', async () => {
    const { conn, comms, seen, sub } = setup();
    await conn.iopub('comm_open', { comm_id: 's1', target_name: 'jupyter.widget', data: { state: SLIDER_STATE } });
    comms.fromRenderer({ type: 'comm_msg', comm_id: 's1', msg_id: 'r-1', data: { method: 'update', state: { value: 4 } } });
    seen.length = 0;
    comms.kernelGone('The kernel died.');
    assert.deepEqual(seen, [{ type: 'idle', msg_id: 'r-1' }, { type: 'kernel_lost', message: 'The kernel died.' }]);
    const snap = comms.snapshot(false);
    assert.ok(snap.type === 'state' && snap.live.length === 0 && snap.state.state.s1!.state.value === 4, 'the last state stays for saving');
    seen.length = 0;
    const sentBefore = conn.sent.length;
    comms.fromRenderer({ type: 'comm_msg', comm_id: 's1', msg_id: 'r-2', data: { method: 'update', state: { value: 5 } } });
    assert.equal(conn.sent.length, sentBefore, 'nothing is sent to a dead comm');
    assert.deepEqual(seen.map((m) => m.type), ['idle', 'kernel_lost']);
    sub.dispose();
    assert.equal(comms.live, false);
  });

  test('a kernel attached again is asked for its models on the control comm; they come back live, buffers and all', async () => {
    const { conn, comms, seen } = setup();
    const restored = comms.restoreFromKernel(5_000);
    const [open, request] = conn.sent;
    assert.equal(open?.header.msg_type, 'comm_open');
    assert.equal(open?.content.target_name, 'jupyter.widget.control');
    assert.deepEqual(open?.metadata, { version: '1.0.0' });
    assert.deepEqual(request?.content.data, { method: 'request_states' });
    const controlId = open.content.comm_id as string;
    await conn.iopub('comm_msg', {
      comm_id: controlId,
      data: { method: 'update_states', states: { s1: { model_name: 'IntSliderModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: { value: 8 } }, img: { model_name: 'ImageModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: { value: null } }, junk: 'x' }, buffer_paths: [['img', 'state', 'value']] },
    }, undefined, [new Uint8Array([1, 2, 3]).buffer]);
    assert.equal(await restored, 2);
    assert.equal(comms.state().state.s1!.state.value, 8);
    assert.deepEqual(comms.state().state.img!.buffers, [{ path: ['value'], data: 'AQID', encoding: 'base64' }]);
    const snap = seen.at(-1);
    assert.ok(snap?.type === 'state' && snap.live.includes('s1') && snap.live.includes('img'), 'the renderers get the models, live');
    assert.equal(conn.sent.at(-1)?.header.msg_type, 'comm_close', 'the control comm is closed after use');
  });

  test('a kernel without ipywidgets closes the control comm: nothing restored, nothing waits', async () => {
    const { conn, comms } = setup();
    const restored = comms.restoreFromKernel(60_000);
    await conn.iopub('comm_close', { comm_id: conn.sent[0]!.content.comm_id, data: {} });
    assert.equal(await restored, 0);
  });

  test('kernel states that end the widgets: gone, shut down, restarted; a reconnecting websocket keeps them', () => {
    assert.match(widgetsEndWith('idle', 'connected', 'The kernel is gone from the server.')!, /kernel is gone/);
    assert.match(widgetsEndWith('starting', 'connected')!, /restarted/);
    assert.equal(widgetsEndWith('starting', 'idle'), undefined, 'a first start ends nothing');
    assert.equal(widgetsEndWith('reconnecting', 'connected'), undefined);
    assert.equal(widgetsEndWith('connected', 'reconnecting'), undefined);
    assert.match(widgetsEndWith('shut-down', 'connected')!, /shut down/);
  });
});

describe('captured outputs', () => {
  test('streams of one name merge; clear_output clears now, or with wait on the next output', () => {
    let { outputs, clearOnNext } = appendCapturedOutput([], { output_type: 'stream', name: 'stdout', text: 'a' }, false);
    ({ outputs, clearOnNext } = appendCapturedOutput(outputs, { output_type: 'stream', name: 'stdout', text: 'b' }, clearOnNext));
    ({ outputs, clearOnNext } = appendCapturedOutput(outputs, { output_type: 'stream', name: 'stderr', text: 'e' }, clearOnNext));
    assert.deepEqual(outputs, [{ output_type: 'stream', name: 'stdout', text: 'ab' }, { output_type: 'stream', name: 'stderr', text: 'e' }]);
    const waiting = appendCapturedOutput(outputs, { output_type: 'clear_output', wait: true }, clearOnNext);
    assert.equal(waiting.outputs, outputs, 'a waiting clear changes nothing yet');
    const next = appendCapturedOutput(waiting.outputs, { output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} }, waiting.clearOnNext);
    assert.deepEqual(next.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'x' }, metadata: {} }]);
    assert.deepEqual(appendCapturedOutput(next.outputs, { output_type: 'clear_output', wait: false }, false).outputs, []);
  });
});

describe('saved widget state', () => {
  const state = { version_major: 2 as const, version_minor: 0 as const, state: { s1: { model_name: 'IntSliderModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: { value: 5 } } } };

  test('written where JupyterLab writes it, keeping the rest of the metadata; read back', () => {
    const doc = { metadata: { kernelspec: { name: 'python3' }, widgets: { 'other/mime': 1 } }, indentAmount: ' ' };
    const saved = withWidgetState(doc, state);
    assert.deepEqual(saved, { metadata: { kernelspec: { name: 'python3' }, widgets: { 'other/mime': 1, [WIDGET_STATE_MIME]: state } }, indentAmount: ' ' });
    assert.deepEqual(savedWidgetState(saved), state);
    assert.deepEqual(doc.metadata.widgets, { 'other/mime': 1 }, 'the input is not changed');
  });

  test('older serializer layout (custom.metadata), and files holding junk', () => {
    const legacy = withWidgetState({ custom: { metadata: { language_info: {} } } }, state);
    assert.deepEqual(savedWidgetState(legacy), state);
    assert.equal(savedWidgetState(undefined), undefined);
    assert.equal(savedWidgetState({ metadata: { widgets: { [WIDGET_STATE_MIME]: { version_major: 3, state: {} } } } }), undefined);
    const mixed = savedWidgetState({ metadata: { widgets: { [WIDGET_STATE_MIME]: { version_major: 2, state: { good: state.state.s1, bad: 'x', worse: { model_name: 1 } } } } } });
    assert.deepEqual(Object.keys(mixed!.state), ['good']);
  });
});

describe('widget view items', () => {
  test('a widget view is also written under our mime type, first; other outputs are untouched', () => {
    const view = { kind: 'json' as const, mime: WIDGET_VIEW_MIME, value: { model_id: 'm', version_major: 2 } };
    const text = { kind: 'text' as const, mime: 'text/plain', text: 'IntSlider(value=3)' };
    assert.deepEqual(withOurWidgetView([text, view]), [{ ...view, mime: PANGEO_WIDGET_VIEW_MIME }, text, view]);
    assert.deepEqual(withOurWidgetView([text]), [text]);
  });
});
