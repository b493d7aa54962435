// Progress per task prefix (what Dask's "Progress" plot shows) for the dashboard, from the scheduler's /metrics.
import type { PromSample } from './prometheusText';

export interface TaskPrefixRow {
  prefix: string;
  waiting: number;
  processing: number;
  memory: number;
  erred: number;
}

/** `missing` says why there are no rows (no /metrics, or a /metrics without per-prefix totals). */
export interface TaskPrefixes {
  rows: TaskPrefixRow[];
  missing?: string;
}

export const PREFIX_STATES = ['memory', 'processing', 'waiting', 'erred'] as const;

const PREFIX_TOTALS = 'dask_scheduler_prefix_state_totals_total';

/** Rows sorted by prefix name. */
export function prefixRows(metrics: PromSample[] | undefined): TaskPrefixes {
  if (!metrics) return { rows: [], missing: 'The scheduler does not serve /metrics (prometheus_client is not installed there).' };
  const totals = new Map<string, Record<string, number>>();
  let seen = false;
  for (const s of metrics) {
    if (s.name !== PREFIX_TOTALS) continue;
    seen = true;
    const prefix = s.labels.task_prefix_name;
    const state = s.labels.state;
    if (prefix === undefined || state === undefined) continue;
    const t = totals.get(prefix) ?? {};
    t[state] = (t[state] ?? 0) + s.value;
    totals.set(prefix, t);
  }
  if (!seen) return { rows: [], missing: `This scheduler's /metrics has no per-prefix task totals (${PREFIX_TOTALS}).` };
  const rows: TaskPrefixRow[] = [];
  for (const [prefix, t] of totals) {
    // Totals count entries into each state: every task enters "waiting" once; memory/erred are where it ends.
    const total = Math.max(t.waiting ?? 0, (t.memory ?? 0) + (t.erred ?? 0));
    const memory = t.memory ?? 0;
    const erred = t.erred ?? 0;
    const processing = Math.max(0, Math.min(total - memory - erred, (t.processing ?? 0) - memory - erred));
    rows.push({ prefix, memory, erred, processing, waiting: Math.max(0, total - memory - erred - processing) });
  }
  return { rows: rows.sort((a, b) => a.prefix.localeCompare(b.prefix)) };
}
