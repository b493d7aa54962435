// Writes a preset's settings through the editor's configuration API, undoing the keys already written if one fails.
import type * as vscode from 'vscode';
import type { SettingsWriter } from '../settingsWriter';
import { inspectAnySetting, settingsTarget, updateAnySetting } from '../../editor/settings';

export class WorkspaceSettingsWriter implements SettingsWriter {
  constructor(private readonly vs: typeof vscode) {}

  /** Workspace settings when a folder is open, else the user's settings (the review page says which). */
  get target(): vscode.ConfigurationTarget {
    return settingsTarget(this.vs);
  }

  async read(keys: string[]): Promise<Record<string, unknown>> {
    const global = this.target === this.vs.ConfigurationTarget.Global;
    return Object.fromEntries(keys.map((k) => {
      const i = inspectAnySetting(this.vs, k);
      return [k, global ? i?.globalValue : i?.workspaceValue];
    }));
  }

  async write(entries: Record<string, unknown>): Promise<void> {
    const target = this.target;
    const previous = await this.read(Object.keys(entries));
    const written: string[] = [];
    try {
      for (const [key, value] of Object.entries(entries)) {
        await updateAnySetting(this.vs, key, value, target);
        written.push(key);
      }
    } catch (e) {
      // All or nothing: put back what this call changed before reporting the failure.
      for (const key of written.reverse()) {
        await updateAnySetting(this.vs, key, previous[key], target).catch(() => undefined);
      }
      throw e;
    }
  }
}
