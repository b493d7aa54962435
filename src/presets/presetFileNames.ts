// Which files are presets, on their own: the squiggles (at activation) and the preset commands (a chunk) both ask.

/** `*.pangeo.json` anywhere, or `.vscode/pangeo.json`. */
export function isPresetDocument(doc: { uri: { path: string; scheme: string } }): boolean {
  const p = doc.uri.path;
  return /\.pangeo\.json$/i.test(p) || /(^|\/)\.vscode\/pangeo\.json$/i.test(p);
}
