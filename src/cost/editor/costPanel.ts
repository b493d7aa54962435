// The cost webview panel: snapshots in, budget changes out, through the shared protocol.
import type * as vscode from 'vscode';
import type { HostMessage } from '../../shared/protocol/panels';
import { isWebviewMessage } from '../../shared/protocol/panels';
import type { Logger } from '../../core/log';
import { postTo, setPanelHtml } from '../../editor/webview/webviewPanelHost';
import type { MeterSnapshot } from '../costMeter';
import { answerRequest } from '../../shared/protocol/requests';

export const COST_VIEW_TYPE = 'pangeo.cost';

export interface CostPanelDeps {
  vs: typeof vscode;
  extensionUri: vscode.Uri;
  logger: Logger;
  snapshot: () => MeterSnapshot | undefined;
  setBudget: (limitUsd: number, period: 'day' | 'month') => Promise<void>;
}

export class CostPanel {
  private ready = false;
  private readonly post: (m: HostMessage) => void;

  constructor(private readonly deps: CostPanelDeps, readonly panel: vscode.WebviewPanel, onDispose: () => void) {
    const { vs } = deps;
    this.post = postTo(panel);
    panel.title = 'Pangeo cost';
    setPanelHtml(vs, panel, deps.extensionUri, 'cost', 'Pangeo cost');
    const subs = [
      panel.webview.onDidReceiveMessage((m) => void this.receive(m)),
      panel.onDidDispose(() => {
        for (const d of subs) d.dispose();
        onDispose();
      }),
    ];
  }

  update(s: MeterSnapshot): void {
    if (this.ready && this.panel.visible) this.post({ type: 'cost/snapshot', snapshot: s });
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isWebviewMessage(raw)) {
      this.deps.logger.warn('cost panel: ignored a malformed webview message');
      return;
    }
    switch (raw.type) {
      case 'ready': {
        this.ready = true;
        const s = this.deps.snapshot();
        if (s) this.post({ type: 'cost/snapshot', snapshot: s });
        return;
      }
      case 'cost/setBudget':
        await answerRequest(this.post, raw.requestId, async () => {
          await this.deps.setBudget(raw.limitUsd, raw.period);
          return raw.limitUsd > 0 ? `Budget set to $${raw.limitUsd} per ${raw.period}.` : 'Budget removed.';
        }, (e) => (e as Error).message);
        return;
      case 'cost/openSettings':
        await this.deps.vs.commands.executeCommand('workbench.action.openSettings', 'pangeo.cost');
        return;
      default:
        return;
    }
  }
}
