// WidgetMessaging: the editor's side of the widget renderer — a starting renderer gets the kernel's models or the
// state saved in the file, comm messages reach the notebook's own WidgetComms (malformed ones do not), saving writes
// the state into the notebook metadata, and the CDN question is asked once and remembered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeVscode } from '../../support/fakeVscode';
import { WidgetMessaging } from '../../../src/kernels/editor/widgetMessaging';
import { WidgetComms } from '../../../src/kernels/widgets/widgetComms';
import { silentLogger } from '../../../src/core/log';
import { WIDGET_RENDERER_ID, WIDGET_STATE_MIME } from '../../../src/shared/widgetProtocol';

const SAVED = { version_major: 2, version_minor: 0, state: { s1: { model_name: 'IntSliderModel', model_module: '@jupyter-widgets/controls', model_module_version: '2.0.0', state: { value: 5 } } } };

function notebook(uri: string, metadata: unknown = {}) {
  return { uri: { toString: () => uri }, metadata };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('WidgetMessaging', () => {
  test('a renderer of a notebook without a kernel gets the saved state, not live', async () => {
    const fake = createFakeVscode();
    const messaging = new WidgetMessaging(fake.vs, silentLogger);
    const editor = { notebook: notebook('file:///a.ipynb', { metadata: { widgets: { [WIDGET_STATE_MIME]: SAVED } } }) };
    fake.rendererSends.fire({ editor, message: { type: 'ready' } });
    await flush();
    assert.equal(fake.rendererPosts.length, 1);
    assert.equal(fake.rendererPosts[0]!.rendererId, WIDGET_RENDERER_ID);
    assert.equal(fake.rendererPosts[0]!.editor, editor);
    assert.deepEqual(fake.rendererPosts[0]!.message, { type: 'state', state: SAVED, live: [], kernel: false, cdn: false });
    // A comm message with no kernel behind it is answered, not dropped.
    fake.rendererSends.fire({ editor, message: { type: 'comm_msg', comm_id: 's1', msg_id: 'm', data: {} } });
    await flush();
    assert.equal((fake.rendererPosts[1]!.message as { type: string }).type, 'kernel_lost');
    messaging.dispose();
  });

  test('comm messages reach the bound notebook\'s WidgetComms; malformed ones and other notebooks\' do not', async () => {
    const fake = createFakeVscode();
    const messaging = new WidgetMessaging(fake.vs, silentLogger);
    const comms = new WidgetComms();
    const got: unknown[] = [];
    comms.fromRenderer = (m) => void got.push(m);
    const bound = messaging.bind('file:///a.ipynb', comms);
    const editorA = { notebook: notebook('file:///a.ipynb') };
    fake.visibleNotebookEditors.push(editorA, { notebook: notebook('file:///b.ipynb') });
    fake.rendererSends.fire({ editor: editorA, message: { type: 'comm_msg', comm_id: 's1', msg_id: 'm1', data: { method: 'update', state: { value: 1 } } } });
    fake.rendererSends.fire({ editor: editorA, message: { type: 'comm_msg', comm_id: 42 } });
    fake.rendererSends.fire({ editor: { notebook: notebook('file:///b.ipynb') }, message: { type: 'comm_msg', comm_id: 's1', msg_id: 'm2', data: {} } });
    await flush();
    assert.deepEqual(got, [{ type: 'comm_msg', comm_id: 's1', msg_id: 'm1', data: { method: 'update', state: { value: 1 } } }]);
    // The host's messages go to this notebook's editors only.
    comms.kernelGone('gone');
    (comms as unknown as { emitter: { fire(m: unknown): void } }).emitter.fire({ type: 'idle', msg_id: 'x' });
    assert.deepEqual(fake.rendererPosts.filter((p) => (p.message as { type: string }).type === 'idle').map((p) => p.editor), [editorA]);
    bound.dispose();
    messaging.dispose();
  });

  test('saving a notebook with widgets writes their state into its metadata, as JupyterLab does', async () => {
    const fake = createFakeVscode();
    const messaging = new WidgetMessaging(fake.vs, silentLogger);
    const comms = new WidgetComms();
    comms.state = () => SAVED as ReturnType<WidgetComms['state']>;
    messaging.bind('file:///a.ipynb', comms);
    const waited: Promise<unknown>[] = [];
    fake.willSaveNotebook.fire({ notebook: notebook('file:///a.ipynb', { metadata: { kernelspec: { name: 'python3' } } }), waitUntil: (p) => void waited.push(p) });
    fake.willSaveNotebook.fire({ notebook: notebook('file:///other.ipynb'), waitUntil: (p) => void waited.push(p) });
    assert.equal(waited.length, 1, 'only notebooks with widgets of ours are edited');
    const edit = (await waited[0]) as { entries: [unknown, { newNotebookMetadata: unknown }[]][] };
    assert.deepEqual(edit.entries[0]![1][0]!.newNotebookMetadata, { metadata: { kernelspec: { name: 'python3' }, widgets: { [WIDGET_STATE_MIME]: SAVED } } });
    messaging.dispose();
  });

  test('the CDN question: asked once for several modules, the answer stored in the setting; a dismissal asks again later', async () => {
    const fake = createFakeVscode();
    const messaging = new WidgetMessaging(fake.vs, silentLogger);
    const editor = { notebook: notebook('file:///a.ipynb') };
    fake.answers.buttons.set('Load third-party widget modules', 'Never');
    fake.rendererSends.fire({ editor, message: { type: 'cdn_consent', module: 'ipyleaflet' } });
    fake.rendererSends.fire({ editor, message: { type: 'cdn_consent', module: 'bqplot' } });
    await until(() => fake.rendererPosts.length === 2);
    assert.deepEqual(fake.rendererPosts.map((p) => p.message), [{ type: 'cdn', allowed: false }, { type: 'cdn', allowed: false }]);
    assert.equal(fake.notices.filter((n) => n.text.includes('jsDelivr')).length, 1, 'one question for both');
    assert.equal(fake.settings['pangeo.widgets.loadFromCdn'], 'deny');
    messaging.dispose();
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await flush();
  assert.ok(ok());
}
