// An in-memory stand-in for vscode.Memento (globalState) that copies values like the real one.
import type { KeyValueStore } from '../../../src/cost/costLedger';

export function memoryStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(k: string) => structuredClone(data.get(k)) as T | undefined,
    update: async (k: string, v: unknown) => { if (v === undefined) data.delete(k); else data.set(k, structuredClone(v)); },
  };
}
