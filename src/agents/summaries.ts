// The agent tools' answers as compact plain text for a language model: what the user has, a cluster as its dashboard
// shows it, a run's output. Every text a hub, scheduler or kernel sent passes plainLabel (one line, hidden characters
// as ⟨U+…⟩ markers, cut), so a hostile name cannot add lines or pose as our own words.
import { describeAdaptive, describeStatus, formatBytes } from '../dask/clusterProvider';
import type { ClusterSample, PrefixProgress } from '../shared/dashboard/sampleModel';
import type { WorkerRow } from '../shared/dashboard/workerFields';
import { plainLabel, plainText } from '../shared/text/untrustedText';
import type { CostView, KernelRunText } from './agentCompute';

/** Server text on one line: markers for hidden characters, line breaks as spaces, at most `max` characters. */
export const shown = (text: string, max = 200): string => plainLabel(text, max);

export interface InventoryKernel { id: string; name: string; state?: string; notebook?: string }
export interface InventoryServer {
  id: string;
  name: string;
  state: string;
  profile?: string;
  kernels: InventoryKernel[];
  kernelsError?: string;
}
export interface InventoryHub { id: string; label: string; user?: string; servers: InventoryServer[]; error?: string }
export interface InventoryCluster {
  id: string;
  name: string;
  status: string;
  workers: number;
  threads: number;
  memory: number;
  adaptive?: string;
}
export interface InventoryProvider { label: string; clusters: InventoryCluster[]; error?: string }
export interface InventoryNotebook { id: string; label: string; idle: boolean }

export interface Inventory {
  hubs: InventoryHub[];
  notebooks: InventoryNotebook[];
  providers: InventoryProvider[];
  cost?: CostView;
  costError?: string;
}

/** Dollars as a person reads them: $0.096, $12.25, $340. */
export const usd = (n: number): string => `$${n < 100 ? n.toFixed(n < 1 ? 3 : 2) : n.toFixed(0)}`;

function rateOf(cost: CostView | undefined, id: string): string {
  const r = cost?.resources[id];
  if (!r) return '';
  return r.unpriced ? ', cost unknown' : `, ~${usd(r.usdPerHour)}/h`;
}

/** "List what I have": hubs → servers → kernels, notebooks, clusters, cost. */
export function inventoryText(inv: Inventory): string {
  const lines: string[] = [];
  lines.push(inv.hubs.length ? 'Hubs:' : 'Hubs: none added (add one in the Pangeo Compute view, or give pangeo-compute mcp --url).');
  for (const hub of inv.hubs) {
    const who = hub.user ? `signed in as ${shown(hub.user)}` : 'not signed in';
    lines.push(`- ${shown(hub.label)} (${who})`);
    if (hub.error) lines.push(`  could not read its servers: ${shown(hub.error, 500)}`);
    for (const s of hub.servers) {
      const profile = s.profile ? `, profile ${shown(s.profile)}` : '';
      lines.push(`  - server ${shown(s.name || '(default)')}: ${s.state}${profile}${rateOf(inv.cost, s.id)} [id ${s.id}]`);
      if (s.kernelsError) lines.push(`    kernels: could not list them: ${shown(s.kernelsError, 500)}`);
      for (const k of s.kernels) {
        const nb = k.notebook ? `, notebook ${shown(k.notebook)}` : '';
        lines.push(`    - kernel ${shown(k.name)}: ${shown(k.state ?? 'unknown')}${nb} [id ${k.id}]`);
      }
    }
  }
  if (inv.notebooks.length) {
    lines.push('Open notebooks with a Pangeo kernel:');
    for (const n of inv.notebooks) lines.push(`- ${shown(n.label)}: ${n.idle ? 'idle' : 'busy'} [id ${n.id}]`);
  }
  const clusters = inv.providers.flatMap((p) => p.clusters);
  lines.push(clusters.length || inv.providers.some((p) => p.error) ? 'Dask clusters:' : 'Dask clusters: none.');
  for (const p of inv.providers) {
    if (p.error) lines.push(`- ${shown(p.label)}: could not list its clusters: ${shown(p.error, 500)}`);
    for (const c of p.clusters) {
      const adaptive = c.adaptive ? `, ${c.adaptive}` : '';
      lines.push(`- ${shown(c.name)} (${shown(p.label)}): ${c.status}, ${c.workers} worker${c.workers === 1 ? '' : 's'}, ${c.threads} threads, ` +
        `${formatBytes(c.memory)} memory${adaptive}${rateOf(inv.cost, c.id)} [id ${c.id}]`);
    }
  }
  lines.push(costLine(inv.cost, inv.costError));
  return lines.join('\n');
}

function costLine(cost: CostView | undefined, error: string | undefined): string {
  if (!cost) return `Cost: ${error ? `not known (${shown(error, 300)})` : 'not known here'}.`;
  const today = cost.todayUsd === undefined ? '; spent today: not known here' : `, ${usd(cost.todayUsd)} today`;
  const budget = cost.budget === undefined ? '; budget left: not known here'
    : cost.budget === 'none' ? '; no budget set'
      : `; budget ${usd(cost.budget.limitUsd)} a ${cost.budget.period}, ${usd(Math.max(0, cost.budget.limitUsd - cost.budget.spentUsd))} left`;
  const why = cost.untracked ? ` ${cost.untracked}` : '';
  return `Cost: ~${usd(cost.totalUsdPerHour)}/h now${today}${budget} (${cost.note}).${why}`;
}

const GIB = 1024 ** 3;
const gib = (n: number): string => (n / GIB).toFixed(2);
const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 100) : 0);

/** Dask's defaults: a worker spills at 60–70 % of its limit and pauses at 80 %. */
const NEAR_LIMIT = 0.8;
const MAY_SPILL = 0.6;
/** A worker not heard from for this long is probably gone or stuck. */
const SILENT_MS = 30_000;
const MAX_PREFIXES = 12;
const MAX_WORKERS = 20;

export interface ClusterHeading { name: string; provider: string; status: string; adaptive?: string }

/** A cluster as its dashboard shows it: totals, tasks, progress by prefix, memory per worker, and what needs attention. */
export function clusterStateText(c: ClusterHeading, s: ClusterSample): string {
  const lines: string[] = [];
  const adaptive = c.adaptive ? `, ${c.adaptive}` : '';
  lines.push(`Cluster ${shown(c.name)} (${shown(c.provider)}): ${c.status}${adaptive}; ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.threads} threads, ` +
    `${s.clients} client${s.clients === 1 ? '' : 's'}.`);
  lines.push(`Memory: ${gib(s.memoryUsedBytes)} of ${gib(s.memoryLimitBytes)} GiB used (${pct(s.memoryUsedBytes, s.memoryLimitBytes)} %), ` +
    `${gib(s.managedBytes)} GiB of it Dask data; ${formatBytes(s.spilledBytes)} spilled to disk.`);
  const tasks = Object.entries(s.tasks).filter(([, n]) => n > 0).map(([state, n]) => `${shown(state, 40)} ${n}`);
  lines.push(`Tasks: ${tasks.join(', ') || 'none'}.`);

  lines.push(...prefixLines(s));
  lines.push(...workerLines(s.workerRows));
  const attention = attentionLines(s);
  lines.push(attention.length ? 'Needs attention:' : 'Nothing looks slow, spilling or near its memory limit.');
  lines.push(...attention.map((a) => `- ${a}`));
  return lines.join('\n');
}

function prefixLines(s: ClusterSample): string[] {
  if (!s.prefixes.rows.length) {
    return [`Progress by task prefix: ${s.prefixes.missing ? `not available (${shown(s.prefixes.missing, 300)})` : 'no tasks yet'}.`];
  }
  const rows = [...s.prefixes.rows].sort((a, b) => remaining(b) - remaining(a) || b.total - a.total);
  const out = ['Progress by task prefix (done of total):'];
  for (const p of rows.slice(0, MAX_PREFIXES)) {
    const parts = [`${p.memory + p.released} of ${p.total} done`];
    if (p.processing) parts.push(`${p.processing} running`);
    if (p.waiting) parts.push(`${p.waiting} waiting`);
    if (p.erred) parts.push(`${p.erred} erred`);
    out.push(`- ${shown(p.prefix, 80)}: ${parts.join(', ')}`);
  }
  if (rows.length > MAX_PREFIXES) out.push(`- and ${rows.length - MAX_PREFIXES} more prefixes`);
  return out;
}

const remaining = (p: PrefixProgress): number => p.waiting + p.processing;

function workerLines(rows: readonly WorkerRow[]): string[] {
  if (!rows.length) return ['Workers: none.'];
  const byUse = [...rows].sort((a, b) => fraction(b) - fraction(a));
  const out = [`Memory per worker (used / limit), fullest first:`];
  for (const w of byUse.slice(0, MAX_WORKERS)) {
    const spilled = w.spilledBytes > 0 ? `, ${formatBytes(w.spilledBytes)} spilled` : '';
    out.push(`- ${shown(w.name || w.address, 80)}: ${gib(w.memoryBytes)} / ${gib(w.memoryLimitBytes)} GiB (${pct(w.memoryBytes, w.memoryLimitBytes)} %)${spilled}, ` +
      `cpu ${Math.round(w.cpuPercent)} %, ${w.executing} running, ${w.ready} ready`);
  }
  if (rows.length > MAX_WORKERS) out.push(`- and ${rows.length - MAX_WORKERS} more workers`);
  return out;
}

const fraction = (w: WorkerRow): number => (w.memoryLimitBytes > 0 ? w.memoryBytes / w.memoryLimitBytes : 0);

function attentionLines(s: ClusterSample): string[] {
  const out: string[] = [];
  for (const w of s.workerRows) {
    const name = shown(w.name || w.address, 80);
    const f = fraction(w);
    if (f >= NEAR_LIMIT) out.push(`worker ${name} uses ${pct(w.memoryBytes, w.memoryLimitBytes)} % of its memory limit (Dask pauses a worker at 80 %)`);
    else if (f >= MAY_SPILL) out.push(`worker ${name} uses ${pct(w.memoryBytes, w.memoryLimitBytes)} % of its memory limit and may spill to disk`);
    if (w.spilledBytes > 0) out.push(`worker ${name} has spilled ${formatBytes(w.spilledBytes)} to disk`);
    if (w.status && w.status !== 'running') out.push(`worker ${name} is ${shown(w.status, 40)}`);
    if (w.lastSeen && s.time - w.lastSeen > SILENT_MS) out.push(`worker ${name} last answered ${Math.round((s.time - w.lastSeen) / 1000)} s ago`);
  }
  const erred = s.tasks.erred ?? 0;
  if (erred > 0) out.push(`${erred} task${erred === 1 ? '' : 's'} erred`);
  const noWorker = s.tasks['no-worker'] ?? 0;
  if (noWorker > 0) out.push(`${noWorker} task${noWorker === 1 ? '' : 's'} have no worker that can run them`);
  const queued = (s.tasks.queued ?? 0) + (s.tasks.waiting ?? 0);
  if (s.workers > 0 && queued > 0 && s.executing === 0 && (s.tasks.processing ?? 0) === 0) out.push(`${queued} tasks wait but no worker runs anything`);
  const slow = [...s.prefixTimes.rows].sort((a, b) => b.computeSeconds - a.computeSeconds).slice(0, 3).filter((t) => t.computeSeconds > 0);
  if (slow.length) out.push(`most compute time: ${slow.map((t) => `${shown(t.prefix, 80)} ${t.computeSeconds.toFixed(1)} s`).join(', ')}`);
  const disk = s.prefixTimes.rows.filter((t) => (t.diskSeconds ?? 0) > 1);
  if (disk.length) out.push(`time spent on disk (spilling): ${disk.map((t) => `${shown(t.prefix, 80)} ${t.diskSeconds!.toFixed(1)} s`).join(', ')}`);
  return out;
}

/** The adaptive bounds of a cluster, or undefined when it has a fixed size. */
export function adaptiveText(c: { adaptive?: { minimum: number | null; maximum: number | null }; adaptiveUnknown?: string }): string | undefined {
  return describeAdaptive(c, '–') || undefined;
}

export { describeStatus };

/** The longest run output a tool returns; the rest is cut with a note (the model's context is small). */
export const RUN_TEXT_MAX = 20_000;

/** A run's result: status line, then what the code printed (kept as lines, hidden characters as markers). */
export function runResultText(where: string, r: KernelRunText): string {
  const head = r.status === 'ok' ? `Ran in ${where}: ok.`
    : r.status === 'error' ? `Ran in ${where}: the code raised ${shown(r.error?.ename ?? 'an error', 100)}: ${shown(r.error?.evalue ?? '', 500)}`
      : `Ran in ${where}: ${r.status === 'aborted' ? 'aborted by the kernel' : 'cancelled'}.`;
  const body = r.text ? plainText(r.text, RUN_TEXT_MAX) : '(no output)';
  return `${head}\nOutput:\n${body}`;
}
