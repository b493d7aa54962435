// Thin editor adapter shared by the dashboard and cost panels: options, CSP'd HTML, typed posts, visibility.
import type * as vscode from 'vscode';
import type { HostMessage } from '../../shared/protocol/panels';
import { makeNonce } from './nonce';
import { buildWebviewHtml } from './webviewHtml';

/** Scripts may load only from dist/webviews: nothing else of the extension is exposed to the page. */
export function webviewOptions(vs: typeof vscode, extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vs.Uri.joinPath(extensionUri, 'dist', 'webviews')], retainContextWhenHidden: false };
}

export function setPanelHtml(vs: typeof vscode, panel: vscode.WebviewPanel, extensionUri: vscode.Uri, bundle: 'dashboard' | 'cost', title: string, frameSources?: string[]): void {
  panel.webview.options = webviewOptions(vs, extensionUri);
  const scriptUri = panel.webview.asWebviewUri(vs.Uri.joinPath(extensionUri, 'dist', 'webviews', `${bundle}.js`)).toString();
  panel.webview.html = buildWebviewHtml({ title, nonce: makeNonce(), cspSource: panel.webview.cspSource, scriptUri, frameSources });
}

/** Posts a typed message; a panel disposed meanwhile is not an error. */
export function postTo(panel: vscode.WebviewPanel): (m: HostMessage) => void {
  return (m) => {
    void Promise.resolve(panel.webview.postMessage(m)).catch(() => undefined);
  };
}
