// The Jupyter extension's kernel session keys in the workspace's storage (see keptSessionSocket.ts): per kernel id,
// the newest KEPT only (kernels come and go; a key no server knows any more costs nothing but its line).
import type * as vscode from 'vscode';
import type { SessionKeyMemory } from '../keptSessionSocket';

const KEY = 'pangeo.jupyterExtension.sessionKeys';
const KEPT = 50;

export function workspaceSessionKeys(memento: Pick<vscode.Memento, 'get' | 'update'>): SessionKeyMemory {
  const all = (): Record<string, string> => {
    const value = memento.get<unknown>(KEY);
    if (!value || typeof value !== 'object') return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  };
  return {
    get: (kernelId) => all()[kernelId],
    set: (kernelId, key) => {
      const entries = Object.entries(all()).filter(([k]) => k !== kernelId);
      entries.push([kernelId, key]);
      void memento.update(KEY, Object.fromEntries(entries.slice(-KEPT)));
    },
  };
}
