// What the per-worker and per-prefix bar lists draw, from worker rows and prefix rows, with Dask's colours and meaning.
import type { TaskPrefixes, WorkerRow } from '../shared/protocol';
import type { BarRow, BarSegment } from './barList';
import { themeColor } from '../shared/charts';
import { formatBytes } from '../shared/format';

const blue = () => themeColor('--vscode-charts-blue', '#1a85ff');
const orange = () => themeColor('--vscode-charts-orange', '#d18616');
const red = () => themeColor('--vscode-charts-red', '#e51400');
const green = () => themeColor('--vscode-charts-green', '#388a34');
const purple = () => themeColor('--vscode-charts-purple', '#652d90');
const grey = () => themeColor('--vscode-disabledForeground', '#888888');

/**
 * Dask's worker memory bars: managed (solid), unmanaged (lighter), spilled to disk (grey), in blue; orange once process
 * memory passes the target fraction (it may be spilling), red past terminate or when the worker is not running (paused,
 * closing). 0.6 and 0.95 are distributed's defaults (worker.memory.target / .terminate); a cluster may set others.
 */
export const MEMORY_SEGMENTS: BarSegment[] = [
  { label: 'managed', color: blue, rowColor: true, alpha: 1 },
  { label: 'unmanaged', color: blue, rowColor: true, alpha: 0.55 },
  { label: 'spilled to disk', color: grey, alpha: 1 },
];
export const TARGET_FRACTION = 0.6;
export const TERMINATE_FRACTION = 0.95;

export function memoryTone(r: WorkerRow): 'normal' | 'may spill' | 'critical' {
  if (r.status !== 'running') return 'critical';
  if (!r.memoryLimitBytes) return 'normal';
  if (r.memoryBytes >= r.memoryLimitBytes * TERMINATE_FRACTION) return 'critical';
  if (r.memoryBytes >= r.memoryLimitBytes * TARGET_FRACTION) return 'may spill';
  return 'normal';
}

const TONE_COLOR = { normal: blue, 'may spill': orange, critical: red } as const;

export function memoryBars(rows: readonly WorkerRow[]): BarRow[] {
  return rows.map((r) => {
    const tone = memoryTone(r);
    return {
      key: r.address, label: r.name, values: [r.managedBytes, r.unmanagedBytes, r.spilledBytes], limit: r.memoryLimitBytes || undefined,
      color: TONE_COLOR[tone](),
      note: `${formatBytes(r.memoryBytes)} / ${r.memoryLimitBytes ? formatBytes(r.memoryLimitBytes) : '–'}`,
      title: `${r.name} (${r.address}): managed ${formatBytes(r.managedBytes)}, unmanaged ${formatBytes(r.unmanagedBytes)}, ` +
        `spilled ${formatBytes(r.spilledBytes)}; limit ${formatBytes(r.memoryLimitBytes)}${tone === 'normal' ? '' : ` — ${tone}`}${r.status !== 'running' ? ` (${r.status})` : ''}`,
    };
  });
}

export const PROCESSING_SEGMENTS: BarSegment[] = [
  { label: 'running', color: purple, alpha: 1 },
  { label: 'queued on the worker', color: purple, alpha: 0.4 },
];

/** Tasks running and queued per worker, against its threads (a worker with more queued than threads is saturated). */
export function processingBars(rows: readonly WorkerRow[]): BarRow[] {
  return rows.map((r) => ({
    key: r.address, label: r.name, values: [r.executing, r.ready], limit: r.threads || undefined,
    note: `${r.executing} running · ${r.ready} queued`,
    title: `${r.name} (${r.address}): ${r.executing} running, ${r.ready} queued, ${r.inMemory} results held, ${r.threads} thread${r.threads === 1 ? '' : 's'}; ` +
      `transfers in ${formatBytes(r.transferInBytes)}, out ${formatBytes(r.transferOutBytes)}`,
  }));
}

/** Dask's progress bars: done (in memory) solid, processing lighter, waiting as an outline, erred in red. */
export const PROGRESS_SEGMENTS: BarSegment[] = [
  { label: 'in memory (done)', color: green, alpha: 1 },
  { label: 'processing', color: green, alpha: 0.45 },
  { label: 'waiting', color: grey, outline: true },
  { label: 'erred', color: red, alpha: 1 },
];

export function progressBars(prefixes: TaskPrefixes): BarRow[] {
  return prefixes.rows.map((p) => {
    const total = p.memory + p.processing + p.waiting + p.erred;
    return {
      key: p.prefix, label: p.prefix, values: [p.memory, p.processing, p.waiting, p.erred],
      note: `${p.memory} / ${total}${p.erred ? ` · ${p.erred} erred` : ''}`,
      title: `${p.prefix}: ${p.memory} done, ${p.processing} processing, ${p.waiting} waiting, ${p.erred} erred of ${total}`,
    };
  });
}

