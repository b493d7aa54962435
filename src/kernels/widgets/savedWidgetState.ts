// Widget state in a notebook's metadata, where JupyterLab keeps it: metadata.widgets["application/vnd.jupyter.widget-state+json"]
// = { version_major: 2, version_minor: 0, state }. VS Code's ipynb serializer holds the file's metadata under
// `metadata` of the notebook document's metadata (older versions: `custom.metadata`).
import { WIDGET_STATE_MIME, WidgetState } from '../../shared/widgetProtocol';

type Metadata = Record<string, unknown>;

function record(value: unknown): Metadata | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Metadata) : undefined;
}

/** The saved widget state of a notebook, when it has a well-formed one (a file may hold anything). */
export function savedWidgetState(documentMetadata: unknown): WidgetState | undefined {
  const doc = record(documentMetadata);
  const file = record(doc?.metadata) ?? record(record(doc?.custom)?.metadata);
  const saved = record(record(file?.widgets)?.[WIDGET_STATE_MIME]);
  if (!saved || saved.version_major !== 2 || !record(saved.state)) return undefined;
  const state: WidgetState['state'] = {};
  for (const [id, model] of Object.entries(record(saved.state)!)) {
    const m = record(model);
    if (m && typeof m.model_name === 'string' && typeof m.model_module === 'string' && record(m.state)) state[id] = m as unknown as WidgetState['state'][string];
  }
  return { version_major: 2, version_minor: 0, state };
}

/** The document metadata with `state` saved as JupyterLab saves it (everything else kept). */
export function withWidgetState(documentMetadata: unknown, state: WidgetState): Metadata {
  const doc = { ...(record(documentMetadata) ?? {}) };
  const legacy = !record(doc.metadata) && record(record(doc.custom)?.metadata);
  const file = { ...(legacy ? record(record(doc.custom)!.metadata)! : record(doc.metadata) ?? {}) };
  file.widgets = { ...(record(file.widgets) ?? {}), [WIDGET_STATE_MIME]: state };
  if (legacy) doc.custom = { ...record(doc.custom), metadata: file };
  else doc.metadata = file;
  return doc;
}
