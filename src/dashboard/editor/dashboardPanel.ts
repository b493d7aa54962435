// A dashboard webview panel for one cluster: wires a DashboardSession to the editor's panel, visibility and browser.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { DashboardSession } from '../dashboardSession';
import type { DashboardTarget } from '../dashboardSources';
import { postTo, setPanelHtml } from '../../editor/webview/webviewPanelHost';
import type { ProbeKernels } from '../kernelProbeFeed';
import { Disposable, toDisposable } from '../../core/lifecycle';
import { notificationText, plainLabel } from '../../shared/text/untrustedText';

export interface DashboardPanelDeps {
  vs: typeof vscode;
  extensionUri: vscode.Uri;
  logger: Logger;
  intervalMs: () => number;
  scaleConfirmThreshold: () => number;
  probeKernels?: ProbeKernels;
}

/** Lives as long as its panel: closing the panel disposes the session and every listener. */
export class DashboardPanel extends Disposable {
  readonly session: DashboardSession;

  constructor(private readonly deps: DashboardPanelDeps, readonly panel: vscode.WebviewPanel, readonly target: DashboardTarget, onDispose: () => void) {
    super();
    const { vs } = deps;
    this._register(toDisposable(onDispose));
    this.session = this._register(new DashboardSession(target, postTo(panel), {
      intervalMs: deps.intervalMs(),
      logger: deps.logger,
      probeKernels: deps.probeKernels,
      openExternal: (url) => void vs.env.openExternal(vs.Uri.parse(url)),
      confirmScale: async (n) => {
        if (n <= deps.scaleConfirmThreshold()) return true;
        const yes = 'Scale';
        return (await vs.window.showWarningMessage(notificationText(`Scale ${target.name} to ${n} workers?`).text, { modal: true }, yes)) === yes;
      },
    }));
    panel.title = `Dask: ${plainLabel(target.name)}`;
    setPanelHtml(vs, panel, deps.extensionUri, 'dashboard', `Dask dashboard ${target.name}`);
    this._register(panel.webview.onDidReceiveMessage((m) => void this.session.receive(m)));
    // Polls only while the panel can be seen.
    this._register(panel.onDidChangeViewState((e) => this.session.setVisible(e.webviewPanel.visible)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this.session.setVisible(panel.visible);
  }

  reveal(): void {
    this.panel.reveal();
  }
}
