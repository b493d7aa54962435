// Dask's task stream: one lane per worker thread, one bar per compute / transfer / disk action over the last two minutes,
// coloured like Dask's (the bar's own prefix colour for compute, red transfers, orange disk, error colour for erred
// tasks; one theme colour per prefix). Drawn on a canvas (thousands of rectangles); a click on a lane selects its worker.
import type { TaskBar, TaskStreamState } from '../../src/shared/protocol/panels';
import { drawText, el, setText, textNode } from '../shared/dom';
import { axisColors, bodyFont, seriesColor, themeColor } from '../shared/charts';
import { DASK_TASK_STREAM_ALPHA, TASK_STREAM_KEEP_MS, TASK_STREAM_MAX_BARS } from '../../src/shared/dashboard/taskStreamModel';
import { RingQueue } from '../../src/shared/ringBuffer';

/** A bar with its lane key (worker#thread) and colour group (styleKey), computed once when it arrives. */
interface HeldBar { bar: TaskBar; lane: string; style: string }
const HEIGHT = 220;
const LABEL_W = 110;
const AXIS_H = 16;

export class TaskStreamChart {
  readonly box: HTMLElement;
  private readonly status: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  /** The bars of the last two minutes, at most TASK_STREAM_MAX_BARS: a theme change or a redraw never drops them. */
  private readonly bars = new RingQueue<HeldBar>(TASK_STREAM_MAX_BARS);
  private state?: TaskStreamState;
  private message?: string;
  private since?: number;
  /** Bars held per lane, compute bars per prefix (in order of arrival) and bars per action, kept as bars come and go. */
  private lanesHeld = new Map<string, { key: string; worker: string; thread: number; bars: number }>();
  private prefixesHeld = new Map<string, number>();
  private actionsHeld = new Map<string, number>();
  private names = new Map<string, string>();
  private order: string[] = [];
  /** The names in `order`'s order (compared per update without a map lookup per worker). */
  private namesInOrder: string[] = [];
  /** Address → position in `order`, the lanes' sort key. */
  private rank = new Map<string, number>();
  private selected?: string;
  private lanes: { key: string; worker: string; thread: number }[] = [];
  private drawnCount = 0;
  /** The time the last draw covered, from its oldest bar's start to the newest stop (ms). */
  private drawnSpan = 0;
  private newest = 0;
  private legendSignature = '';
  /** The box's width as last laid out (resize observer): a draw reads no layout. */
  private boxWidth?: number;
  onToggle?: (on: boolean) => void;
  onSelect?: (worker: string) => void;

  constructor(parent: HTMLElement) {
    this.box = parent.appendChild(el('div', { class: 'chart taskstream wide', 'data-testid': 'chart-task-stream' }));
    const head = this.box.appendChild(el('h3', {}, 'Task stream'));
    this.toggle = head.appendChild(el('button', { class: 'secondary', 'data-testid': 'task-stream-toggle' }, 'Start live task stream'));
    this.toggle.style.marginLeft = '12px';
    this.status = this.box.appendChild(el('p', { class: 'muted missing', 'data-testid': 'task-stream-status', role: 'status' }));
    this.legend = this.box.appendChild(el('div', { class: 'legend', 'data-testid': 'task-stream-legend' }));
    this.canvas = this.box.appendChild(el('canvas', { role: 'img', 'aria-label': 'Task stream: tasks per worker thread over the last two minutes' }));
    this.canvas.style.cursor = 'pointer';
    this.toggle.addEventListener('click', () => this.onToggle?.(this.state === 'off' || this.state === 'failed'));
    this.canvas.addEventListener('click', (e) => {
      const lane = this.laneAt(e.offsetY);
      if (lane) this.onSelect?.(lane.worker);
    });
    new ResizeObserver(() => {
      this.boxWidth = this.box.clientWidth;
      this.draw();
    }).observe(this.box);
    this.setState('off');
    this.draw();
  }

  setState(state: TaskStreamState, message?: string, since?: number): void {
    // Bars come with every message; the state text only changes now and then (the chart redraws with the next render).
    if (state === this.state && message === this.message && since === this.since && this.status.textContent) return;
    [this.state, this.message, this.since] = [state, message, since];
    setText(this.toggle, state === 'live' || state === 'connecting' ? 'Stop live task stream' : 'Start live task stream');
    this.toggle.disabled = state === 'connecting';
    const at = since ? new Date(since).toLocaleTimeString(undefined, { hourCycle: 'h23' }) : '';
    setText(this.status,
      state === 'off' ? 'Off. The live stream reads the scheduler\'s /eventstream: it shows tasks that finish from then on, costs the scheduler about 0.1 ms per task, and only one viewer per scheduler can have it (opening it elsewhere stops this one).'
        : state === 'connecting' ? 'Connecting to the scheduler\'s /eventstream…'
          : state === 'failed' ? `No task stream: ${message ?? 'the scheduler did not open /eventstream.'}`
            : `Live since ${at}: tasks that finished in the last two minutes (at most ${TASK_STREAM_MAX_BARS.toLocaleString('en-US')}), also from before the panel was last hidden.`);
    this.status.classList.toggle('error', state === 'failed');
    if (state === 'off') {
      this.bars.clear();
      this.newest = 0;
      for (const held of [this.lanesHeld, this.prefixesHeld, this.actionsHeld]) held.clear();
    }
  }

  /** How many bars are held (bounded by TASK_STREAM_MAX_BARS), for tests. */
  get held(): number {
    return this.bars.length;
  }

  addBars(bars: TaskBar[]): void {
    if (bars.length === 0) return;
    for (const b of bars) {
      const lane = `${b.worker}#${b.thread ?? 0}`;
      const dropped = this.bars.push({ bar: b, lane, style: styleKey(b) });
      if (dropped) this.hold(dropped.bar, dropped.lane, -1);
      this.hold(b, lane, 1);
      if (b.stop > this.newest) this.newest = b.stop;
    }
    // What is older than two minutes before the newest bar goes (the ring already dropped what is beyond its count).
    for (let h = this.bars.at(0); h && h.bar.stop < this.newest - TASK_STREAM_KEEP_MS; h = this.bars.at(0)) {
      this.bars.shift();
      this.hold(h.bar, h.lane, -1);
    }
  }

  /** Counts a bar in (+1) or out (-1) of its lane, its prefix and its action. */
  private hold(b: TaskBar, lane: string, delta: 1 | -1): void {
    let l = this.lanesHeld.get(lane);
    if (!l) this.lanesHeld.set(lane, (l = { key: lane, worker: b.worker, thread: b.thread ?? 0, bars: 0 }));
    if ((l.bars += delta) <= 0) this.lanesHeld.delete(lane);
    const count = (held: Map<string, number>, k: string) => {
      const n = (held.get(k) ?? 0) + delta;
      if (n > 0) held.set(k, n);
      else held.delete(k);
    };
    if (b.action === 'compute') count(this.prefixesHeld, b.prefix);
    count(this.actionsHeld, b.action);
  }

  /** Worker names (address → name) and their order, from the table. */
  setWorkers(rows: readonly { address: string; name: string }[]): void {
    // Every update passes the table's rows; rebuilt only when the workers, their order or their names changed (5,000 rows).
    const order = this.order;
    const names = this.namesInOrder;
    if (rows.length === order.length && rows.every((r, i) => r.address === order[i] && r.name === names[i])) return;
    this.names = new Map(rows.map((r) => [r.address, r.name]));
    this.order = rows.map((r) => r.address);
    this.namesInOrder = rows.map((r) => r.name);
    this.rank = new Map(this.order.map((a, i) => [a, i]));
  }

  select(worker: string | undefined): void {
    this.selected = worker;
    this.draw();
  }

  restyle(): void {
    this.draw();
  }

  /** For tests: bars drawn at the last draw, lane labels, and the legend's prefixes. */
  drawn(): { bars: number; held: number; spanMs: number; lanes: string[]; prefixes: string[]; selectedLanes: number; state: TaskStreamState } {
    return {
      bars: this.drawnCount, held: this.bars.length, spanMs: this.drawnSpan, lanes: this.lanes.map((l) => `${this.names.get(l.worker) ?? l.worker}#${l.thread}`),
      prefixes: [...this.legend.querySelectorAll('[data-prefix]')].map((e) => (e as HTMLElement).dataset.prefix!),
      selectedLanes: this.lanes.filter((l) => l.worker === this.selected).length, state: this.state ?? 'off',
    };
  }

  private laneAt(offsetY: number): { worker: string; thread: number } | undefined {
    const h = (HEIGHT - AXIS_H) / Math.max(1, this.lanes.length);
    return this.lanes[Math.floor(offsetY / h)];
  }

  /** Dask's colour meaning per bar: red transfers, orange disk, grey deserialize, errors; compute by prefix. Read once a draw. */
  private actionColors(): { error: string; transfer: string; disk: string; other: string } {
    return {
      error: themeColor('--vscode-errorForeground', '#c00'), transfer: themeColor('--vscode-charts-red', '#e51400'),
      disk: themeColor('--vscode-charts-orange', '#d18616'), other: themeColor('--vscode-disabledForeground', '#888'),
    };
  }

  draw(): void {
    const show = this.state === 'live' || this.bars.length > 0;
    this.canvas.classList.toggle('hidden', !show);
    const width = Math.max(300, (this.boxWidth ??= this.box.clientWidth) - 14);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(HEIGHT * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${HEIGHT}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    // Lanes: every worker thread that ran something, in the table's worker order.
    const rank = this.rank;
    this.lanes = [...this.lanesHeld.values()].sort((a, b) => ((rank.get(a.worker) ?? 1e9) - (rank.get(b.worker) ?? 1e9)) || a.worker.localeCompare(b.worker) || a.thread - b.thread);
    const laneIndex = new Map(this.lanes.map((l, i) => [l.key, i]));
    const laneH = (HEIGHT - AXIS_H) / Math.max(1, this.lanes.length);
    // Like Dask's: every bar held (two minutes at most), or less when the bars span less (zoomed to what ran), never under 5 s.
    const end = this.newest;
    const held = this.bars;
    let first = Infinity;
    for (let i = 0; i < held.length; i++) {
      const start = held.at(i)!.bar.start;
      if (start < first) first = start;
    }
    const span = Math.min(TASK_STREAM_KEEP_MS * 1.05, Math.max(5000, (end - first) * 1.05));
    this.drawnSpan = held.length > 0 ? end - Math.max(first, end - span) : 0;
    const start = end - span;
    const plotW = width - LABEL_W - 4;
    const x = (t: number) => LABEL_W + ((t - start) / span) * plotW;
    const { label: fg, grid } = axisColors();
    ctx.font = `11px ${bodyFont()}`;
    ctx.textBaseline = 'middle';
    // One theme colour per prefix, in order of appearance: Dask's per-prefix colours come from a hash and often collide
    // (load, measure and combine all came out #433C84 in the recorded run); transfer, disk and error keep Dask's meaning.
    const prefixColors = new Map<string, string>();
    for (const prefix of this.prefixesHeld.keys()) prefixColors.set(prefix, seriesColor(prefixColors.size));
    const counts = this.prefixesHeld;
    this.lanes.forEach((l, i) => {
      const y = i * laneH;
      if (l.worker === this.selected) {
        ctx.fillStyle = grid;
        ctx.fillRect(0, y, width, laneH);
      }
      const first = i === 0 || this.lanes[i - 1]!.worker !== l.worker;
      if (first && laneH >= 9) {
        ctx.fillStyle = fg;
        drawText(ctx, this.names.get(l.worker) ?? l.worker, 2, y + laneH / 2, LABEL_W - 6);
      }
    });
    let drawn = 0;
    const ac = this.actionColors();
    // Bars grouped by colour and opacity, each group painted in one go: setting a canvas colour parses it, and a busy
    // stream has thousands of bars in a handful of colours.
    const groups = new Map<string, { color: string; alpha: number; rects: number[] }>();
    const barH = Math.max(1, laneH - 2);
    for (let i = 0; i < held.length; i++) {
      const h = held.at(i)!;
      const b = h.bar;
      if (b.stop < start) continue;
      const lane = laneIndex.get(h.lane)!;
      let g = groups.get(h.style);
      if (!g) {
        const color = b.status !== 'OK' ? ac.error : b.action === 'compute' ? prefixColors.get(b.prefix) ?? ac.other
          : b.action === 'transfer' ? ac.transfer : b.action === 'disk-read' || b.action === 'disk-write' ? ac.disk : ac.other;
        groups.set(h.style, (g = { color, alpha: DASK_TASK_STREAM_ALPHA[b.action] ?? 0.4, rects: [] }));
      }
      const x0 = Math.max(LABEL_W, x(b.start));
      g.rects.push(x0, lane * laneH + 1, Math.max(1, x(b.stop) - x0));
      drawn++;
    }
    for (const g of groups.values()) {
      ctx.globalAlpha = g.alpha;
      ctx.fillStyle = g.color;
      const r = g.rects;
      for (let k = 0; k < r.length; k += 3) ctx.fillRect(r[k]!, r[k + 1]!, r[k + 2]!, barH);
    }
    ctx.globalAlpha = 1;
    // Time axis: seconds before the newest bar.
    ctx.fillStyle = fg;
    ctx.textAlign = 'center';
    const step = span > 60_000 ? 20 : span > 30_000 ? 10 : span > 10_000 ? 5 : span > 5_000 ? 2 : 1;
    for (let s = 0; s * 1000 <= span; s += step) drawText(ctx, s === 0 ? 'latest' : `−${s} s`, Math.max(LABEL_W + 12, Math.min(width - 18, x(end - s * 1000))), HEIGHT - AXIS_H / 2);
    ctx.textAlign = 'left';
    if (this.selected) {
      ctx.strokeStyle = fg;
      ctx.lineWidth = 2;
      this.lanes.forEach((l, i) => { if (l.worker === this.selected) ctx.strokeRect(1, i * laneH + 1, width - 2, laneH - 2); });
      ctx.lineWidth = 1;
    }
    this.drawnCount = drawn;
    this.drawLegend(prefixColors, counts);
  }

  private drawLegend(colors: Map<string, string>, counts: Map<string, number>): void {
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12);
    const transfer = this.actionsHeld.has('transfer');
    const disk = this.actionsHeld.has('disk-read') || this.actionsHeld.has('disk-write');
    // Rebuilt only when what it lists changes (not on every update of a busy stream).
    const signature = `${top.map(([p]) => `${p}=${colors.get(p)}`).join('|')}|${transfer}|${disk}|${themeColor('--vscode-charts-red', '')}`;
    if (signature === this.legendSignature) return;
    this.legendSignature = signature;
    this.legend.replaceChildren();
    for (const [prefix] of top) {
      // A prefix as long as the panel is cut with an ellipsis; the whole of it is one hover away.
      const item = this.legend.appendChild(el('span', { class: 'legend-item', 'data-prefix': prefix, title: prefix }));
      item.appendChild(el('span', { class: 'swatch' })).style.background = colors.get(prefix)!;
      item.appendChild(el('span', { class: 'legend-text' }, prefix));
    }
    if (transfer) {
      const item = this.legend.appendChild(el('span', { class: 'legend-item' }));
      const sw = item.appendChild(el('span', { class: 'swatch' }));
      sw.style.background = themeColor('--vscode-charts-red', '#e51400');
      sw.style.opacity = '0.4';
      item.appendChild(textNode('transfer'));
    }
    if (disk) {
      const item = this.legend.appendChild(el('span', { class: 'legend-item' }));
      const sw = item.appendChild(el('span', { class: 'swatch' }));
      sw.style.background = themeColor('--vscode-charts-orange', '#d18616');
      sw.style.opacity = '0.4';
      item.appendChild(textNode('disk (spill)'));
    }
  }
}

/** What decides a bar's colour and opacity (see draw): bars with the same key are painted together. */
function styleKey(b: TaskBar): string {
  return b.status !== 'OK' ? `error ${b.action}` : b.action === 'compute' ? `compute ${b.prefix}` : b.action;
}
