// uPlot charts themed from --vscode-* variables: time series and per-worker bars, resized with their box.
import uPlot from 'uplot';

/** Reads a theme colour; the editor sets these on <html> for light, dark and high-contrast themes. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
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
}

export class Chart {
  readonly plot: uPlot;
  private readonly box: HTMLElement;

  constructor(parent: HTMLElement, readonly spec: ChartSpec, testId: string) {
    this.box = document.createElement('div');
    this.box.className = 'chart';
    this.box.dataset.testid = testId;
    const h = document.createElement('h3');
    h.textContent = spec.title;
    this.box.appendChild(h);
    parent.appendChild(this.box);
    const fg = themeColor('--vscode-foreground', '#333');
    const grid = themeColor('--vscode-editorWidget-border', 'rgba(127,127,127,0.25)');
    // Only set what we change: an explicit `undefined` would replace uPlot's own (time-aware) defaults.
    const axis = (fmt?: (v: number) => string, size?: number): uPlot.Axis => {
      const a: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      if (size) a.size = size;
      if (fmt) a.values = (_u, splits) => splits.map((v) => (v == null ? '' : fmt(v)));
      return a;
    };
    const bars = spec.kind === 'bars' ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined;
    const opts: uPlot.Options = {
      width: Math.max(300, this.box.clientWidth - 12),
      height: spec.height ?? 180,
      // Bars sit on an ordinal axis (one slot per worker), so few workers still get evenly spaced, whole-number slots.
      scales: { x: spec.kind === 'bars' ? { time: false, distr: 2, range: (_u, min, max) => [min - 0.5, max + 0.5] } : { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.1)] } },
      axes: [axis(), axis(spec.yFormat, spec.yFormat ? 70 : 50)],
      series: [
        { label: spec.kind === 'bars' ? 'worker' : 'time' },
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
    };
    const data = [[], ...spec.series.map(() => [])] as unknown as uPlot.AlignedData;
    this.plot = new uPlot(opts, data, this.box);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, this.box.clientWidth - 12), height: opts.height })).observe(this.box);
  }

  setData(x: ArrayLike<number>, ys: ArrayLike<number>[]): void {
    this.plot.setData([x, ...ys] as uPlot.AlignedData);
  }
}
