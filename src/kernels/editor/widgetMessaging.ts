// Editor adapter of ipywidgets: carries comm messages between our widget renderer (webviews/widgets, one per notebook
// editor) and each notebook's WidgetComms, answers a starting renderer with the live (or saved) state, saves the state
// into the notebook's metadata on save, and asks once before third-party widget modules load from a CDN.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import type { Logger } from '../../core/log';
import { readSetting, userSettingsTarget, writeSetting } from '../../editor/settings';
import { HostToRenderer, parseRendererMessage, WIDGET_RENDERER_ID } from '../../shared/widgetProtocol';
import { notificationText } from '../../shared/text/untrustedText';
import { savedWidgetState, withWidgetState } from '../widgets/savedWidgetState';
import type { WidgetComms } from '../widgets/widgetComms';

export class WidgetMessaging extends Disposable {
  private readonly messaging: vscode.NotebookRendererMessaging;
  private readonly bound = new Map<string, { widgets: WidgetComms; sub: { dispose(): void } }>();
  private asking?: Promise<boolean>;

  constructor(private readonly vs: typeof vscode, private readonly logger: Logger) {
    super();
    this.messaging = vs.notebooks.createRendererMessaging(WIDGET_RENDERER_ID);
    this._register(this.messaging.onDidReceiveMessage((e) => void this.onMessage(e.editor, e.message)));
    this._register(vs.workspace.onWillSaveNotebookDocument((e) => {
      const state = this.bound.get(e.notebook.uri.toString())?.widgets.state();
      if (!state || !Object.keys(state.state).length) return;
      const edit = new vs.WorkspaceEdit();
      edit.set(e.notebook.uri, [vs.NotebookEdit.updateNotebookMetadata(withWidgetState(e.notebook.metadata, state))]);
      e.waitUntil(Promise.resolve(edit));
    }));
  }

  /** A notebook's kernel widgets, until the returned disposable (the kernel is released). */
  bind(notebookKey: string, widgets: WidgetComms): { dispose(): void } {
    this.bound.get(notebookKey)?.sub.dispose();
    const sub = widgets.onMessage((m) => this.post(notebookKey, m));
    const entry = { widgets, sub };
    this.bound.set(notebookKey, entry);
    return {
      dispose: () => {
        sub.dispose();
        if (this.bound.get(notebookKey) === entry) this.bound.delete(notebookKey);
      },
    };
  }

  private post(notebookKey: string, message: HostToRenderer, only?: vscode.NotebookEditor): void {
    const editors = only ? [only] : this.vs.window.visibleNotebookEditors.filter((e) => e.notebook.uri.toString() === notebookKey);
    for (const editor of editors) void Promise.resolve(this.messaging.postMessage(message, editor)).catch(() => undefined);
  }

  private async onMessage(editor: vscode.NotebookEditor, raw: unknown): Promise<void> {
    const key = editor.notebook.uri.toString();
    const msg = parseRendererMessage(raw);
    if (!msg) return this.logger.warn(`widgets: a malformed message from the renderer of ${key} was ignored`);
    const widgets = this.bound.get(key)?.widgets;
    if (msg.type === 'ready') {
      const cdn = readSetting(this.vs, 'pangeo.widgets.loadFromCdn') === 'allow';
      const saved = savedWidgetState(editor.notebook.metadata);
      // A kernel's models win; without any (kernel not started yet, or none made), the state saved in the file.
      const live = widgets?.snapshot(cdn);
      const reply: HostToRenderer = live && live.type === 'state' && Object.keys(live.state.state).length
        ? live
        : { type: 'state', state: saved ?? { version_major: 2, version_minor: 0, state: {} }, live: [], kernel: widgets?.live ?? false, cdn };
      return this.post(key, reply, editor);
    }
    if (msg.type === 'cdn_consent') return this.post(key, { type: 'cdn', allowed: await this.cdnConsent(msg.module) }, editor);
    if (widgets) widgets.fromRenderer(msg);
    else this.post(key, { type: 'kernel_lost', message: 'This notebook has no Pangeo kernel: the widget shows its saved state. Run the cell to bring it back.' }, editor);
  }

  /** The user's answer to loading third-party widget modules from the CDN: asked once, remembered in the setting. */
  private cdnConsent(module: string): Promise<boolean> {
    const current = readSetting(this.vs, 'pangeo.widgets.loadFromCdn');
    if (current !== 'ask') return Promise.resolve(current === 'allow');
    this.asking ??= (async () => {
      const allow = 'Load from CDN';
      const deny = 'Never';
      const answer = await this.vs.window.showInformationMessage(
        notificationText(`A widget needs the JavaScript module "${module}", which is not built in. Load third-party widget modules from the jsDelivr CDN (cdn.jsdelivr.net)?`).text,
        allow, deny);
      if (answer === undefined) return false; // dismissed: ask again next time
      await writeSetting(this.vs, 'pangeo.widgets.loadFromCdn', answer === allow ? 'allow' : 'deny', userSettingsTarget(this.vs, 'pangeo.widgets.loadFromCdn'));
      return answer === allow;
    })().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  override dispose(): void {
    for (const { sub } of this.bound.values()) sub.dispose();
    this.bound.clear();
    super.dispose();
  }
}
