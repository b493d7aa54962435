// The HTML page of a webview panel, built by a pure function so browser tests render exactly what the editor shows.

export interface WebviewPageOptions {
  title: string;
  /** Fresh per page load; the only scripts and styles allowed are those carrying it (and the bundle's origin for styles). */
  nonce: string;
  /** webview.cspSource in the editor; the test host's origin in the browser tests. */
  cspSource: string;
  scriptUri: string;
  /** Origins the page may frame (the scheduler's bokeh plots), when there are any. */
  frameSources?: string[];
}

export function contentSecurityPolicy(o: Pick<WebviewPageOptions, 'nonce' | 'cspSource' | 'frameSources'>): string {
  const parts = [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `img-src ${o.cspSource} data:`,
  ];
  if (o.frameSources?.length) parts.push(`frame-src ${o.frameSources.join(' ')}`);
  return parts.join('; ');
}

export function buildWebviewHtml(o: WebviewPageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('nonce must be ≥ 16 base64 characters');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${o.nonce}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** For double-quoted attributes: the CSP's single quotes stay readable. */
export function escapeAttribute(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
