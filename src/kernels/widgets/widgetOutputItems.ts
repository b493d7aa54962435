// A widget view in our controller's outputs is written twice: under our own mime type first, drawn by our renderer
// (webviews/widgets), and under Jupyter's, which the saved file keeps for JupyterLab. Our renderer claims only our mime
// type: VS Code picks among renderers of one mime type by rank, not by which extension runs the kernel (a controller's
// preloads that would say so are a proposed API), so claiming Jupyter's type would fight the Jupyter extension's
// renderer over that extension's own kernels; with a type of our own neither renderer ever sees the other's outputs.
import type { OutputItem } from '../outputItems';
import { PANGEO_WIDGET_VIEW_MIME, WIDGET_VIEW_MIME } from '../../shared/widgetProtocol';

export function withOurWidgetView(items: OutputItem[]): OutputItem[] {
  const view = items.find((i) => i.mime === WIDGET_VIEW_MIME && i.kind === 'json');
  if (!view || items.some((i) => i.mime === PANGEO_WIDGET_VIEW_MIME)) return items;
  return [{ ...view, mime: PANGEO_WIDGET_VIEW_MIME }, ...items];
}
