// Notebook renderer for ipywidgets in Pangeo notebooks: one widget manager per notebook editor (webview), built on
// @jupyter-widgets/html-manager (built-in controls, Output with its captured outputs, layouts, styles). Its comms go
// through the extension host (src/kernels/editor/widgetMessaging.ts), which owns them on the kernel connection.
import { HTMLManager } from '@jupyter-widgets/html-manager';
import type { WidgetModel, WidgetView } from '@jupyter-widgets/base';
import type { HostToRenderer, RendererToHost, WidgetState } from '../../src/shared/widgetProtocol';
import { WIDGET_COMM_TARGET } from '../../src/shared/widgetProtocol';
import { el, setText } from '../shared/dom';
import { HostComm, toBase64 } from './hostComm';
import { cdnModuleLoader } from './cdnLoader';

interface RendererContext {
  postMessage?(message: unknown): void;
  onDidReceiveMessage?(listener: (message: unknown) => void): { dispose(): void };
}
interface OutputItem {
  id: string;
  mime: string;
  json(): unknown;
}

/** How long a view waits for its model (its comm_open may still be on the way) before saying it is missing. */
const MODEL_WAIT_MS = 5000;
const BUILT_IN = new Set(['@jupyter-widgets/base', '@jupyter-widgets/controls', '@jupyter-widgets/output']);

class PangeoWidgetManager extends HTMLManager {
  readonly comms = new Map<string, HostComm>();
  cdnAllowed = false;

  constructor(private readonly send: (msg: RendererToHost) => void, private readonly askCdn: (module: string) => Promise<boolean>) {
    super({ loader: (name: string, version: string) => this.loadThirdParty(name, version) });
  }

  comm(commId: string, target = WIDGET_COMM_TARGET): HostComm {
    let comm = this.comms.get(commId);
    if (!comm) {
      comm = new HostComm(commId, target, this.send);
      this.comms.set(commId, comm);
    }
    return comm;
  }

  override _create_comm(target: string, modelId: string, data?: unknown, metadata?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): Promise<HostComm> {
    const comm = this.comm(modelId ?? crypto.randomUUID(), target);
    if (data || metadata) comm.open(data ?? {}, undefined, metadata, buffers);
    return Promise.resolve(comm);
  }

  override _get_comm_info(): Promise<Record<string, unknown>> {
    return Promise.resolve(Object.fromEntries([...this.comms.keys()].map((id) => [id, { target_name: WIDGET_COMM_TARGET }])));
  }

  /** Modules that are not built in: from the CDN only when the user agreed, else a placeholder naming the module. */
  private async loadThirdParty(name: string, version: string): Promise<unknown> {
    if (BUILT_IN.has(name)) throw new Error(`${name}@${version} is not a version this renderer has`);
    if (!this.cdnAllowed) this.cdnAllowed = await this.askCdn(name);
    if (!this.cdnAllowed) throw new Error(`The widget module "${name}" (${version}) is not built in, and loading widget modules from the CDN is off (setting pangeo.widgets.loadFromCdn).`);
    return cdnModuleLoader(name, version);
  }
}

export function activate(ctx: RendererContext) {
  const post = (msg: RendererToHost) => ctx.postMessage?.(msg);
  const cdnAnswers: ((allowed: boolean) => void)[] = [];
  const manager = new PangeoWidgetManager(post, (module) => new Promise<boolean>((resolve) => {
    cdnAnswers.push(resolve);
    post({ type: 'cdn_consent', module });
  }));
  const views = new Map<string, { view?: WidgetView; note: HTMLElement }>();
  let lostMessage: string | undefined;
  let resolveLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (resolveLoaded = resolve));

  const showLost = (message: string) => {
    lostMessage = message;
    for (const { note } of views.values()) setText(note, message);
  };

  /** The models of a (re)started renderer: live ones get their comm, saved ones are drawn as they were. */
  const restore = async (state: WidgetState, live: string[]) => {
    const liveIds = new Set(live);
    const made = Object.entries(state.state).map(([modelId, model]) => {
      if (manager.has_model(modelId)) return Promise.resolve();
      const modelState = { ...model.state };
      for (const b of model.buffers ?? []) setPath(modelState, b.path, decodeBase64(b.data));
      const comm = liveIds.has(modelId) ? manager.comm(modelId) : undefined;
      return manager.new_model({ model_id: modelId, model_name: model.model_name, model_module: model.model_module, model_module_version: model.model_module_version, comm }, modelState)
        .then(() => undefined, (e: unknown) => console.warn(`widget model ${modelId}: ${String(e)}`));
    });
    await Promise.all(made);
  };

  ctx.onDidReceiveMessage?.((raw) => {
    const msg = raw as HostToRenderer;
    try {
      switch (msg.type) {
        case 'state':
          manager.cdnAllowed = msg.cdn;
          if (!msg.kernel && Object.keys(msg.state.state).length) lostMessage = 'No kernel: the widget shows its saved state. Run the cell to use it.';
          void restore(msg.state, msg.live).finally(resolveLoaded);
          break;
        case 'comm_open': {
          lostMessage = undefined;
          const comm = manager.comm(msg.comm_id, msg.target_name);
          const buffers = msg.buffers.map(decodeBase64);
          void manager.handle_comm_open(comm, { content: { comm_id: msg.comm_id, target_name: msg.target_name, data: msg.data }, metadata: msg.metadata, buffers } as never)
            .catch((e: unknown) => console.warn(`widget ${msg.comm_id}: ${String(e)}`));
          break;
        }
        case 'comm_msg':
          manager.comms.get(msg.comm_id)?.receive(msg.data, msg.buffers.map(decodeBase64), msg.parent);
          break;
        case 'comm_close':
          manager.comms.get(msg.comm_id)?.closedByKernel();
          manager.comms.delete(msg.comm_id);
          break;
        case 'idle':
          for (const comm of manager.comms.values()) comm.idle(msg.msg_id);
          break;
        case 'kernel_lost':
          showLost(msg.message);
          break;
        case 'cdn':
          for (const answer of cdnAnswers.splice(0)) answer(msg.allowed);
          break;
      }
    } catch (e) {
      console.warn(`widget message ${String((msg as { type?: unknown }).type)}: ${String(e)}`);
    }
  });
  post({ type: 'ready' });

  return {
    async renderOutputItem(item: OutputItem, element: HTMLElement) {
      element.replaceChildren();
      const host = el('div', { class: 'pangeo-widget' });
      const note = el('div', { class: 'pangeo-widget-note' });
      note.style.cssText = 'font-size: 90%; opacity: 0.8; font-style: italic;';
      element.append(host, note);
      const entry: { view?: WidgetView; note: HTMLElement } = { note };
      views.set(item.id, entry);
      let modelId = '';
      try {
        const spec = item.json() as { model_id?: unknown };
        if (typeof spec?.model_id !== 'string') throw new Error('This output is not a widget view (it has no model_id).');
        modelId = spec.model_id;
        await loaded;
        const model = await waitForModel(manager, modelId);
        // A model whose module could not load becomes an error widget (a broken-file icon): say why in words too.
        const failed: unknown = model.get('_view_name') === 'ErrorWidgetView' ? model.get('error') : undefined;
        if (failed) setText(note, widgetProblem(modelId, failed));
        const view = await manager.create_view(model);
        entry.view = view;
        await manager.display_view(view, host);
        if (lostMessage && !failed) setText(note, lostMessage);
      } catch (e) {
        setText(note, widgetProblem(modelId, e));
      }
    },
    disposeOutputItem(id?: string) {
      for (const [key, entry] of views) {
        if (id !== undefined && key !== id) continue;
        entry.view?.remove();
        views.delete(key);
      }
    },
  };
}

async function waitForModel(manager: HTMLManager, modelId: string): Promise<WidgetModel> {
  const until = Date.now() + MODEL_WAIT_MS;
  while (!manager.has_model(modelId)) {
    if (Date.now() > until) throw new Error(`The widget's model ${modelId} never arrived from the kernel (the kernel that made it is gone, or its message was malformed). Run the cell again.`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return manager.get_model(modelId);
}

function widgetProblem(modelId: string, e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return `Cannot show widget${modelId ? ` ${modelId}` : ''}: ${text}`;
}

function decodeBase64(text: string): DataView {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new DataView(bytes.buffer);
}

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let obj: Record<string | number, unknown> = target;
  for (const key of path.slice(0, -1)) obj = obj[key] as Record<string | number, unknown>;
  obj[path[path.length - 1]!] = value;
}

export { toBase64 };
