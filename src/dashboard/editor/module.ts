// Registers the cluster dashboard: open command, open-by-URL command, and a serializer so panels survive reloads.
import type * as vscode from 'vscode';
import { registerCommand } from '../../editor/command';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import { readSetting } from '../../editor/settings';
import { loadFeature } from '../../core/chunks';
import type * as DashboardPanelModule from './dashboardPanel';
import { connectionTarget, DashboardSources, DashboardTarget, urlTarget } from '../dashboardSources';
import type { ProbeKernels } from '../kernelProbeFeed';
import { decodeResourceId } from '../../shared/resourceIds';
import { plainLabel } from '../../shared/text/untrustedText';

export type { DashboardSources, DashboardTarget } from '../dashboardSources';

const DASHBOARD_VIEW_TYPE = 'pangeo.dashboard';

/** `probeKernels`: notebook kernels with Dask clients, for occupancy and current work (none: those stay empty). */
export function registerDashboards(deps: ModuleDeps, sources: DashboardSources, probeKernels?: ProbeKernels): vscode.Disposable {
  const { vs, context, logger } = deps;
  const store = new DisposableStore();
  const open = new Map<string, DashboardPanelModule.DashboardPanel>();
  const panelDeps = {
    vs, extensionUri: context.extensionUri, logger,
    intervalMs: () => Math.max(1, readSetting(vs, 'pangeo.dashboard.pollIntervalSeconds')) * 1000,
    scaleConfirmThreshold: () => readSetting(vs, 'pangeo.dask.confirmWorkersAbove'),
    probeKernels,
  };

  const show = (target: DashboardTarget, panel?: vscode.WebviewPanel) => {
    const existing = open.get(target.id);
    if (existing) {
      // One panel per cluster: a restored duplicate closes in favour of the open one.
      panel?.dispose();
      return existing.reveal();
    }
    const p = panel ?? vs.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, `Dask: ${plainLabel(target.name)}`, vs.ViewColumn.Active, { enableScripts: true });
    // The panel and its session load with the first dashboard (dist/chunks/dashboardPanel.js).
    const { DashboardPanel } = loadFeature<typeof DashboardPanelModule>('dashboardPanel');
    const created: DashboardPanelModule.DashboardPanel = new DashboardPanel(panelDeps, p, target, () => {
      if (open.get(target.id) === created) open.delete(target.id);
    });
    open.set(target.id, created);
  };

  store.add(registerCommand(deps, 'pangeo.dashboard.open', 'Open Dask dashboard', async (arg?: unknown) => {
    // From the command palette (no argument): the clusters the Dask view lists, or a URL.
    const chosen = arg === undefined ? await pickKnownCluster(vs, sources) : arg;
    if (chosen === CANCELLED) return;
    const target = (await sources.resolve(chosen)) ?? connectionTarget(chosen);
    if (target) return show(target);
    await vs.commands.executeCommand('pangeo.dashboard.openUrl');
  }));

  store.add(registerCommand(deps, 'pangeo.dashboard.openUrl', 'Open Dask dashboard', async (url?: unknown) => {
    const value = typeof url === 'string' ? url : await vs.window.showInputBox({
      title: 'Open Dask dashboard',
      prompt: 'The scheduler\'s dashboard address',
      placeHolder: 'http://127.0.0.1:8787/',
      validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http(s) URL, e.g. http://127.0.0.1:8787/'),
    });
    if (value) show(urlTarget(value.trim()));
  }));

  store.add(vs.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const saved = (state ?? {}) as { clusterId?: unknown; dashboardUrl?: unknown };
      const id = typeof saved.clusterId === 'string' ? saved.clusterId : undefined;
      // A bare address (also as earlier versions saved it, "url:<address>") needs no provider; the Dask area knows the rest.
      const ref = decodeResourceId(id);
      const target = ref?.kind === 'dashboard' ? safeUrlTarget(ref.url) : id ? await sources.resolve(id).catch(() => undefined) : undefined;
      if (!target) {
        panel.dispose();
        void vs.window.showInformationMessage('A Dask dashboard from the last session was closed: its cluster is no longer listed.');
        return;
      }
      show(target, panel);
    },
  }));

  store.add({ dispose: () => { for (const p of open.values()) p.panel.dispose(); } });
  return store;
}

const CANCELLED = Symbol('cancelled');

/** A quick pick of the known clusters plus "Enter a URL…" (undefined); straight to the URL box when none is known. */
async function pickKnownCluster(vs: typeof vscode, sources: DashboardSources): Promise<unknown> {
  const known = sources.known?.() ?? [];
  if (!known.length) return undefined;
  // Names come from providers and schedulers: `$(` would render as an icon, so it is broken up.
  const items: Array<vscode.QuickPickItem & { arg?: unknown }> = known.map((k) => ({
    label: `$(pulse) ${k.name.replace(/\$\(/g, '$\u200b(')}`, description: k.description, arg: k.arg,
  }));
  items.push({ label: '$(link) Enter a URL…', description: 'a scheduler\'s dashboard address', alwaysShow: true });
  const picked = await vs.window.showQuickPick(items, { title: 'Open Dask dashboard', placeHolder: 'A cluster from the Dask view, or a dashboard address' });
  if (!picked) return CANCELLED;
  return picked.arg;
}

function safeUrlTarget(url: string): DashboardTarget | undefined {
  try {
    return urlTarget(url);
  } catch {
    return undefined; // not a URL: the panel closes like one whose cluster is gone
  }
}
