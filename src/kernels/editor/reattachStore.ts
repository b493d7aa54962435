// The notebooks' ledgers in the workspace's storage (per window folder, no secrets), written at most once a second
// while outputs stream, at once when a run starts or ends (a reload may come any moment).
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { JsonFileStore } from '../../core/keyValueStore';
import { isNotebookLedger, NotebookLedger } from '../reattach/runLedger';

const KEY = 'pangeo.kernels.reattach';
const WRITE_EVERY_MS = 1_000;

export class ReattachStore {
  private readonly pending = new Map<string, NotebookLedger | undefined>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly memento: Pick<vscode.Memento, 'get' | 'update'>) {}

  /** The ledger kept for a notebook (by its URI), when a valid one is there. */
  get(notebookKey: string): NotebookLedger | undefined {
    if (this.pending.has(notebookKey)) return this.pending.get(notebookKey);
    const all = this.memento.get<Record<string, unknown>>(KEY) ?? {};
    const value = all[notebookKey];
    return isNotebookLedger(value) ? value : undefined;
  }

  /** Keeps the ledger (undefined: forgets it); `now` writes at once instead of within a second. */
  set(notebookKey: string, ledger: NotebookLedger | undefined, now = false): void {
    this.pending.set(notebookKey, ledger && structuredClone(ledger));
    if (now) {
      void this.flush();
      return;
    }
    this.timer ??= setTimeout(() => void this.flush(), WRITE_EVERY_MS);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.size) return;
    const all = { ...(this.memento.get<Record<string, unknown>>(KEY) ?? {}) };
    for (const [key, ledger] of this.pending) {
      if (ledger) all[key] = ledger;
      else delete all[key];
    }
    this.pending.clear();
    await this.memento.update(KEY, all);
  }

  dispose(): void {
    void this.flush();
  }
}

type LedgerMemento = Pick<vscode.Memento, 'get' | 'update'>;

/**
 * A file in the workspace's storage folder, written synchronously: the last write, made as the window goes, lands
 * before the extension host ends (a workspaceState update sent then was seen lost, so the reloaded window took lines
 * the old one had shown for missing). Ledgers kept in workspaceState by earlier versions are read once, then cleared.
 */
export function ledgerStorage(storageUri: vscode.Uri | undefined, workspaceState: LedgerMemento): LedgerMemento {
  if (storageUri?.scheme !== 'file') return workspaceState;
  const file = new JsonFileStore(join(storageUri.fsPath, 'reattach-ledgers.json'));
  // A folder that cannot be written (full disk, permissions): the ledgers go on in workspaceState, never half in each.
  let fileFailed = false;
  return {
    get: <T>(key: string): T | undefined => (fileFailed ? undefined : file.get<T>(key)) ?? workspaceState.get<T>(key),
    update: async (key: string, value: unknown): Promise<void> => {
      if (!fileFailed) {
        try {
          await file.update(key, value);
          if (workspaceState.get(key) !== undefined) await workspaceState.update(key, undefined);
          return;
        } catch {
          fileFailed = true;
        }
      }
      await workspaceState.update(key, value);
    },
  };
}
