// The cluster dashboard webview: cards, uPlot charts, the workers table, scale/adapt controls and bokeh plot tabs.
import uplotCss from 'uplot/dist/uPlot.min.css';
import themeCss from '../shared/theme.css';
import { Chart } from '../shared/charts';
import { formatBytes, formatPercent } from '../shared/format';
import { connect, injectStyles } from '../shared/hostBridge';
import { isHostMessage, type ClusterInfo, type HostMessage, type KernelProbeStatus, type SamplerState, type SampleSummary, type WebviewMessage, type WorkersUpdate } from '../../src/shared/protocol/panels';
import type { RequestOutcome } from '../../src/shared/protocol/requests';
import { CHARTED_TASK_STATES as TASK_STATES, SampleSeries } from '../../src/shared/dashboard/sampleSeries';
import { WorkersTable } from './workersTable';
import { WorkerSlotsReceiver } from '../../src/shared/dashboard/workerSlots';
import { cpuBars } from './cpuBars';
import { BarList } from './barList';
import { decodeResourceId } from '../../src/shared/resourceIds';
import { TaskStreamChart } from './taskStreamChart';
import { formatSeconds, MEMORY_SEGMENTS, memoryBars, OCCUPANCY_SEGMENTS, occupancyBars, PROCESSING_SEGMENTS, processingBars, PROGRESS_SEGMENTS, progressBars, TIME_SEGMENTS, timeBars, byTimeDescending } from './workerCharts';
import { el, card as addCard, setText, setTitle } from '../shared/dom';

injectStyles(uplotCss, themeCss);


const app = document.getElementById('app') ?? document.body;
const header = app.appendChild(el('header'));
const title = header.appendChild(el('h1', { 'data-testid': 'cluster-name' }, 'Dask cluster'));
const badge = header.appendChild(el('span', { class: 'badge', 'data-testid': 'state' }, 'connecting'));
// Hidden until the scheduler is known to serve bokeh pages: without bokeh its /status page only says bokeh is missing.
const openButton = header.appendChild(el('button', { class: 'secondary hidden', 'data-testid': 'open-browser' }, 'Open full dashboard in browser'));
const banner = app.appendChild(el('div', { class: 'banner hidden', 'data-testid': 'banner', role: 'status' }));

const controls = app.appendChild(el('div', { class: 'controls' }));
const scaleBox = controls.appendChild(el('fieldset'));
scaleBox.appendChild(el('legend', {}, 'Scale'));
const scaleInput = scaleBox.appendChild(el('input', { type: 'number', min: '0', value: '1', 'aria-label': 'workers', 'data-testid': 'scale-count' }));
const scaleButton = scaleBox.appendChild(el('button', { 'data-testid': 'scale' }, 'Scale'));
const adaptBox = controls.appendChild(el('fieldset'));
const adaptLegend = adaptBox.appendChild(el('legend', {}, 'Adapt'));
const adaptNow = adaptLegend.appendChild(el('span', { class: 'muted', 'data-testid': 'adapt-now' }));
const adaptMin = adaptBox.appendChild(el('input', { type: 'number', min: '0', value: '0', 'aria-label': 'minimum', 'data-testid': 'adapt-min' }));
const adaptMax = adaptBox.appendChild(el('input', { type: 'number', min: '0', value: '4', 'aria-label': 'maximum', 'data-testid': 'adapt-max' }));
const adaptButton = adaptBox.appendChild(el('button', { 'data-testid': 'adapt' }, 'Adapt'));
const requestStatus = controls.appendChild(el('span', { class: 'status', 'data-testid': 'request-status', role: 'status' }));

const cards = app.appendChild(el('div', { class: 'cards' }));
const card = (label: string, testId: string) => addCard(cards, label, testId);
const cardWorkers = card('Workers', 'card-workers');
const cardThreads = card('Threads', 'card-threads');
const cardMemory = card('Memory used / limit', 'card-memory');
const cardTasks: Record<string, HTMLElement> = {};
for (const st of TASK_STATES) cardTasks[st] = card(`Tasks ${st}`, `card-tasks-${st}`);

const charts = app.appendChild(el('div', { class: 'charts' }));
/** The worker (address) highlighted everywhere, if any. */
let selected: string | undefined;
const gib = (v: number) => formatBytes(v);
const chartProgress = new BarList(charts, {
  title: 'Progress by task group', testId: 'chart-progress', segments: PROGRESS_SEGMENTS,
  caption: 'Tasks of each prefix in its current (or last) run, as in Dask\'s Progress plot; counted from the scheduler\'s /metrics.',
}, progressBars);
chartProgress.box.classList.add('wide');
const chartPrefixTime = new BarList(charts, {
  title: 'Task time by prefix', testId: 'chart-prefix-time', segments: TIME_SEGMENTS,
  caption: 'Seconds spent per task prefix, summed over threads.',
}, timeBars);
const chartWorkers = new Chart(charts, { title: 'Workers and threads', kind: 'time', series: [{ label: 'workers' }, { label: 'threads' }] }, 'chart-workers');
const chartMemory = new Chart(charts, { title: 'Memory used vs limit', kind: 'time', yFormat: gib, series: [{ label: 'used', format: gib }, { label: 'limit', format: gib }] }, 'chart-memory');
const chartTasks = new Chart(charts, { title: 'Tasks by state', kind: 'time', series: TASK_STATES.map((s) => ({ label: s })) }, 'chart-tasks');
// The CPU bars follow the table's order; `cpuAddresses` maps a bar back to its worker, `cpuGroup` workers per bar.
let cpuAddresses: string[] = [];
let cpuGroup = 1;
/** The bar of the selected worker: its own, or its group's when bars are grouped. */
function cpuSlot(): number | undefined {
  if (selected === undefined) return undefined;
  const own = cpuAddresses.indexOf(selected);
  if (own >= 0 || cpuGroup === 1) return own;
  const i = table.rowsInOrder().findIndex((r) => r.address === selected);
  return i < 0 ? undefined : Math.floor(i / cpuGroup);
}
const chartCpu = new Chart(charts, { title: 'CPU per worker', kind: 'bars', yFormat: formatPercent, series: [{ label: 'cpu %', format: formatPercent }],
  highlight: cpuSlot }, 'chart-cpu');
chartCpu.onPick((i) => { if (cpuAddresses[i]) select(cpuAddresses[i]); });
const chartTransfer = new Chart(charts, { title: 'Transfers and spilling', kind: 'time', yFormat: gib,
  series: [{ label: 'in flight between workers', format: gib }, { label: 'spilled to disk', format: gib }] }, 'chart-transfer');
const chartWorkerMemory = new BarList(charts, {
  title: 'Memory per worker', testId: 'chart-worker-memory', segments: MEMORY_SEGMENTS, limitLabel: 'memory limit',
  caption: 'Blue: fine · orange: past the target (may spill) · red: near the limit or paused (as in Dask\'s dashboard).',
}, memoryBars);
const chartProcessing = new BarList(charts, {
  title: 'Processing per worker', testId: 'chart-processing', segments: PROCESSING_SEGMENTS, limitLabel: 'threads',
  caption: 'Tasks each worker runs now and has queued (from identity.json). Occupancy in seconds: the next chart.',
}, processingBars);
const chartOccupancy = new BarList(charts, {
  title: 'Occupancy and current work', testId: 'chart-occupancy', segments: OCCUPANCY_SEGMENTS,
  caption: 'Seconds of work the scheduler expects each worker to have (Dask\'s Occupancy) and the tasks it executes now, by key prefix. ' +
    'No scheduler HTTP route serves these: they are read through a notebook kernel\'s Dask client of this cluster while that kernel is idle, ' +
    'and while it runs a cell through a probe kernel of ours beside it (same Jupyter server, its own Dask client).',
}, occupancyBars);
/** Where occupancy comes from now (the host's kernel probe), or why it is missing. */
let probeStatus: KernelProbeStatus | undefined;

const taskStream = new TaskStreamChart(charts);
taskStream.onToggle = (on) => bridge.post({ type: 'dashboard/setTaskStream', on });

app.appendChild(el('h2', {}, 'Bokeh plots'));
const plotsBox = app.appendChild(el('div', { 'data-testid': 'plots' }));
plotsBox.appendChild(el('p', { class: 'muted' }, 'Checking whether the scheduler serves bokeh plots…'));

app.appendChild(el('h2', {}, 'Workers'));
const table = new WorkersTable(app);
/** The rows the host sent, by slot: updates carry only the text that changed (workerSlots.ts). */
const slots = new WorkerSlotsReceiver();

// One selected worker, highlighted in the table and in every per-worker chart; a second click clears it.
function select(address: string): void {
  selected = selected === address ? undefined : address;
  table.select(selected);
  chartWorkerMemory.select(selected);
  chartProcessing.select(selected);
  chartOccupancy.select(selected);
  chartCpu.plot.redraw(false, false);
  taskStream.select(selected);
  document.body.dataset.selectedWorker = selected ?? '';
}
table.onSelect = select;
chartWorkerMemory.onSelect = select;
chartProcessing.onSelect = select;
chartOccupancy.onSelect = select;
taskStream.onSelect = select;

// The same declared series as the host keeps, in the same class.
const store = new SampleSeries();
let cluster: ClusterInfo | undefined;
let pendingRender = false;
let lastSummary: SampleSummary | undefined;

const timeCharts = { workers: chartWorkers, memory: chartMemory, tasks: chartTasks, transfer: chartTransfer, cpu: chartCpu };
const barLists = { progress: chartProgress, prefixTime: chartPrefixTime, workerMemory: chartWorkerMemory, processing: chartProcessing, occupancy: chartOccupancy };

const bridge = connect<HostMessage, WebviewMessage>({ isHostMessage, ready: { type: 'ready', view: 'dashboard' } }, onMessage);
const saved = bridge.getState<{ clusterId?: string }>();
// Until the host names the cluster again: what the saved id names (its cluster id or address), not its encoding.
const savedRef = decodeResourceId(saved?.clusterId);
if (saved?.clusterId) setText(title, savedRef?.kind === 'cluster' ? savedRef.clusterId : savedRef?.kind === 'dashboard' ? savedRef.url : saved.clusterId);

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'dashboard/init':
      cluster = m.cluster;
      setText(title, m.cluster.name);
      setTitle(title, m.cluster.name);
      scaleBox.classList.toggle('hidden', !m.cluster.canScale);
      adaptBox.classList.toggle('hidden', !m.cluster.canAdapt);
      bridge.setState({ clusterId: m.cluster.id });
      store.load(m.series);
      scheduleRender();
      break;
    case 'dashboard/sample':
      lastSummary = m.summary;
      store.add(m.summary);
      applyWorkers(m.workers, m.summary.time);
      scheduleRender();
      break;
    case 'dashboard/state':
      showState(m.state, m.message, m.confirmed);
      break;
    case 'dashboard/taskStream':
      taskStream.setState(m.state, m.message, m.since);
      taskStream.addBars(m.bars);
      scheduleRender();
      break;
    case 'dashboard/probe':
      probeStatus = m.status;
      applyWorkers(m.workers, lastSummary?.time ?? Date.now());
      scheduleRender();
      break;
    case 'dashboard/gap':
      store.addGap(m.time);
      scheduleRender();
      break;
    case 'dashboard/adaptive':
      showAdaptive(m.adaptive);
      break;
    case 'dashboard/plots':
      openButton.classList.toggle('hidden', !m.fullDashboard);
      showPlots(m.plots, m.reason);
      break;
    case 'dashboard/notice':
      setText(requestStatus, m.message);
      requestStatus.classList.remove('error');
      requestStatus.classList.add('warning');
      break;
    default:
      break;
  }
}

/** The rows an update adds or changes, read against the rows each slot holds, into the table. */
function applyWorkers(update: WorkersUpdate, now: number): void {
  const received = slots.apply(update);
  // Only a host bug sends an update that does not fit what is held: the table keeps its rows until the next reset.
  if (received) table.apply(received, now);
  else console.warn('dashboard: a workers update did not fit the rows held; ignored');
}

/** Renders on the next frame, so a burst of samples costs one paint. */
function scheduleRender(): void {
  if (pendingRender) return;
  pendingRender = true;
  requestAnimationFrame(() => {
    pendingRender = false;
    render();
  });
}

function render(): void {
  // uPlot's time axis counts seconds.
  const x = store.time.toArray().map((t) => t / 1000);
  chartWorkers.setData(x, [store.values('workers'), store.values('threads')]);
  chartMemory.setData(x, [store.values('memoryUsedBytes'), store.values('memoryLimitBytes')]);
  chartTasks.setData(x, TASK_STATES.map((s) => store.values(`tasks.${s}`)));
  const rows = table.rowsInOrder();
  // Bars are labelled as the table's Name column, in the table's order; grouped (the busiest of each group) once a
  // bar per worker would be thinner than 2 px.
  const cpu = cpuBars(rows, chartCpu.width / 2);
  [cpuAddresses, cpuGroup] = [cpu.addresses, cpu.group];
  chartCpu.setData(cpu.x, [cpu.cpu], cpu.names);
  chartCpu.setTitle(cpu.group > 1 ? `CPU per worker (the busiest of each ${cpu.group}, in the table's order)` : 'CPU per worker');
  chartTransfer.setData(x, [store.values('transferBytes'), store.values('spilledBytes')]);
  chartWorkerMemory.setRows(rows);
  chartProcessing.setRows(rows);
  const live = probeStatus?.state === 'live';
  chartOccupancy.setRows(live ? rows : [], live ? undefined : probeStatus?.message ?? 'Occupancy and current work: waiting for the first sample.');
  chartOccupancy.setNote(live ? `${probeStatus!.message} ${occupancyNow(rows)}` : undefined);
  chartOccupancy.box.dataset.probeState = probeStatus?.state ?? 'off';
  chartWorkerMemory.setNote(live && probeStatus?.memoryFromProbe
    ? `From the scheduler through ${probeStatus.notebook ?? 'the notebook'}'s Dask client: its identity.json answers HTTP 500 while tasks run (distributed ≥ 2023.4).`
    : undefined);
  taskStream.setWorkers(rows);
  taskStream.draw();
  if (lastSummary) {
    chartProgress.setRows(lastSummary.prefixes.rows, lastSummary.prefixes.missing);
    const times = lastSummary.prefixTimes;
    chartPrefixTime.setRows(byTimeDescending(times.rows), times.missing ?? (times.note && times.rows.length === 0 ? `${times.note} None yet.` : undefined));
    chartPrefixTime.setNote(times.note);
  }
  const s = lastSummary;
  if (s) {
    setText(cardWorkers, String(s.workers));
    // The Scale box follows the cluster's size, except while the user is typing in it.
    if (document.activeElement !== scaleInput && scaleInput.value !== String(s.workers)) scaleInput.value = String(s.workers);
    setText(cardThreads, String(s.threads));
    setText(cardMemory, `${formatBytes(s.memoryUsedBytes)} / ${formatBytes(s.memoryLimitBytes)}`);
    for (const st of TASK_STATES) setText(cardTasks[st]!, String(s.tasks[st] ?? 0));
  }
  document.body.dataset.renderedSamples = String(store.time.length);
}

/** One line for the occupancy chart: how much work is assigned now and what the busiest worker runs. */
function occupancyNow(rows: readonly { name: string; occupancySeconds: number; currentWork: string }[]): string {
  let busy = 0;
  let total = 0;
  let top: (typeof rows)[number] | undefined;
  for (const r of rows) {
    if (r.occupancySeconds <= 0) continue;
    busy++;
    total += r.occupancySeconds;
    if (!top || r.occupancySeconds > top.occupancySeconds) top = r;
  }
  if (!top) return 'Now: no work assigned.';
  return `Now: ${busy} worker${busy === 1 ? '' : 's'} with work, ${formatSeconds(total)} assigned in all; busiest ${top.name}: ${top.currentWork || 'queued work'}.`;
}

function showState(state: SamplerState, message?: string, confirmed?: boolean): void {
  setText(badge, state);
  badge.className = `badge ${state}`;
  const down = state === 'stopped' || state === 'unreachable';
  banner.classList.toggle('hidden', !down);
  banner.classList.toggle('error', state === 'stopped');
  setText(banner, state === 'stopped' && confirmed
    ? `Cluster stopped: ${lowerFirst(message ?? 'its provider says it ended.')} The charts keep its last data.`
    : state === 'stopped'
      ? `Cluster stopped: the scheduler no longer answers. Charts show the last data; they resume if it comes back.${message ? ` (${message})` : ''}`
      : state === 'unreachable' ? `The scheduler is not answering; retrying.${message ? ` (${message})` : ''}` : '');
  for (const b of [scaleButton, adaptButton]) b.disabled = state === 'stopped';
}

function lowerFirst(t: string): string {
  return t.charAt(0).toLowerCase() + t.slice(1);
}

/** The Adapt boxes show the cluster's real bounds (unless the user is typing in them). */
function showAdaptive(a: { minimum: number | null; maximum: number | null } | null): void {
  if (!a) {
    setText(adaptNow, ' (now a fixed size)');
    return;
  }
  if (a.minimum === null || a.maximum === null) {
    setText(adaptNow, ' (now adaptive, bounds unknown)');
    return;
  }
  setText(adaptNow, ` (now ${a.minimum}–${a.maximum})`);
  if (document.activeElement !== adaptMin) adaptMin.value = String(a.minimum);
  if (document.activeElement !== adaptMax) adaptMax.value = String(a.maximum);
}

function showPlots(plots: Record<string, string>, reason?: string): void {
  plotsBox.replaceChildren();
  const titles = Object.keys(plots);
  if (titles.length === 0) {
    plotsBox.appendChild(el('p', { class: 'muted', 'data-testid': 'plots-reason' }, reason ?? 'No bokeh plots are available.'));
    return;
  }
  const tabs = plotsBox.appendChild(el('div', { class: 'tabs', role: 'tablist' }));
  const frame = el('iframe', { title: 'Dask plot' });
  const preferred = titles.filter((t) => /task stream|progress|workers memory/i.test(t));
  for (const t of preferred.length ? preferred : titles) {
    const b = tabs.appendChild(el('button', { role: 'tab', class: 'secondary' }, t));
    b.addEventListener('click', () => {
      for (const other of tabs.children) other.setAttribute('aria-selected', String(other === b));
      frame.src = plots[t]!;
    });
  }
  plotsBox.appendChild(frame);
  (tabs.firstElementChild as HTMLButtonElement | null)?.click();
}

function setBusy(busy: boolean): void {
  scaleButton.disabled = busy;
  adaptButton.disabled = busy;
}

/** A scale/adapt request's result: what the provider said, as an error when it failed. */
function showOutcome(o: RequestOutcome): void {
  setText(requestStatus, o.message);
  requestStatus.classList.remove('warning');
  requestStatus.classList.toggle('error', !o.ok);
  setBusy(false);
}

scaleButton.addEventListener('click', () => {
  const n = Number(scaleInput.value);
  if (!Number.isInteger(n) || n < 0) {
    setText(requestStatus, 'Enter a whole number of workers (0 or more).');
    return;
  }
  setBusy(true);
  setText(requestStatus, `Scaling to ${n}…`);
  void bridge.request({ type: 'dashboard/scale', workers: n }).then(showOutcome);
});

adaptButton.addEventListener('click', () => {
  const minimum = Number(adaptMin.value);
  const maximum = Number(adaptMax.value);
  if (!Number.isInteger(minimum) || !Number.isInteger(maximum) || minimum < 0 || maximum < minimum) {
    setText(requestStatus, 'Adapt needs whole numbers with 0 ≤ minimum ≤ maximum.');
    return;
  }
  setBusy(true);
  setText(requestStatus, `Adapting between ${minimum} and ${maximum}…`);
  void bridge.request({ type: 'dashboard/adapt', minimum, maximum }).then(showOutcome);
});

openButton.addEventListener('click', () => bridge.post({ type: 'dashboard/openBrowser' }));

// Exposed for the browser tests and the benchmark: how many samples and rows are on screen.
(window as unknown as { pangeoDashboard: unknown }).pangeoDashboard = {
  renderNow: render,
  rows: () => table.size,
  cluster: () => cluster,
  /** The arrays each chart currently draws (x first), to check the charts show what was sent. */
  /** The colours the CPU chart's x axis draws its labels and grid with now, and the page background. */
  axisColors: () => {
    const u = chartCpu.plot as unknown as { axes: { stroke: (u: unknown, i: number) => string; grid: { stroke: (u: unknown, i: number) => string } }[] };
    return { label: u.axes[0]!.stroke(u, 0), grid: u.axes[0]!.grid.stroke(u, 0), background: getComputedStyle(document.body).backgroundColor };
  },
  /** The x tick labels each chart drew last (time charts: times; bar charts: worker names). */
  xTicks: () => Object.fromEntries(Object.entries(timeCharts).map(([k, c]) => [k, c.xTickLabels()])),
  chartData: () => Object.fromEntries(Object.entries(timeCharts).map(([k, c]) => [k, c.plot.data.map((a) => Array.from(a as ArrayLike<number>))])),
  /** The rows each bar list drew last: key, label, segment widths in px, whether highlighted; and its "missing" text. */
  bars: () => Object.fromEntries(Object.entries(barLists).map(([k, b]) => [k, { rows: b.drawnRows(), missing: b.missing }])),
  taskStream: () => taskStream.drawn(),
  selected: () => selected,
  select,
};

// The editor changes its --vscode-* variables (and the body's theme class) when the user switches theme: redraw the
// canvases in the new colours.
const charts_ = [...Object.values(timeCharts), ...Object.values(barLists), taskStream];
new MutationObserver(() => { for (const c of charts_) c.restyle(); })
  .observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
new MutationObserver(() => { for (const c of charts_) c.restyle(); })
  .observe(document.body, { attributes: true, attributeFilter: ['class'] });
