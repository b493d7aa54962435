// Puts the kernel probe's answer (occupancy, processing, executing keys) into the worker rows built from identity.json:
// the probe runs every few seconds, the HTTP sample more often, so the last answer is laid over each new sample.
import type { WorkerRow } from '../scheduler/workerFields';
import type { SchedulerProbe } from './schedulerProbe';
import { keySplit } from './taskStream';

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

interface Overlaid {
  base: WorkerRow;
  occupancySeconds: number;
  processing: number;
  currentWork: string;
  row: WorkerRow;
}

/**
 * Lays probe answers over rows. A row whose base and probe values did not change comes back as the very same object,
 * so the worker diff (identity first) stays as cheap as without the probe.
 */
export class ProbeOverlay {
  private cache = new Map<string, Overlaid>();

  /** Rows with the probe's values; without a probe (or for workers it does not know) the "unknown" values. */
  apply(rows: readonly WorkerRow[], probe: SchedulerProbe | undefined): WorkerRow[] {
    const next = new Map<string, Overlaid>();
    const out = rows.map((base) => {
      const p = probe?.workers[base.address];
      // Two decimals: occupancy is an estimate; finer changes would only churn the diff.
      const occupancySeconds = p ? Math.round(p.occupancy * 100) / 100 : -1;
      const processing = p ? p.processing : -1;
      // The scheduler keeps the last heartbeat's keys: a worker with nothing assigned is executing nothing.
      const currentWork = p && p.processing > 0 ? shortenWork(p.executing) : '';
      const old = this.cache.get(base.address);
      let row: WorkerRow;
      if (old && old.base === base && old.occupancySeconds === occupancySeconds && old.processing === processing && old.currentWork === currentWork) row = old.row;
      else if (base.occupancySeconds === occupancySeconds && base.processing === processing && base.currentWork === currentWork) row = base;
      else row = { ...base, occupancySeconds, processing, currentWork };
      next.set(base.address, { base, occupancySeconds, processing, currentWork, row });
      return row;
    });
    this.cache = next;
    return out;
  }
}
