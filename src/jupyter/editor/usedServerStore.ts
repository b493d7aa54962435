// The servers the Jupyter extension used in this workspace, in its storage (see offeredServers.ts): the newest KEPT.
import type * as vscode from 'vscode';
import type { OfferedServer, UsedServerMemory } from '../offeredServers';

const KEY = 'pangeo.jupyterExtension.usedServers';
const KEPT = 20;

export function workspaceUsedServers(memento: Pick<vscode.Memento, 'get' | 'update'>): UsedServerMemory {
  const all = (): OfferedServer[] => {
    const value = memento.get<unknown>(KEY);
    if (!Array.isArray(value)) return [];
    return value.filter((s): s is OfferedServer => !!s && typeof (s as OfferedServer).id === 'string' && typeof (s as OfferedServer).label === 'string');
  };
  return {
    all,
    add: (server) => {
      const rest = all().filter((s) => s.id !== server.id);
      void memento.update(KEY, [...rest, { id: server.id, label: server.label }].slice(-KEPT));
    },
  };
}
