// Progress per task prefix ("Progress by task group" of Dask's dashboard) from the scheduler's /metrics.
//
// Dask serves no current per-prefix state counts over HTTP. `dask_scheduler_prefix_state_totals` (2022.12 and still in
// 2026) counts how many times tasks of a prefix ENTERED each state since the scheduler started. Bars are derived from
// those counters; exact on the usual path (waiting → [queued →] processing → memory → released/forgotten), approximate
// when workers die (tasks re-run) or computations are cancelled. See docs/dask-dashboard-sources.md.
import { findFamily, isSchedulerPage, MetricsPage } from './metricsPage';
import { malformed, notServed, ok, SourceResult } from '../../dask/scheduler/sourceResult';
import type { PrefixProgress } from '../../shared/dashboard/sampleModel';


/** Cumulative entries into each scheduler task state for one prefix (e.g. {waiting: 24, processing: 24, memory: 20}). */
export interface PrefixStateTotals {
  prefix: string;
  entered: Record<string, number>;
}


const FAMILY = ['dask_scheduler_prefix_state_totals_total', 'dask_scheduler_prefix_state_totals'];

/** The counters per prefix; "not served" when /metrics is missing or too old, "malformed" when it is not a scheduler's. */
export function readPrefixStateTotals(page: MetricsPage | undefined): SourceResult<PrefixStateTotals[]> {
  if (!page) return notServed('The scheduler does not serve /metrics (prometheus_client is not installed there), so progress per task group is unavailable.');
  if (!isSchedulerPage(page)) return malformed('The /metrics page has no dask_scheduler_* metrics: it is not a Dask scheduler\'s.');
  const family = findFamily(page, FAMILY);
  if (!family) return notServed('This Dask version does not export per-prefix task counts (dask_scheduler_prefix_state_totals).');
  const byPrefix = new Map<string, Record<string, number>>();
  for (const s of family.samples) {
    const prefix = s.labels.task_prefix_name;
    const state = s.labels.state;
    if (prefix === undefined || state === undefined || !Number.isFinite(s.value)) continue;
    const entered = byPrefix.get(prefix) ?? {};
    entered[state] = (entered[state] ?? 0) + s.value;
    byPrefix.set(prefix, entered);
  }
  return ok([...byPrefix].map(([prefix, entered]) => ({ prefix, entered })));
}

/** Bars from the counters (see the file header for what is exact and what is estimated). */
export function progressOf(t: PrefixStateTotals): PrefixProgress {
  const e = (state: string) => Math.max(0, t.entered[state] ?? 0);
  const total = e('waiting');
  const erred = Math.min(e('erred'), total);
  const completed = Math.min(e('memory'), total - erred);
  // Results leave memory through `released` or straight to `forgotten`; erred tasks pass `released` too.
  const released = Math.min(completed, Math.max(e('released'), e('forgotten')));
  // Cancelled tasks end up forgotten without finishing.
  const settled = Math.min(total, Math.max(completed + erred, e('forgotten')));
  const outstanding = total - settled;
  const processing = Math.min(outstanding, Math.max(0, e('processing') - e('memory') - e('erred')));
  return { prefix: t.prefix, total, waiting: outstanding - processing, processing, memory: completed - released, released, erred };
}

/** Bars for every prefix, in the scheduler's order. */
export function taskPrefixProgress(page: MetricsPage | undefined): SourceResult<PrefixProgress[]> {
  const totals = readPrefixStateTotals(page);
  return totals.kind === 'ok' ? ok(totals.value.map(progressOf)) : totals;
}

/** Whether nothing of this prefix is waiting or running. */
export function isSettled(p: PrefixProgress): boolean {
  return p.waiting === 0 && p.processing === 0;
}

/**
 * The counters never reset, so a second computation of the same prefix would add to the first one's bar. This keeps,
 * per prefix, the counters of the last moment it was settled before its current run, and reports the run alone.
 */
export class PrefixRunTracker {
  private readonly lastSettled = new Map<string, Record<string, number>>();
  private readonly runBase = new Map<string, Record<string, number>>();

  /** Bars of each prefix's current (or last finished) run. */
  update(totals: PrefixStateTotals[]): PrefixProgress[] {
    return totals.map((t) => {
      const settledBefore = this.lastSettled.get(t.prefix);
      // New submissions since the prefix was last settled: a new run starts from that moment's counters.
      if (settledBefore && (t.entered.waiting ?? 0) > (settledBefore.waiting ?? 0)) this.runBase.set(t.prefix, settledBefore);
      const base = this.runBase.get(t.prefix) ?? {};
      const entered: Record<string, number> = {};
      for (const [state, n] of Object.entries(t.entered)) entered[state] = n - (base[state] ?? 0);
      const progress = progressOf({ prefix: t.prefix, entered });
      if (isSettled(progressOf(t))) this.lastSettled.set(t.prefix, { ...t.entered });
      return progress;
    });
  }
}
