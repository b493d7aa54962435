// A dashboard webview panel for one cluster: wires a DashboardSession to the editor's panel, visibility and browser.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { DashboardSession } from '../dashboardSession';
import type { DashboardTarget } from '../dashboardSources';
import { postTo, setPanelHtml } from '../../editor/webview/webviewPanelHost';
import type { ProbeKernels } from '../kernelProbeFeed';

export const DASHBOARD_VIEW_TYPE = 'pangeo.dashboard';

export interface DashboardPanelDeps {
  vs: typeof vscode;
  extensionUri: vscode.Uri;
  logger: Logger;
  intervalMs: () => number;
  scaleConfirmThreshold: () => number;
  probeKernels?: ProbeKernels;
}

export class DashboardPanel {
  readonly session: DashboardSession;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: DashboardPanelDeps, readonly panel: vscode.WebviewPanel, readonly target: DashboardTarget, onDispose: () => void) {
    const { vs } = deps;
    this.session = new DashboardSession(target, postTo(panel), {
      intervalMs: deps.intervalMs(),
      logger: deps.logger,
      probeKernels: deps.probeKernels,
      openExternal: (url) => void vs.env.openExternal(vs.Uri.parse(url)),
      confirmScale: async (n) => {
        if (n <= deps.scaleConfirmThreshold()) return true;
        const yes = 'Scale';
        return (await vs.window.showWarningMessage(`Scale ${target.name} to ${n} workers?`, { modal: true }, yes)) === yes;
      },
    });
    panel.title = `Dask: ${target.name}`;
    setPanelHtml(vs, panel, deps.extensionUri, 'dashboard', `Dask dashboard ${target.name}`);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m) => void this.session.receive(m)),
      // Polls only while the panel can be seen.
      panel.onDidChangeViewState((e) => this.session.setVisible(e.webviewPanel.visible)),
      panel.onDidDispose(() => {
        this.session.dispose();
        for (const d of this.subscriptions) d.dispose();
        onDispose();
      }),
    );
    this.session.setVisible(panel.visible);
  }

  reveal(): void {
    this.panel.reveal();
  }
}
