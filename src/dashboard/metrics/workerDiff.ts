// What changed in the worker table between two samples, so the webview only touches changed rows.
import { WORKER_FIELD_NAMES, type WorkerRow } from '../../shared/dashboard/workerFields';

export interface WorkerDiff {
  added: WorkerRow[];
  /** Addresses of workers that left. */
  removed: string[];
  changed: WorkerRow[];
}

export function diffWorkers(previous: readonly WorkerRow[] | undefined, next: readonly WorkerRow[]): WorkerDiff {
  const before = new Map<string, WorkerRow>();
  for (const row of previous ?? []) before.set(row.address, row);
  const added: WorkerRow[] = [];
  const changed: WorkerRow[] = [];
  for (const row of next) {
    const old = before.get(row.address);
    if (!old) added.push(row);
    else {
      before.delete(row.address);
      if (!sameRow(old, row)) changed.push(row);
    }
  }
  return { added, removed: [...before.keys()], changed };
}

/** Compares every declared field, so a field added to WORKER_FIELDS is diffed without touching this. */
export function sameRow(a: WorkerRow, b: WorkerRow): boolean {
  // A worker without a new heartbeat keeps its very row.
  if (a === b) return true;
  for (const f of WORKER_FIELD_NAMES) if (a[f] !== b[f]) return false;
  return true;
}

export function isEmptyDiff(d: WorkerDiff): boolean {
  return d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
}
