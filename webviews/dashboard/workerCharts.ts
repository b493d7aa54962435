// What the per-worker and per-prefix bar lists draw, from worker rows and prefix rows, with Dask's colours and meaning.
import type { PrefixProgress, PrefixTiming, WorkerRow } from '../../src/shared/protocol/panels';
import { DASK_MEMORY_BAR_STYLE } from '../../src/shared/dashboard/workerFields';
import type { BarSegment, BarSource } from './barList';
import { themeColor } from '../shared/charts';
import { formatBytes } from '../shared/format';

const blue = () => themeColor('--vscode-charts-blue', '#1a85ff');
const orange = () => themeColor('--vscode-charts-orange', '#d18616');
const red = () => themeColor('--vscode-charts-red', '#e51400');
const green = () => themeColor('--vscode-charts-green', '#388a34');
const purple = () => themeColor('--vscode-charts-purple', '#652d90');
const grey = () => themeColor('--vscode-disabledForeground', '#888888');

/**
 * Dask's "Bytes stored per worker": managed, unmanaged old, unmanaged recent in the worker's colour at Dask's opacities,
 * spilled in grey; the colour is Dask's MemoryColor (blue; orange past the target, may spill; red near the limit or when
 * the worker is not running), decided on the host (workerMemorySplit.ts). Dask's named colours map to the theme's.
 */
export const MEMORY_SEGMENTS: BarSegment[] = [
  { label: 'managed', color: blue, rowColor: true, alpha: DASK_MEMORY_BAR_STYLE.managed.alpha },
  { label: 'unmanaged (old)', color: blue, rowColor: true, alpha: DASK_MEMORY_BAR_STYLE.unmanagedOld.alpha },
  { label: 'unmanaged (recent)', color: blue, rowColor: true, alpha: DASK_MEMORY_BAR_STYLE.unmanagedRecent.alpha },
  { label: 'spilled to disk', color: grey, alpha: DASK_MEMORY_BAR_STYLE.spilled.alpha },
];

const DASK_COLOR: Record<string, () => string> = { blue, orange, red };
const TONE: Record<string, string> = { blue: '', orange: ' — past the target: may spill', red: ' — near the limit or not running' };

export const memoryBars: BarSource<WorkerRow> = {
  key: (r) => r.address,
  label: (r) => r.name,
  values: (r) => [r.managedBytes, r.unmanagedOldBytes, r.unmanagedRecentBytes, r.spilledBytes],
  total: (r) => r.managedBytes + r.unmanagedOldBytes + r.unmanagedRecentBytes + r.spilledBytes,
  limit: (r) => r.memoryLimitBytes || undefined,
  color: (r) => (DASK_COLOR[r.memoryColor] ?? blue)(),
  note: (r) => `${formatBytes(r.memoryBytes)} / ${r.memoryLimitBytes ? formatBytes(r.memoryLimitBytes) : '–'}`,
  title: (r) => `${r.name} (${r.address}): managed ${formatBytes(r.managedBytes)}, unmanaged ${formatBytes(r.unmanagedOldBytes + r.unmanagedRecentBytes)} ` +
    `(recent ${formatBytes(r.unmanagedRecentBytes)}), spilled ${formatBytes(r.spilledBytes)}; limit ${formatBytes(r.memoryLimitBytes)}` +
    `${TONE[r.memoryColor] ?? ''}${r.status !== 'running' ? ` (${r.status})` : ''}`,
};

export const PROCESSING_SEGMENTS: BarSegment[] = [
  { label: 'running', color: purple, alpha: 1 },
  { label: 'queued on the worker', color: purple, alpha: 0.4 },
];

/** Tasks running and queued per worker, against its threads (a worker with more queued than threads is saturated). */
export const processingBars: BarSource<WorkerRow> = {
  key: (r) => r.address,
  label: (r) => r.name,
  values: (r) => [r.executing, r.ready],
  total: (r) => r.executing + r.ready,
  limit: (r) => r.threads || undefined,
  note: (r) => `${r.executing} running, ${r.ready} queued`,
  title: (r) => `${r.name} (${r.address}): ${r.executing} running, ${r.ready} queued, ${r.waitingForData} waiting for data, ${r.inMemory} results held, ` +
    `${r.threads} thread${r.threads === 1 ? '' : 's'}; transfers in ${formatBytes(r.transferInBytes)}, out ${formatBytes(r.transferOutBytes)}`,
};

/** Dask's progress bars: done (released, then still in memory) solid, processing lighter, waiting as an outline, erred red. */
export const PROGRESS_SEGMENTS: BarSegment[] = [
  { label: 'done, released', color: green, alpha: 0.7 },
  { label: 'done, in memory', color: green, alpha: 1 },
  { label: 'processing', color: green, alpha: 0.35 },
  { label: 'waiting', color: grey, outline: true },
  { label: 'erred', color: red, alpha: 1 },
];

export const progressBars: BarSource<PrefixProgress> = {
  key: (p) => p.prefix,
  label: (p) => p.prefix,
  values: (p) => [p.released, p.memory, p.processing, p.waiting, p.erred],
  total: (p) => p.released + p.memory + p.processing + p.waiting + p.erred,
  note: (p) => `${p.memory + p.released} / ${p.total}${p.erred ? ` · ${p.erred} erred` : ''}`,
  title: (p) => `${p.prefix}: ${p.memory + p.released} of ${p.total} done (${p.memory} held in memory), ${p.processing} processing, ${p.waiting} waiting, ${p.erred} erred`,
};

export const TIME_SEGMENTS: BarSegment[] = [
  { label: 'compute', color: blue, alpha: 1 },
  { label: 'transfer', color: red, alpha: 0.6 },
  { label: 'disk', color: orange, alpha: 0.6 },
];

const timeTotal = (t: PrefixTiming) => t.computeSeconds + (t.transferSeconds ?? 0) + (t.diskSeconds ?? 0);

/** Seconds per prefix (the caller sorts, most expensive first). */
export const timeBars: BarSource<PrefixTiming> = {
  key: (t) => t.prefix,
  label: (t) => t.prefix,
  values: (t) => [t.computeSeconds, t.transferSeconds ?? 0, t.diskSeconds ?? 0],
  total: timeTotal,
  note: (t) => formatSeconds(timeTotal(t)),
  title: (t) => {
    const parts = [`compute ${formatSeconds(t.computeSeconds)}`];
    if (t.transferSeconds) parts.push(`transfer ${formatSeconds(t.transferSeconds)}`);
    if (t.diskSeconds) parts.push(`disk ${formatSeconds(t.diskSeconds)}`);
    if (t.outputBytes !== undefined) parts.push(`holding ${formatBytes(t.outputBytes)}`);
    return `${t.prefix}: ${parts.join(', ')}`;
  },
};

export function byTimeDescending(rows: readonly PrefixTiming[]): PrefixTiming[] {
  return [...rows].sort((a, b) => timeTotal(b) - timeTotal(a));
}

export function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${(s / 60).toFixed(1)} min`;
}

export const OCCUPANCY_SEGMENTS: BarSegment[] = [{ label: 'occupancy (expected seconds of assigned work)', color: purple, alpha: 0.8 }];

/**
 * Dask's "Occupancy" per worker (the scheduler's estimate of the seconds of work assigned to it) with what it executes
 * now, shortened by key prefix; from the notebook kernel's probe (no scheduler HTTP route serves either).
 */
export const occupancyBars: BarSource<WorkerRow> = {
  key: (r) => r.address,
  label: (r) => r.name,
  values: (r) => [Math.max(0, r.occupancySeconds)],
  total: (r) => Math.max(0, r.occupancySeconds),
  note: (r) => (r.occupancySeconds < 0 ? 'unknown' : `${formatSeconds(r.occupancySeconds)} · ${r.currentWork || 'idle'}`),
  title: (r) => (r.occupancySeconds < 0 ? `${r.name} (${r.address}): not known to the probe` :
    `${r.name} (${r.address}): occupancy ${formatSeconds(r.occupancySeconds)}, ${r.processing} task${r.processing === 1 ? '' : 's'} assigned; ` +
    `executing: ${r.currentWork || 'nothing'}`),
};
