// Messages between the widget renderer (webviews/widgets) and the extension host (src/kernels/widgets), carried by
// VS Code's renderer messaging. JSON only: binary buffers travel as base64.

/** The renderer's id in package.json `contributes.notebookRenderer`, and the mime types it draws. */
export const WIDGET_RENDERER_ID = 'pangeo-compute-widgets';
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
/** Our controller's copy of a widget view (src/kernels/widgets/widgetOutputItems.ts says why a type of our own). */
export const PANGEO_WIDGET_VIEW_MIME = 'application/vnd.pangeo.widget-view+json';
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';
/** The comm targets of ipywidgets: one comm per model, and the control comm that answers "all states". */
export const WIDGET_COMM_TARGET = 'jupyter.widget';

/** One model as JupyterLab saves it in `metadata.widgets[WIDGET_STATE_MIME].state[model_id]`. */
export interface SavedModel {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
  buffers?: { path: (string | number)[]; data: string; encoding: 'base64' }[];
}

/** The widget-state document (ipywidgets manager state, schema 2.0). */
export interface WidgetState {
  version_major: 2;
  version_minor: 0;
  state: Record<string, SavedModel>;
}

/** Renderer → host. `msg_id` is chosen by the renderer, so the kernel's status replies find the model's callbacks. */
export type RendererToHost =
  | { type: 'ready' }
  | { type: 'comm_msg'; comm_id: string; msg_id: string; data: unknown; buffers?: string[] }
  | { type: 'comm_open'; comm_id: string; msg_id: string; target_name: string; data: unknown; metadata?: unknown; buffers?: string[] }
  | { type: 'comm_close'; comm_id: string; msg_id: string; data?: unknown; buffers?: string[] }
  /** A third-party module was needed: the host asks the user (once) whether to load modules from the CDN. */
  | { type: 'cdn_consent'; module: string };

/** Host → renderer. */
export type HostToRenderer =
  /** The answer to 'ready': the models to create (live ones get comms); `kernel` false: no kernel, saved state only. */
  | { type: 'state'; state: WidgetState; live: string[]; kernel: boolean; cdn: boolean }
  | { type: 'comm_open'; comm_id: string; target_name: string; data: unknown; metadata: unknown; buffers: string[] }
  | { type: 'comm_msg'; comm_id: string; data: unknown; buffers: string[]; parent?: string }
  | { type: 'comm_close'; comm_id: string }
  /** The kernel finished handling a message the renderer sent (its 'idle' status): unblocks the model's throttling. */
  | { type: 'idle'; msg_id: string }
  /** The kernel connection is gone (died, restarted, shut down): views keep their last state and say so. */
  | { type: 'kernel_lost'; message: string }
  | { type: 'cdn'; allowed: boolean };

const TYPES = new Set(['ready', 'comm_msg', 'comm_open', 'comm_close', 'cdn_consent']);

/** Checks the shape of a message from a renderer (a webview may be stale or broken): undefined when malformed. */
export function parseRendererMessage(raw: unknown): RendererToHost | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  if (typeof m.type !== 'string' || !TYPES.has(m.type)) return undefined;
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'cdn_consent') return typeof m.module === 'string' ? { type: 'cdn_consent', module: m.module } : undefined;
  if (typeof m.comm_id !== 'string' || typeof m.msg_id !== 'string') return undefined;
  if (m.buffers !== undefined && !(Array.isArray(m.buffers) && m.buffers.every((b) => typeof b === 'string'))) return undefined;
  if (m.type === 'comm_open' && typeof m.target_name !== 'string') return undefined;
  return m as unknown as RendererToHost;
}
