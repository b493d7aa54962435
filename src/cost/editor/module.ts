// Registers the cost meter: a CostMeter ticking on a timer, the status bar item, the cost panel and its serializer,
// budget warnings (50/80/100 %) with an optional action at 100 %, and one nudge per idle cluster.
import type * as vscode from 'vscode';
import { registerCommand } from '../../editor/command';
import { completeWalkthroughStep } from '../../editor/walkthrough';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import { affectsSettings, readSetting, userSettingsTarget, writeSetting } from '../../editor/settings';
import { PollLoop } from '../../core/pollLoop';
import { BillableSource, CostMeter, MeterEvent, MeterSnapshot } from '../costMeter';
import { defaultPriceTable, mergePrices, PriceTable } from '../priceTable';
import { CostPanel, COST_VIEW_TYPE } from './costPanel';
import { CostStatusBar, usd } from './costStatusBar';
import { reportLines, runBudgetAction, type ActionOutcome, type ResourceActionReport } from '../budgetAction';
import type { ClusterRef, ServerRef } from '../../shared/resourceIds';
import { notificationText } from '../../shared/text/untrustedText';

export type { Billable, BillableSource } from '../costMeter';

/** What the lead wires in: where billable resources come from and what the cost meter may do to them. */
export interface CostSources {
  billables: BillableSource[];
  /** Told after every tick, e.g. so the Dask tree can show each cluster's $/h. */
  onSnapshot?(snapshot: MeterSnapshot): void;
  /** Scales a cluster to zero, or says why it cannot (e.g. a read-only scheduler). */
  scaleClusterToZero?(ref: ClusterRef): Promise<ActionOutcome>;
  stopServer?(ref: ServerRef): Promise<ActionOutcome>;
  /** What the user can do instead when a cluster could not be scaled: stop it, or detach it from the view. */
  remedy?(ref: ClusterRef, remedy: 'stop' | 'detach'): Promise<void>;
}

/** The cost meter as other features read it (the agent tools): its last snapshot and the price table in force. */
export interface CostModule extends vscode.Disposable {
  snapshot(): MeterSnapshot | undefined;
  priceTable(): PriceTable;
}

export function registerCost(deps: ModuleDeps, sources: CostSources): CostModule {
  const { vs, context, logger } = deps;
  const store = new DisposableStore();
  let warnedOverrides = false;
  const table = (): PriceTable => {
    try {
      return mergePrices(defaultPriceTable(), readSetting(vs, 'pangeo.cost.priceOverrides'));
    } catch (e) {
      if (!warnedOverrides) void vs.window.showWarningMessage(notificationText(`pangeo.cost.priceOverrides ignored: ${(e as Error).message}`).text);
      warnedOverrides = true;
      return defaultPriceTable();
    }
  };
  const budgetConfig = () => {
    const limitUsd = readSetting(vs, 'pangeo.cost.budget.limitUsd');
    return limitUsd > 0 ? { limitUsd, period: readSetting(vs, 'pangeo.cost.budget.period') } : undefined;
  };
  const meter = new CostMeter({
    table, sources: sources.billables, store: context.globalState, logger, budget: budgetConfig(),
    idleAfterMs: readSetting(vs, 'pangeo.cost.idleMinutes') * 60_000,
  });
  const statusBar = store.add(new CostStatusBar(vs));
  let panel: CostPanel | undefined;

  const onEvent = async (e: MeterEvent) => {
    if (e.kind === 'budget') {
      const pct = Math.round(e.threshold * 100);
      const text = `Pangeo budget: ${pct} % reached (${usd(e.status.spentUsd)} of ${usd(e.status.limitUsd)} this ${e.status.period}, estimated).`;
      const action = readSetting(vs, 'pangeo.cost.budget.actionAt100');
      if (e.threshold < 1 || action === 'none') {
        void vs.window.showWarningMessage(notificationText(text).text, 'Show costs').then((c) => c && vs.commands.executeCommand('pangeo.cost.showPanel'));
        return;
      }
      const what = action === 'stopAll' ? 'scale every cluster to zero and stop every server' : 'scale every cluster to zero';
      const go = `Yes, ${what}`;
      // The budget action always asks unless the user (or a preset) turned the question off.
      const ask = readSetting(vs, 'pangeo.cost.budget.askBeforeAction');
      const choice = ask ? await vs.window.showWarningMessage(notificationText(`${text} ${what[0]!.toUpperCase()}${what.slice(1)}?`).text, { modal: true }, go) : go;
      if (choice !== go) return;
      await reportAction(await runBudgetAction(meter.snapshot?.resources ?? [], action, sources));
    } else {
      const minutes = Math.round(e.idleForMs / 60_000);
      const scale = 'Scale to 0';
      const ref = e.ref?.kind === 'cluster' ? e.ref : undefined;
      const choice = await vs.window.showInformationMessage(
        notificationText(`Dask cluster ${e.label} has had no tasks for ${minutes} min and costs about ${usd(e.usdPerHour)}/h.`).text,
        ...(sources.scaleClusterToZero && ref ? [scale] : []), 'Dismiss');
      if (choice === scale && ref && sources.scaleClusterToZero) {
        await reportAction([{ label: e.label, ref, outcome: await sources.scaleClusterToZero(ref).catch((err: unknown) => ({ status: 'failed' as const, message: String((err as Error)?.message ?? err) })) }], 'Pangeo: scale to 0');
      }
    }
  };

  /** Says per resource what the action did; what could not be done gets a warning with a way out. */
  const reportAction = async (reports: ResourceActionReport[], what = 'Pangeo budget action') => {
    for (const r of reports) logger.info(`budget action: ${r.label}: ${r.outcome.status}: ${r.outcome.message}`);
    const ok = reports.filter((r) => r.outcome.status === 'done' || r.outcome.status === 'not-needed');
    const notOk = reports.filter((r) => !ok.includes(r));
    if (!reports.length) {
      void vs.window.showInformationMessage(notificationText(`${what}: nothing was running to act on.`).text);
      return;
    }
    if (ok.length) void vs.window.showInformationMessage(notificationText(`${what}: ${reportLines(ok).join(' · ')}.`).text);
    // One warning per resource, all shown at once (none waits for another to be dismissed).
    await Promise.all(notOk.map(async (r) => {
      const titles: Record<'stop' | 'detach', string> = { stop: 'Stop Cluster…', detach: 'Detach' };
      const remedies = r.ref?.kind === 'cluster' && sources.remedy ? r.outcome.remedies ?? [] : [];
      const extra = remedies.includes('detach') ? ' Detaching only stops watching it here: stop it where it runs.' : '';
      const picked = await vs.window.showWarningMessage(
        notificationText(`${what}: ${r.label} ${r.outcome.status === 'failed' ? `failed: ${r.outcome.message}` : r.outcome.message}. It may still cost money.${extra}`).text,
        ...remedies.map((m) => titles[m]), 'Show costs');
      const remedy = remedies.find((m) => titles[m] === picked);
      if (remedy && r.ref?.kind === 'cluster') await sources.remedy!(r.ref, remedy);
      else if (picked === 'Show costs') await vs.commands.executeCommand('pangeo.cost.showPanel');
    }));
  };

  const intervalMs = () => Math.max(10, readSetting(vs, 'pangeo.cost.pollIntervalSeconds')) * 1000;
  // The interval is read before each wait, so a new one applies from the next tick.
  const loop = store.add(new PollLoop(async (signal) => {
    const { snapshot, events } = await meter.tick(Date.now(), signal);
    statusBar.update(snapshot);
    panel?.update(snapshot);
    sources.onSnapshot?.(snapshot);
    for (const e of events) void onEvent(e);
  }, { intervalMs: intervalMs(), nextDelayMs: intervalMs }));
  loop.start();

  store.add(vs.workspace.onDidChangeConfiguration((e) => {
    if (affectsSettings(e, 'pangeo.cost')) {
      warnedOverrides = false;
      meter.setBudget(budgetConfig());
      // A new interval or budget takes effect now, not after the old interval ran out; the tick in flight finishes first.
      loop.tickWithin(0);
    }
  }));

  const panelDeps = {
    vs, extensionUri: context.extensionUri, logger,
    snapshot: () => meter.snapshot,
    setBudget: async (limitUsd: number, period: 'day' | 'month') => {
      // The budget is the user's own (user settings), unless a preset set it for this workspace.
      await writeSetting(vs, 'pangeo.cost.budget.limitUsd', limitUsd, userSettingsTarget(vs, 'pangeo.cost.budget.limitUsd'));
      await writeSetting(vs, 'pangeo.cost.budget.period', period, userSettingsTarget(vs, 'pangeo.cost.budget.period'));
      meter.setBudget(budgetConfig());
      loop.tickWithin(0);
      completeWalkthroughStep(vs, 'cost');
    },
  };
  const showPanel = (existing?: vscode.WebviewPanel) => {
    if (panel && !existing) return panel.panel.reveal();
    const p = existing ?? vs.window.createWebviewPanel(COST_VIEW_TYPE, 'Pangeo cost', vs.ViewColumn.Active, { enableScripts: true });
    panel = new CostPanel(panelDeps, p, () => (panel = undefined));
  };
  store.add(registerCommand(deps, 'pangeo.cost.showPanel', 'Show costs', () => showPanel()));
  store.add(vs.window.registerWebviewPanelSerializer(COST_VIEW_TYPE, {
    async deserializeWebviewPanel(p: vscode.WebviewPanel) {
      showPanel(p);
    },
  }));
  store.add({ dispose: () => { panel?.panel.dispose(); } });
  return Object.assign(store, { snapshot: () => meter.snapshot, priceTable: table });
}
