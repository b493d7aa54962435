// The status bar cost meter: total $/h and today's accrued $, a per-resource tooltip, click opens the cost panel.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import type { MeterSnapshot } from '../costMeter';
import { joinMarkdown, markdown, type SafeMarkdown } from '../../shared/text/untrustedText';
import { toMarkdownString } from '../../editor/untrustedMarkdown';

export function usd(n: number): string {
  return n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toFixed(3)}`;
}

/** Status bar text for a snapshot: "$1.23/h · $4.56 today". */
export function statusText(s: MeterSnapshot): string {
  const unpriced = s.resources.filter((r) => r.unpriced).length;
  // "$0/h" would claim free what is only unknown.
  const rate = unpriced && s.totalUsdPerHour === 0 ? 'unpriced' : `${usd(s.totalUsdPerHour)}/h${unpriced ? ` + ${unpriced} unpriced` : ''}`;
  return `$(pulse) ${rate} · ${usd(s.todayUsd)} today`;
}

/** Markdown tooltip: one line per resource, then totals and where the prices come from. */
export function tooltipMarkdown(s: MeterSnapshot): SafeMarkdown {
  // Labels hold cluster and server names: escaped by markdown`…` (`|` included, so a name cannot add a table column).
  const lines: SafeMarkdown[] = [markdown`**Pangeo cost (estimated)**\n\n| resource | $/h | today |\n|---|---:|---:|`];
  for (const r of s.resources) {
    const flag = r.status === 'unreachable' ? ' (not answering: not charged)' : '';
    lines.push(markdown`| ${r.label}${flag} | ${r.unpriced ? 'unpriced' : usd(r.usdPerHour)} | ${usd(r.todayUsd)} |`);
  }
  if (s.resources.some((r) => r.unpriced)) lines.push(markdown`\nUnpriced: the hub does not say the server's size. Set its profile's $/h in \`pangeo.cost.hubProfilePrices\`.`);
  if (s.resources.length === 0) lines.push(markdown`| nothing running | $0 | |`);
  lines.push(markdown`\nSession ${usd(s.sessionUsd)} · month ${usd(s.monthUsd)}`);
  if (s.budget) lines.push(markdown`Budget: ${usd(s.budget.spentUsd)} of ${usd(s.budget.limitUsd)} this ${s.budget.period} (${Math.round(s.budget.fraction * 100)} %)`);
  lines.push(markdown`\nList prices as of ${s.asOf}; no sample, no charge. Click for details.`);
  return joinMarkdown(lines, '\n');
}

export class CostStatusBar extends Disposable implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly vs: typeof vscode) {
    super();
    this.item = this._register(vs.window.createStatusBarItem('pangeo.cost', vs.StatusBarAlignment.Right, 90));
    this.item.name = 'Pangeo cost';
    this.item.command = 'pangeo.cost.showPanel';
  }

  update(s: MeterSnapshot): void {
    // Nothing billable and nothing spent today: no need to take status bar space.
    if (s.resources.length === 0 && s.todayUsd === 0) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(s);
    this.item.tooltip = toMarkdownString(this.vs, tooltipMarkdown(s));
    const over = s.budget && s.budget.fraction >= 1;
    this.item.backgroundColor = over ? new this.vs.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
