// The one place the extension reads and writes editor settings: its own (declared in src/core/settings.ts, typed)
// and, for presets, any allowed key by name.
import type * as vscode from 'vscode';
import { SETTINGS, type SettingKey, type SettingSection, type SettingValue } from '../core/settings';

/** The setting's value, or its declared default when the user set none. */
export function readSetting<K extends SettingKey>(vs: typeof vscode, key: K): SettingValue<K> {
  // A copy of the default: a caller that changes an object or array default must not change the table's.
  return vs.workspace.getConfiguration().get<SettingValue<K>>(key, structuredClone(SETTINGS[key].default) as SettingValue<K>);
}

/** Whether a settings change touches any of these settings or sections. */
export function affectsSettings(e: vscode.ConfigurationChangeEvent, ...keys: Array<SettingKey | SettingSection>): boolean {
  return keys.some((k) => e.affectsConfiguration(k));
}

/** Workspace settings when a folder is open, else the user's settings. */
export function settingsTarget(vs: typeof vscode): vscode.ConfigurationTarget {
  return vs.workspace.workspaceFolders?.length ? vs.ConfigurationTarget.Workspace : vs.ConfigurationTarget.Global;
}

/** The user's settings, unless the workspace sets `key` already (a preset put it there), where a user value would be hidden. */
export function userSettingsTarget(vs: typeof vscode, key: SettingKey): vscode.ConfigurationTarget {
  const inspected = inspectAnySetting(vs, key);
  return inspected?.workspaceValue !== undefined ? vs.ConfigurationTarget.Workspace : vs.ConfigurationTarget.Global;
}

export async function writeSetting<K extends SettingKey>(vs: typeof vscode, key: K, value: SettingValue<K>, target: vscode.ConfigurationTarget): Promise<void> {
  await updateAnySetting(vs, key, value, target);
}

/** A true/false setting of the editor's own (not in our table), or `fallback` when unset or not a boolean. */
export function readEditorFlag(vs: typeof vscode, key: string, fallback: boolean): boolean {
  const value = vs.workspace.getConfiguration().get<unknown>(key);
  return typeof value === 'boolean' ? value : fallback;
}

/** Values of any setting (a preset's keys are not all ours) per scope: what the user set, defaults excluded. */
export function inspectAnySetting(vs: typeof vscode, key: string): { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown } | undefined {
  return vs.workspace.getConfiguration().inspect(key);
}

/** Writes any setting (`undefined` removes it) in `target`. */
export async function updateAnySetting(vs: typeof vscode, key: string, value: unknown, target: vscode.ConfigurationTarget): Promise<void> {
  await vs.workspace.getConfiguration().update(key, value, target);
}
