// The record of every local cluster we started, kept outside the process (editor globalState, or a state file for the
// CLI), so that after a reload, a crash or the end of a CLI call the clusters can still be listed and stopped.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KeyValueStore } from '../../core/keyValueStore';

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

/** `$XDG_STATE_HOME/pangeo-compute` (default ~/.local/state/pangeo-compute): the CLI's state folder. */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(base, 'pangeo-compute');
}

export function localClustersFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDirectory(env), 'local-clusters.json');
}
