// Puts the kernel probe's answer (occupancy, processing, executing keys) into the worker rows built from identity.json:
// the probe runs every few seconds, the HTTP sample more often, so the last answer is laid over each new sample. While
// identity.json answers 500 (distributed ≥ 2023.4 during computations) the probe's memory split replaces the frozen one.
import type { WorkerRow } from '../../shared/dashboard/workerFields';
import type { SchedulerProbe } from '../../dask/scheduler/schedulerProbe';
import { keySplit } from '../../dask/scheduler/taskKeys';
import { memorySplitFromProbe } from '../../dask/scheduler/workerMemorySplit';

/** How many prefixes the current-work text names before "+N more". */
const SHOWN_PREFIXES = 3;

/** Executing keys, shortened by key prefix as Dask groups them: "inc ×3, sum" (most frequent first); '' when idle. */
export function shortenWork(executing: ReadonlyArray<{ key: string }>): string {
  const counts = new Map<string, number>();
  for (const e of executing) {
    const prefix = keySplit(e.key);
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const ordered = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const parts = ordered.slice(0, SHOWN_PREFIXES).map(([p, n]) => (n > 1 ? `${p} ×${n}` : p));
  const rest = ordered.slice(SHOWN_PREFIXES).reduce((n, [, c]) => n + c, 0);
  return rest ? `${parts.join(', ')} +${rest} more` : parts.join(', ');
}

/** The row fields the probe may set. */
const PROBE_FIELDS = ['occupancySeconds', 'processing', 'currentWork', 'memoryBytes', 'managedBytes', 'unmanagedOldBytes',
  'unmanagedRecentBytes', 'spilledBytes', 'memoryColor'] as const satisfies readonly (keyof WorkerRow)[];
type Patch = { -readonly [K in (typeof PROBE_FIELDS)[number]]?: WorkerRow[K] };

interface Overlaid {
  base: WorkerRow;
  patch: Patch;
  row: WorkerRow;
}

function samePatch(a: Patch, b: Patch): boolean {
  for (const f of PROBE_FIELDS) if (a[f] !== b[f]) return false;
  return true;
}

function baseHas(base: WorkerRow, patch: Patch): boolean {
  for (const f of PROBE_FIELDS) if (patch[f] !== undefined && patch[f] !== base[f]) return false;
  return true;
}

export interface OverlayOptions {
  /** identity.json's worker data is stale (it answered 500): take memory from the probe too. */
  memoryFromProbe?: boolean;
}

/**
 * Lays probe answers over rows. A row whose base and probe values did not change comes back as the very same object,
 * so the worker diff (identity first) stays as cheap as without the probe.
 */
export class ProbeOverlay {
  private cache = new Map<string, Overlaid>();

  /** Rows with the probe's values; without a probe (or for workers it does not know) the "unknown" values. */
  apply(rows: readonly WorkerRow[], probe: SchedulerProbe | undefined, opts: OverlayOptions = {}): WorkerRow[] {
    const memory = opts.memoryFromProbe && probe ? memorySplitFromProbe(probe) : [];
    const splits = new Map(memory.flatMap((m) => (m.kind === 'ok' ? [[m.split.address, m.split] as const] : [])));
    const next = new Map<string, Overlaid>();
    const out = rows.map((base) => {
      const p = probe?.workers[base.address];
      const patch: Patch = {
        // Two decimals: occupancy is an estimate; finer changes would only churn the diff.
        occupancySeconds: p ? Math.round(p.occupancy * 100) / 100 : -1,
        processing: p ? p.processing : -1,
        // The scheduler keeps the last heartbeat's keys: a worker with nothing assigned is executing nothing.
        currentWork: p && p.processing > 0 ? shortenWork(p.executing) : '',
      };
      const m = splits.get(base.address);
      if (m) {
        Object.assign(patch, { memoryBytes: m.process, managedBytes: m.managed, unmanagedOldBytes: m.unmanagedOld,
          unmanagedRecentBytes: m.unmanagedRecent, spilledBytes: m.spilled, memoryColor: m.color });
      }
      const old = this.cache.get(base.address);
      let row: WorkerRow;
      if (old && old.base === base && samePatch(old.patch, patch)) row = old.row;
      else if (baseHas(base, patch)) row = base;
      else row = { ...base, ...patch };
      next.set(base.address, { base, patch, row });
      return row;
    });
    this.cache = next;
    return out;
  }
}
