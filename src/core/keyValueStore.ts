// The small stores every area persists through: the editor backs them with globalState and SecretStorage, the CLI
// with a JSON state file, tests and one-shot uses with memory.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Event } from './emitter';

/** Non-secret key/value storage; vscode's Memento (globalState) satisfies it as is. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** Secret storage; vscode's SecretStorage satisfies it as is. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  /** Fires when a secret is stored or deleted, also by another window (vscode's does); absent where no one else writes. */
  readonly onDidChange?: Event<{ key: string }>;
}

/** A KeyValueStore in a JSON file, re-read on every get (another CLI call may have written it); writes are atomic. */
export class JsonFileStore implements KeyValueStore {
  constructor(readonly path: string) {}

  get<T>(key: string): T | undefined {
    return this.readAll()[key] as T | undefined;
  }

  async update(key: string, value: unknown): Promise<void> {
    const all = this.readAll();
    if (value === undefined) delete all[key];
    else all[key] = value;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }

  private readAll(): Record<string, unknown> {
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
}

/** In memory, copying values in and out as globalState does (a caller's later edit never reaches the store). */
export class MemoryStore implements KeyValueStore {
  /** What is stored, for tests that look inside or seed it. */
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}
