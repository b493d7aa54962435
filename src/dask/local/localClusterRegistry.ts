// The record of every local cluster we started, kept outside the process (editor globalState, or a state file for the
// CLI), so that after a reload, a crash or the end of a CLI call the clusters can still be listed and stopped.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Small key/value storage; vscode's Memento (globalState) satisfies it as is. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface LocalWorkerRecord {
  name: string;
  pid: number;
}

export interface LocalClusterRecord {
  id: string;
  name: string;
  daskCommand: string;
  host: string;
  schedulerPort: number;
  dashboardPort: number;
  schedulerPid: number;
  workers: LocalWorkerRecord[];
  nextWorkerIndex: number;
  threadsPerWorker: number;
  /** As `dask worker --memory-limit` takes it: "auto", "2GiB", ... */
  memoryLimit: string;
  /** Epoch ms. */
  createdAt: number;
  /** Folder with the scheduler's and workers' logs and worker spill directories. */
  dir: string;
  adaptive?: { minimum: number; maximum: number; followerPid?: number };
  /** Set while `create` still runs (scheduler and first workers starting); listed as starting, not unreachable. */
  starting?: boolean;
}

const KEY = 'pangeo.dask.localClusters';

export class LocalClusterRegistry {
  constructor(private readonly store: KeyValueStore) {}

  list(): LocalClusterRecord[] {
    return [...(this.store.get<LocalClusterRecord[]>(KEY) ?? [])];
  }

  get(id: string): LocalClusterRecord | undefined {
    return this.list().find((r) => r.id === id);
  }

  async put(record: LocalClusterRecord): Promise<void> {
    const others = this.list().filter((r) => r.id !== record.id);
    await this.store.update(KEY, [...others, record]);
  }

  /** Re-reads the record and applies `change` to it (other processes may have changed it meanwhile). */
  async modify(id: string, change: (r: LocalClusterRecord) => void): Promise<LocalClusterRecord | undefined> {
    const record = this.get(id);
    if (!record) return undefined;
    change(record);
    await this.put(record);
    return record;
  }

  async remove(id: string): Promise<void> {
    await this.store.update(KEY, this.list().filter((r) => r.id !== id));
  }
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

/** In-memory store for tests and one-shot uses. */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (structuredClone(v) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
  }
}

/** `$XDG_STATE_HOME/pangeo-compute` (default ~/.local/state/pangeo-compute): the CLI's state folder. */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'pangeo-compute');
}

export function localClustersFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirectory(env), 'local-clusters.json');
}
