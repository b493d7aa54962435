// THE message protocol between the extension host and the dashboard/cost webviews, declared once and
// imported by both sides. Every message is validated on receipt; the webview posts `ready` first.
import type { PrefixProgress, PrefixRows, PrefixTiming, TaskCounts } from '../dashboard/sampleModel';
import type { TaskBar, TaskStreamState } from '../dashboard/taskStreamModel';
import type { KernelProbeStatus, SamplerState } from '../dashboard/feedStatus';
import { SERIES_KEYS, type SeriesSnapshot } from '../dashboard/sampleSeries';
import type { SampleSummary } from '../dashboard/sampleSummary';
import type { WorkerRow } from '../dashboard/workerFields';
import type { WorkerColumns } from '../dashboard/workerColumns';
import { isWorkerSlotsUpdate, type WorkerSlotsUpdate } from '../dashboard/workerSlots';
import type { CostSnapshot } from '../cost/costSnapshot';
import type { ResultMessage } from './requests';
import { arrayOf, Check, isBool, isFiniteNum, isObj, isStr, isWholeNum, nullable, oneOf, optional, recordOf, shape } from '../validate';

export type ViewKind = 'dashboard' | 'cost';

// ---- payloads -------------------------------------------------------------------------------

export interface ClusterInfo {
  id: string;
  name: string;
  dashboardUrl: string;
  canScale: boolean;
  canAdapt: boolean;
}


/**
 * The workers table's changes, against the rows the webview holds (workerSlots.ts): each worker at its slot, the
 * numbers as typed arrays (no number text to write on the host or to parse in the page), text only where it changed.
 */
export type WorkersUpdate = WorkerSlotsUpdate;

/** The cluster's adaptive bounds as its provider knows them (a null bound: adaptive, but that bound is unknown). */
export interface AdaptiveBounds {
  minimum: number | null;
  maximum: number | null;
}

export type { WorkerRow, WorkerColumns, TaskCounts, SeriesSnapshot, SampleSummary, SamplerState, CostSnapshot, PrefixRows, PrefixProgress, PrefixTiming, TaskBar, TaskStreamState, KernelProbeStatus };

// ---- host → webview ---------------------------------------------------------------------------

export type HostMessage =
  | { type: 'dashboard/init'; cluster: ClusterInfo; series: SeriesSnapshot }
  | { type: 'dashboard/sample'; summary: SampleSummary; workers: WorkersUpdate }
  /** `confirmed`: the cluster's provider says it ended (the message says how), not just a scheduler that went quiet. */
  | { type: 'dashboard/state'; state: SamplerState; message?: string; confirmed?: boolean }
  /** The scheduler stopped answering at `time` (epoch ms): the charts break their lines there. */
  | { type: 'dashboard/gap'; time: number }
  /** null: the cluster has a fixed size. */
  | { type: 'dashboard/adaptive'; adaptive: AdaptiveBounds | null }
  /** `fullDashboard`: whether the scheduler serves bokeh pages worth opening in a browser. */
  | { type: 'dashboard/plots'; plots: Record<string, string>; reason?: string; fullDashboard: boolean }
  /** Something the provider said while a scale/adapt request still runs (e.g. a gateway's limit). */
  | { type: 'dashboard/notice'; requestId: number; message: string }
  /** The live task stream's state and the bars that arrived since the last message (`since`: epoch ms it opened). */
  | { type: 'dashboard/taskStream'; state: TaskStreamState; message?: string; since?: number; bars: TaskBar[] }
  /** Where occupancy and current work come from now (the notebook kernel's probe), and its values in the worker rows. */
  | { type: 'dashboard/probe'; status: KernelProbeStatus; workers: WorkersUpdate }
  | { type: 'cost/snapshot'; snapshot: CostSnapshot }
  | ResultMessage;

// ---- webview → host ---------------------------------------------------------------------------

export type WebviewMessage =
  | { type: 'ready'; view: ViewKind }
  | { type: 'dashboard/scale'; requestId: number; workers: number }
  | { type: 'dashboard/adapt'; requestId: number; minimum: number; maximum: number }
  | { type: 'dashboard/openBrowser' }
  /** Switches the live task stream (the scheduler's /eventstream) on or off. */
  | { type: 'dashboard/setTaskStream'; on: boolean }
  | { type: 'cost/setBudget'; requestId: number; limitUsd: number; period: 'day' | 'month' }
  | { type: 'cost/openSettings' };

// ---- guards -----------------------------------------------------------------------------------

// Worker rows and series are checked field by field from their declarations (workerColumns.ts, sampleSeries.ts).
const isTaskCounts = recordOf(isFiniteNum);
const isSeriesValues = arrayOf(nullable(isFiniteNum));
const isSeries = shape({ time: arrayOf(isFiniteNum), values: shape(Object.fromEntries(SERIES_KEYS.map((k) => [k, isSeriesValues]))) });
const prefixRows = (row: Check): Check => shape({ rows: arrayOf(row), missing: optional(isStr), note: optional(isStr) });
const barChecks: Record<keyof TaskBar, Check> = {
  key: isStr, prefix: isStr, worker: isStr, action: isStr, start: isFiniteNum, stop: isFiniteNum, source: optional(isStr),
  nbytes: optional(isFiniteNum), thread: optional(isFiniteNum), status: isStr, color: optional(isStr),
};
const progressChecks: Record<keyof PrefixProgress, Check> = {
  prefix: isStr, total: isFiniteNum, waiting: isFiniteNum, processing: isFiniteNum, memory: isFiniteNum, released: isFiniteNum, erred: isFiniteNum,
};
const timingChecks: Record<keyof PrefixTiming, Check> = {
  prefix: isStr, computeSeconds: isFiniteNum, transferSeconds: optional(isFiniteNum), outputBytes: optional(isFiniteNum), diskSeconds: optional(isFiniteNum),
};
const isBound = nullable(isWholeNum);
const isClusterInfo = shape({ id: isStr, name: isStr, dashboardUrl: isStr, canScale: isBool, canAdapt: isBool });
// A Record over every summary field: a field added to SUMMARY_FIELDS fails to compile until it is checked here.
const summaryChecks: Record<keyof SampleSummary, Check> = {
  time: isFiniteNum, workers: isWholeNum, threads: isFiniteNum, memoryUsedBytes: isFiniteNum, memoryLimitBytes: isFiniteNum,
  managedBytes: isFiniteNum, spilledBytes: isFiniteNum, transferBytes: isFiniteNum, executing: isFiniteNum,
  tasks: isTaskCounts, clients: isFiniteNum, metricsAvailable: isBool, prefixes: prefixRows(shape(progressChecks)), prefixTimes: prefixRows(shape(timingChecks)),
};
const isSummary = shape(summaryChecks);
const isWorkersUpdate = isWorkerSlotsUpdate;
const isRate = shape({
  usdPerHour: isFiniteNum, asOf: isStr, source: isStr, warnings: arrayOf(isStr), unpriced: optional(isBool),
  lines: arrayOf(shape({ what: isStr, count: isFiniteNum, unitUsdPerHour: isFiniteNum, basis: oneOf('instance', 'cores-memory', 'free', 'profile') })),
});
const isCostSnapshot = shape({
  time: isFiniteNum, totalUsdPerHour: isFiniteNum, todayUsd: isFiniteNum, sessionUsd: isFiniteNum, monthUsd: isFiniteNum, asOf: isStr,
  resources: arrayOf(shape({
    id: isStr, kind: oneOf('server', 'cluster'), label: isStr, usdPerHour: isFiniteNum, todayUsd: isFiniteNum,
    sessionUsd: isFiniteNum, rate: isRate, status: oneOf('live', 'unreachable'), idleForMs: optional(isFiniteNum), unpriced: optional(isBool),
  })),
  budget: optional(shape({ limitUsd: isFiniteNum, spentUsd: isFiniteNum, fraction: isFiniteNum, period: oneOf('day', 'month'), periodKey: isStr })),
  history: shape({
    time: arrayOf(isFiniteNum), totalUsdPerHour: arrayOf(isFiniteNum), sessionUsd: arrayOf(isFiniteNum),
    perResource: recordOf(shape({ label: isStr, usdPerHour: arrayOf(isFiniteNum) })),
  }),
});

const hostChecks: Record<HostMessage['type'], Check> = {
  'dashboard/init': shape({ cluster: isClusterInfo, series: isSeries }),
  'dashboard/sample': shape({ summary: isSummary, workers: isWorkersUpdate }),
  'dashboard/state': shape({ state: oneOf('connecting', 'live', 'unreachable', 'stopped'), message: optional(isStr), confirmed: optional(isBool) }),
  'dashboard/gap': shape({ time: isFiniteNum }),
  'dashboard/adaptive': shape({ adaptive: nullable(shape({ minimum: isBound, maximum: isBound })) }),
  'dashboard/plots': shape({ plots: recordOf(isStr), reason: optional(isStr), fullDashboard: isBool }),
  'dashboard/notice': shape({ requestId: isWholeNum, message: isStr }),
  'dashboard/taskStream': shape({ state: oneOf('off', 'connecting', 'live', 'failed'), message: optional(isStr), since: optional(isFiniteNum), bars: arrayOf(shape(barChecks)) }),
  'dashboard/probe': shape({
    status: shape({ state: oneOf('off', 'looking', 'no-kernel', 'busy', 'live', 'failed'), message: isStr, notebook: optional(isStr), time: optional(isFiniteNum), memoryFromProbe: optional(isBool), viaSibling: optional(isBool) }),
    workers: isWorkersUpdate,
  }),
  'cost/snapshot': shape({ snapshot: isCostSnapshot }),
  result: shape({ requestId: isWholeNum, ok: isBool, message: isStr }),
};

const isPositiveWorkers = (v: unknown) => isWholeNum(v) && (v as number) <= 100_000;
const webviewChecks: Record<WebviewMessage['type'], Check> = {
  ready: shape({ view: oneOf('dashboard', 'cost') }),
  'dashboard/scale': shape({ requestId: isWholeNum, workers: isPositiveWorkers }),
  'dashboard/adapt': (v) => shape({ requestId: isWholeNum, minimum: isPositiveWorkers, maximum: isPositiveWorkers })(v) &&
    ((v as { minimum: number }).minimum <= (v as { maximum: number }).maximum),
  'dashboard/openBrowser': isObj,
  'dashboard/setTaskStream': shape({ on: isBool }),
  'cost/setBudget': shape({ requestId: isWholeNum, limitUsd: (v) => isFiniteNum(v) && (v as number) >= 0, period: oneOf('day', 'month') }),
  'cost/openSettings': isObj,
};

function check<T extends { type: string }>(table: Record<string, Check>, v: unknown): v is T {
  if (!isObj(v) || typeof v.type !== 'string' || !Object.hasOwn(table, v.type)) return false;
  return table[v.type]!(v);
}

/** True only for a well-formed host → webview message. */
export function isHostMessage(v: unknown): v is HostMessage {
  return check<HostMessage>(hostChecks, v);
}

/** True only for a well-formed webview → host message. */
export function isWebviewMessage(v: unknown): v is WebviewMessage {
  return check<WebviewMessage>(webviewChecks, v);
}

