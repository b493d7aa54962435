// uPlot charts themed from --vscode-* variables: time series and per-worker bars, resized with their box.
import uPlot from 'uplot';
import { showInvisible } from '../../src/shared/text/controlCharacters';
import { setText } from './dom';

/**
 * Theme reads are cached until the theme changes (the editor sets its variables on <html> and a class on <body>): each
 * getComputedStyle after DOM writes forces a style recalculation, and a dashboard update made dozens of them.
 */
const themeCache = new Map<string, string>();
let themeWatch: MutationObserver | undefined;

function cachedThemeRead(key: string, read: () => string): string {
  if (!themeWatch) {
    themeWatch = new MutationObserver(() => themeCache.clear());
    for (const node of [document.documentElement, document.body]) themeWatch.observe(node, { attributes: true, attributeFilter: ['style', 'class'] });
    // Styles added later (injectStyles) change what the variables resolve to as well.
    themeWatch.observe(document.head, { childList: true });
  }
  // A change made earlier in this same task (its observer callback has not run yet) counts too.
  if (themeWatch.takeRecords().length) themeCache.clear();
  let v = themeCache.get(key);
  if (v === undefined) themeCache.set(key, (v = read()));
  return v;
}

/** Reads a theme colour; the editor sets these on <html> for light, dark and high-contrast themes. */
export function themeColor(name: string, fallback: string): string {
  return cachedThemeRead(name, () => getComputedStyle(document.documentElement).getPropertyValue(name).trim()) || fallback;
}

/** The body's font family, for text drawn on canvases. */
export function bodyFont(): string {
  return cachedThemeRead('body font', () => getComputedStyle(document.body).fontFamily) || 'sans-serif';
}

/**
 * Axis colours, read at each draw (the editor may set or change its variables after this script ran): labels in the
 * body's own text colour (var(--vscode-foreground)), grid and ticks in that colour at low alpha, so labels always stand
 * out more than the grid in light, dark and high-contrast themes.
 */
export function axisColors(): { label: string; grid: string } {
  const label = cachedThemeRead('body color', () => getComputedStyle(document.body).color) || themeColor('--vscode-foreground', '#333');
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(label);
  return { label, grid: rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, 0.18)` : 'rgba(127, 127, 127, 0.25)' };
}

// Time-only ticks (the date never changes within the window a dashboard shows); seconds only when ticks are that close.
const hhmm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const hhmmss = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
export function timeTicks(splits: number[], incrSeconds: number): string[] {
  const f = incrSeconds >= 86_400 ? day : incrSeconds < 60 ? hhmmss : hhmm;
  return splits.map((s) => (s == null ? '' : f.format(new Date(s * 1000))));
}

const PALETTE: [string, string][] = [
  ['--vscode-charts-blue', '#1a85ff'], ['--vscode-charts-orange', '#d18616'], ['--vscode-charts-green', '#388a34'],
  ['--vscode-charts-red', '#e51400'], ['--vscode-charts-purple', '#652d90'], ['--vscode-charts-yellow', '#bf8803'],
];

export function seriesColor(i: number): string {
  const [name, fallback] = PALETTE[i % PALETTE.length]!;
  return themeColor(name, fallback);
}

export interface ChartSpec {
  title: string;
  /** `line: true` draws that series as a line even on a bar chart (e.g. a limit above usage bars). */
  series: { label: string; format?: (v: number) => string; line?: boolean }[];
  /** 'time': x is epoch seconds; 'bars': x is an index (one bar per worker). */
  kind: 'time' | 'bars';
  yFormat?: (v: number) => string;
  height?: number;
  /** Bar charts: the slot to outline (e.g. the selected worker), asked at each draw. */
  highlight?: () => number | undefined;
}

export class Chart {
  readonly plot: uPlot;
  private readonly box: HTMLElement;
  private readonly heading: HTMLElement;
  /** Bar charts: the label of each slot (x = index), e.g. worker names as the table shows them. */
  private labels: string[] = [];
  /** The raw labels last given, to skip re-cutting them when they are the same array. */
  private rawLabels?: readonly string[];

  constructor(parent: HTMLElement, readonly spec: ChartSpec, testId: string) {
    this.box = document.createElement('div');
    this.box.className = 'chart';
    this.box.dataset.testid = testId;
    const h = (this.heading = document.createElement('h3'));
    setText(h, spec.title);
    this.box.appendChild(h);
    parent.appendChild(this.box);
    const font = `11px ${themeColor('--vscode-font-family', 'system-ui, sans-serif')}`;
    const axis = (fmt?: (v: number) => string, size?: number): uPlot.Axis => {
      const a: uPlot.Axis = {
        stroke: () => axisColors().label, font,
        grid: { stroke: () => axisColors().grid, width: 1 }, ticks: { stroke: () => axisColors().grid, width: 1 },
      };
      if (size) a.size = size;
      if (fmt) a.values = (_u, splits) => splits.map((v) => (v == null ? '' : fmt(v)));
      return a;
    };
    const xAxis = axis();
    if (spec.kind === 'time') {
      xAxis.values = (_u, splits, _i, _space, incr) => timeTicks(splits, incr);
      xAxis.space = 70;
      // Whole seconds and up: finer ticks would repeat the same hh:mm:ss label.
      xAxis.incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86_400, 172_800, 604_800];
    } else {
      // One tick per bar, at its slot, labelled like the table; with more bars than labels fit (1,000 workers), every
      // k-th one: labels drawn on top of each other say nothing and cost a text draw each, every update.
      xAxis.splits = (u) => {
        const slots = u.data[0] as ArrayLike<number>;
        const widest = this.labels.reduce((m, l) => Math.max(m, l.length), 1);
        const room = Math.max(1, Math.floor(u.bbox.width / (window.devicePixelRatio || 1) / Math.max(14, widest * 6)));
        const step = Math.ceil(slots.length / room);
        const splits: number[] = [];
        for (let i = 0; i < slots.length; i += step) splits.push(slots[i]!);
        return splits;
      };
      xAxis.values = (_u, splits) => splits.map((i) => (i == null ? '' : this.labels[Math.round(i)] ?? ''));
      // Long names slant so neighbours do not overlap.
      xAxis.rotate = (_u, values) => (values.some((v) => String(v).length > 8) ? -20 : 0);
      xAxis.size = 44;
    }
    const bars = spec.kind === 'bars' ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined;
    const opts: uPlot.Options = {
      width: Math.max(300, this.box.clientWidth - 12),
      height: spec.height ?? 180,
      // Bars sit on an ordinal axis (one slot per worker), so few workers still get evenly spaced, whole-number slots.
      scales: { x: spec.kind === 'bars' ? { time: false, distr: 2, range: (_u, min, max) => [min - 0.5, max + 0.5] } : { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      axes: [xAxis, axis(spec.yFormat, spec.yFormat ? 70 : 50)],
      series: [
        spec.kind === 'bars'
          ? { label: 'worker', value: (_u: uPlot, i: number | null) => (i == null ? '–' : this.labels[Math.round(i)] ?? String(i)) }
          : { label: 'time', value: (_u: uPlot, t: number | null) => (t == null ? '–' : timeTicks([t], 1)[0]!) },
        ...spec.series.map((s, i) => ({
          label: s.label,
          stroke: seriesColor(i),
          fill: spec.kind === 'bars' && !s.line ? seriesColor(i) + '99' : undefined,
          width: 1.5,
          paths: s.line ? undefined : bars,
          points: { show: false },
          value: s.format ? (_u: uPlot, v: number | null) => (v == null ? '–' : s.format!(v)) : undefined,
        })),
      ],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      hooks: spec.highlight ? { draw: [(u) => this.outline(u, spec.highlight!())] } : {},
    };
    const data = [[], ...spec.series.map(() => [])] as unknown as uPlot.AlignedData;
    this.plot = new uPlot(opts, data, this.box);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, this.box.clientWidth - 12), height: opts.height })).observe(this.box);
  }

  /** A click on a slot of a bar chart (the slot under the cursor). */
  onPick(handler: (index: number) => void): void {
    this.plot.over.addEventListener('click', () => {
      const i = this.plot.cursor.idx;
      if (i != null) handler(i);
    });
  }

  /** Outlines one bar slot across the plot's height, in the text colour (readable in every theme). */
  private outline(u: uPlot, index: number | undefined): void {
    if (index === undefined || index < 0 || index >= (u.data[0]?.length ?? 0)) return;
    const dpr = window.devicePixelRatio || 1;
    const left = u.valToPos(index - 0.5, 'x', true);
    const right = u.valToPos(index + 0.5, 'x', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = axisColors().label;
    ctx.lineWidth = 2 * dpr;
    ctx.strokeRect(left + dpr, u.bbox.top + dpr, Math.max(2, right - left - 2 * dpr), u.bbox.height - 2 * dpr);
    ctx.restore();
  }

  /** `labels`: for bar charts, one per x slot. */
  setData(x: ArrayLike<number>, ys: ArrayLike<number | null>[], labels?: readonly string[]): void {
    if (labels && !sameStrings(labels, this.rawLabels)) [this.labels, this.rawLabels] = [labels.map(chartLabel), labels];
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }

  /** The heading, e.g. to say the bars are grouped (written only when it changes). */
  setTitle(title: string): void {
    setText(this.heading, title);
  }

  /** The plot's width in CSS pixels (as last laid out: reading it forces no layout). */
  get width(): number {
    return this.plot.width;
  }

  /** The tick labels drawn on the x axis at the last draw (for tests). */
  xTickLabels(): string[] {
    return ((this.plot.axes[0] as unknown as { _values?: (string | number)[] })._values ?? []).map(String);
  }

  /** Redraws with the current theme colours. */
  restyle(): void {
    this.plot.redraw(false, true);
  }
}

function sameStrings(a: readonly string[], b: readonly string[] | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Longest label a chart's axis or legend shows: a name as long as the panel says no more there (the table has it all). */
const CHART_LABEL_CHARS = 48;

/** A server's name as a chart draws it: hidden characters shown, cut to CHART_LABEL_CHARS with an ellipsis. */
export function chartLabel(name: string): string {
  const shown = showInvisible(name);
  return shown.length <= CHART_LABEL_CHARS ? shown : `${shown.slice(0, CHART_LABEL_CHARS - 1)}…`;
}
