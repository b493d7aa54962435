// The dialogs behind the tree's actions: cluster options (every field type, validated as typed), the scale dialog
// (fixed or adaptive, like dask-labextension's), and the confirmations for big clusters and for stopping.
import type * as vscode from 'vscode';
import { isPangeoError } from '../../core/http/errors';
import { describeOptionType, parseOptionText, type ClusterOptionField, type ClusterOptionValues, type OptionValue } from '../clusterOptions';
import { describeSize, type ClusterSummary, type ProviderCapabilities } from '../clusterProvider';
import { iconLabel, notificationText, plainLabel } from '../../shared/text/untrustedText';

function show(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function validationMessage(field: ClusterOptionField, text: string): string | undefined {
  try {
    parseOptionText(field, text);
    return undefined;
  } catch (e) {
    return isPangeoError(e) ? e.message : String(e);
  }
}

/** A review list of all options (with defaults) where the user edits any field, then picks Create. Undefined = cancelled. */
export async function pickClusterOptions(vs: typeof vscode, title: string, fields: ClusterOptionField[]): Promise<ClusterOptionValues | undefined> {
  const values = new Map<string, OptionValue>();
  type Item = vscode.QuickPickItem & { field?: ClusterOptionField };
  for (;;) {
    const items: Item[] = [
      { label: '$(check) Create cluster', description: values.size ? `${values.size} option${values.size === 1 ? '' : 's'} changed` : 'with the defaults', alwaysShow: true },
      ...fields.map((f) => ({
        label: iconLabel(f.label),
        description: iconLabel(show(values.has(f.field) ? values.get(f.field) : f.default) + (values.has(f.field) ? '  (changed)' : '')),
        detail: iconLabel(`${f.field} · ${describeOptionType(f.spec)}`),
        field: f,
      })),
    ];
    const pick = await vs.window.showQuickPick(items, { title, placeHolder: 'Pick an option to change, or Create', ignoreFocusOut: true, matchOnDetail: true });
    if (!pick) return undefined;
    if (!pick.field) return Object.fromEntries(values);
    const value = await editOption(vs, pick.field, values.has(pick.field.field) ? values.get(pick.field.field) : pick.field.default);
    if (value !== undefined) values.set(pick.field.field, value);
  }
}

async function editOption(vs: typeof vscode, f: ClusterOptionField, current: unknown): Promise<OptionValue | undefined> {
  if (f.spec.type === 'bool') {
    const pick = await vs.window.showQuickPick(['true', 'false'], { title: plainLabel(f.label), placeHolder: plainLabel(`now ${show(current)}`) });
    return pick === undefined ? undefined : pick === 'true';
  }
  if (f.spec.type === 'select') {
    const pick = await vs.window.showQuickPick(f.spec.options.map((o) => ({ label: iconLabel(o), value: o, picked: o === current, description: o === current ? 'current' : '' })), { title: plainLabel(f.label) });
    return pick?.value;
  }
  const text = await vs.window.showInputBox({
    title: f.label,
    prompt: `${f.field}: ${describeOptionType(f.spec)}`,
    value: current === undefined || current === null ? '' : typeof current === 'object' ? JSON.stringify(current) : String(current),
    validateInput: (t) => validationMessage(f, t),
    ignoreFocusOut: true,
  });
  return text === undefined ? undefined : parseOptionText(f, text);
}

export type ScaleChoice = { mode: 'fixed'; workers: number } | { mode: 'adaptive'; minimum: number; maximum: number };

const wholeNumber = (t: string, min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const n = Number(t.trim());
  if (t.trim() === '' || !Number.isInteger(n)) return 'Enter a whole number.';
  if (n < min) return `At least ${min}.`;
  if (n > max) return `At most ${max}.`;
  return undefined;
};

/** Fixed size or adaptive bounds, offering only what the provider/cluster can do. */
export async function askScale(vs: typeof vscode, cluster: ClusterSummary, caps: ProviderCapabilities): Promise<ScaleChoice | undefined> {
  let mode: 'fixed' | 'adaptive' = 'fixed';
  if (caps.adapt) {
    const pick = await vs.window.showQuickPick([
      { label: 'Fixed size', description: `now ${cluster.workers} worker${cluster.workers === 1 ? '' : 's'}`, mode: 'fixed' as const },
      { label: 'Adaptive', description: cluster.adaptive ? `now ${cluster.adaptive.minimum}–${cluster.adaptive.maximum}` : 'follow the workload between a minimum and a maximum', mode: 'adaptive' as const },
    ], { title: `Scale ${cluster.name}` });
    if (!pick) return undefined;
    mode = pick.mode;
  }
  if (mode === 'fixed') {
    const max = caps.scaleUp ? undefined : cluster.workers;
    const min = caps.scaleDown ? 0 : cluster.workers;
    const text = await vs.window.showInputBox({
      title: `Scale ${cluster.name}`, prompt: caps.scaleUp ? 'Number of workers' : `Number of workers (this scheduler can only shrink: at most ${cluster.workers})`,
      value: String(cluster.workers), validateInput: (t) => wholeNumber(t, min, max),
    });
    return text === undefined ? undefined : { mode: 'fixed', workers: Number(text.trim()) };
  }
  const minText = await vs.window.showInputBox({ title: `Adaptive ${cluster.name}`, prompt: 'Minimum workers', value: String(cluster.adaptive?.minimum ?? 0), validateInput: (t) => wholeNumber(t) });
  if (minText === undefined) return undefined;
  const minimum = Number(minText.trim());
  const maxText = await vs.window.showInputBox({
    title: `Adaptive ${cluster.name}`, prompt: 'Maximum workers', value: String(Math.max(minimum, cluster.adaptive?.maximum ?? Math.max(4, cluster.workers))),
    validateInput: (t) => wholeNumber(t, minimum),
  });
  if (maxText === undefined) return undefined;
  return { mode: 'adaptive', minimum, maximum: Number(maxText.trim()) };
}

/** Asks before asking for more workers than the `pangeo.dask.confirmWorkersAbove` threshold. */
export async function confirmLargeCluster(vs: typeof vscode, name: string, workers: number, threshold: number): Promise<boolean> {
  if (workers <= threshold) return true;
  const go = `Use ${workers} workers`;
  const pick = await vs.window.showWarningMessage(notificationText(`${name}: ${workers} workers is above your limit of ${threshold} (setting pangeo.dask.confirmWorkersAbove). Large clusters can cost a lot.`).text, { modal: true }, go);
  return pick === go;
}

/** Stop confirmation that names what will be lost. */
export async function confirmStop(vs: typeof vscode, cluster: ClusterSummary, providerLabel: string): Promise<boolean> {
  const stop = 'Stop Cluster';
  const size = cluster.workers ? `its ${describeSize(cluster)}` : 'its scheduler';
  const pick = await vs.window.showWarningMessage(notificationText(`Stop ${cluster.name} (${providerLabel})?`).text, {
    modal: true,
    detail: `This shuts down ${size}. Everything held in worker memory — persisted collections, computed futures, scattered data — is lost, and notebooks connected to it lose their client.`,
  }, stop);
  return pick === stop;
}
