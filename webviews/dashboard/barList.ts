// Horizontal stacked bars, one row per worker or task prefix, as Dask's own dashboard draws them (memory per worker,
// progress per task group): a label, coloured segments on one shared scale, an optional limit mark and a note.
// Hand-drawn on one canvas because uPlot has no categorical horizontal stacks with per-row colours; only the rows in
// view are drawn (the canvas sticks to the top of a scroll box), so 1,000 workers cost what ~20 do.
import { drawText, el, setText, setTitle, textNode } from '../shared/dom';
import { showInvisible } from '../../src/shared/text/controlCharacters';
import { axisColors, bodyFont } from '../shared/charts';

export interface BarSegment {
  label: string;
  /** CSS colour, read at each draw (theme changes); `rowColor` uses the row's own colour instead (Dask's memory tone). */
  color: () => string;
  rowColor?: boolean;
  alpha?: number;
  /** Drawn as an outline only (e.g. tasks still waiting). */
  outline?: boolean;
}

/**
 * How a bar list reads its rows (worker rows, prefix rows…). Only `key`, `total` and `limit` are asked of every row (for
 * the shared scale); labels, values, notes and tooltips only of the rows in view, so 1,000 workers stay cheap.
 */
export interface BarSource<T> {
  key(row: T): string;
  label(row: T): string;
  /** One value per segment. */
  values(row: T): number[];
  /** Sum of `values` (the bar's length). */
  total(row: T): number;
  /** Drawn as a vertical mark (e.g. the worker's memory limit, its thread count). */
  limit?(row: T): number | undefined;
  /** The row's colour for `rowColor` segments. */
  color?(row: T): string;
  /** Text at the right end (e.g. "1.2 / 4 GiB"). */
  note(row: T): string;
  /** The tooltip. */
  title(row: T): string;
}

export interface BarListSpec {
  title: string;
  testId: string;
  segments: BarSegment[];
  /** One line under the title saying what the bars mean. */
  caption?: string;
  limitLabel?: string;
}

const ROW_H = 18;
const MAX_VIEW = 320;
const LABEL_W = 110;
const NOTE_W = 140;

export class BarList<T> {
  readonly box: HTMLElement;
  private readonly scroll: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly spacer: HTMLDivElement;
  private readonly message: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly note: HTMLElement;
  private rows: readonly T[] = [];
  private selected?: string;
  private pending = false;
  /**
   * The box's width and the scroll offset as last laid out (from the resize observer and scroll events): a draw reads
   * no layout, so one update's draws after its DOM writes do not each force a layout.
   */
  private boxWidth?: number;
  private scrollTop = 0;
  private sizes = '';
  /** What the last draw put on screen (for tests and the benchmark): key, label, segment widths in px, selected. */
  private drawn: { key: string; label: string; widths: number[]; selected: boolean }[] = [];
  onSelect?: (key: string) => void;

  constructor(parent: HTMLElement, readonly spec: BarListSpec, private readonly source: BarSource<T>) {
    this.box = parent.appendChild(el('div', { class: 'chart barlist', 'data-testid': spec.testId }));
    this.box.appendChild(el('h3', {}, spec.title));
    if (spec.caption) this.box.appendChild(el('div', { class: 'caption muted' }, spec.caption));
    this.note = this.box.appendChild(el('div', { class: 'caption muted hidden', 'data-testid': `${spec.testId}-note` }));
    this.legend = this.box.appendChild(el('div', { class: 'legend' }));
    this.message = this.box.appendChild(el('p', { class: 'muted hidden', 'data-testid': `${spec.testId}-missing`, role: 'status' }));
    this.scroll = this.box.appendChild(el('div', { class: 'barlist-scroll' }));
    this.canvas = this.scroll.appendChild(el('canvas', { role: 'img', 'aria-label': spec.title }));
    this.spacer = this.scroll.appendChild(el('div'));
    this.scroll.addEventListener('scroll', () => {
      this.scrollTop = this.scroll.scrollTop;
      this.schedule();
    });
    this.canvas.addEventListener('click', (e) => {
      const row = this.rowAt(e.offsetY);
      if (row) this.onSelect?.(this.source.key(row));
    });
    this.canvas.addEventListener('mousemove', (e) => {
      const row = this.rowAt(e.offsetY);
      setTitle(this.canvas, row ? this.source.title(row) : '');
    });
    new ResizeObserver(() => {
      this.boxWidth = this.box.clientWidth;
      this.schedule();
    }).observe(this.box);
    this.buildLegend();
  }

  /** Rows to draw, or a plain sentence saying why there are none. */
  setRows(rows: readonly T[], missing?: string): void {
    this.rows = rows;
    setText(this.message, missing ?? '');
    this.message.classList.toggle('hidden', !missing);
    this.scroll.classList.toggle('hidden', rows.length === 0);
    this.draw();
  }

  /** A line under the title saying where the rows come from (none: the caption alone). */
  setNote(note: string | undefined): void {
    setText(this.note, note ?? '');
    this.note.classList.toggle('hidden', !note);
  }

  select(key: string | undefined): void {
    if (this.selected === key) return;
    this.selected = key;
    const i = key === undefined ? -1 : this.rows.findIndex((r) => this.source.key(r) === key);
    // Bring the selected row into view, as the table does.
    if (i >= 0 && (i * ROW_H < this.scroll.scrollTop || (i + 1) * ROW_H > this.scroll.scrollTop + this.scroll.clientHeight)) {
      this.scroll.scrollTop = Math.max(0, i * ROW_H - ROW_H * 2);
      this.scrollTop = this.scroll.scrollTop;
    }
    this.draw();
  }

  /** Redraws with the current theme colours. */
  restyle(): void {
    this.buildLegend();
    this.draw();
  }

  drawnRows(): { key: string; label: string; widths: number[]; selected: boolean }[] {
    return this.drawn;
  }

  get missing(): string | undefined {
    return this.message.classList.contains('hidden') ? undefined : this.message.textContent ?? undefined;
  }

  private buildLegend(): void {
    this.legend.replaceChildren();
    for (const s of this.spec.segments) {
      const item = this.legend.appendChild(el('span', { class: 'legend-item' }));
      const sw = item.appendChild(el('span', { class: 'swatch' }));
      const c = s.color();
      if (s.outline) sw.style.border = `1px solid ${c}`;
      else sw.style.background = c;
      sw.style.opacity = String(s.alpha ?? 1);
      item.appendChild(textNode(s.label));
    }
    if (this.spec.limitLabel) {
      const item = this.legend.appendChild(el('span', { class: 'legend-item' }));
      item.appendChild(el('span', { class: 'swatch limit' }));
      item.appendChild(textNode(this.spec.limitLabel));
    }
  }

  private rowAt(offsetY: number): T | undefined {
    return this.rows[Math.floor((this.scrollTop + offsetY) / ROW_H)];
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const n = this.rows.length;
    const viewH = Math.min(MAX_VIEW, Math.max(ROW_H, n * ROW_H));
    const width = Math.max(300, (this.boxWidth ??= this.box.clientWidth) - 14);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(viewH * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(viewH * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${viewH}px`;
    }
    // Written only when they change: an unchanged list leaves the page's layout alone.
    const sizes = `${viewH} ${n}`;
    if (sizes !== this.sizes) {
      this.sizes = sizes;
      this.scroll.style.maxHeight = `${viewH}px`;
      this.spacer.style.height = `${Math.max(0, n * ROW_H - viewH)}px`;
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, viewH);
    const { label: fg, grid } = axisColors();
    ctx.font = `11px ${bodyFont()}`;
    ctx.textBaseline = 'middle';
    const colors = this.spec.segments.map((s) => s.color());
    // One scale for every row (like Dask's): the largest total or limit.
    const src = this.source;
    let max = 0;
    for (const r of this.rows) max = Math.max(max, src.total(r), src.limit?.(r) ?? 0);
    const barX = LABEL_W;
    const barW = Math.max(40, width - LABEL_W - NOTE_W);
    const scale = max > 0 ? barW / max : 0;
    // A list that got shorter may have scrolled back (the browser clamps it; its scroll event comes later).
    const scrollTop = Math.min(this.scrollTop, Math.max(0, n * ROW_H - viewH));
    const first = Math.floor(scrollTop / ROW_H);
    const last = Math.min(n, first + Math.ceil(viewH / ROW_H) + 1);
    const offset = scrollTop - first * ROW_H;
    this.drawn = [];
    for (let i = first; i < last; i++) {
      const r = this.rows[i]!;
      const key = src.key(r);
      const label = src.label(r);
      const values = src.values(r);
      const limit = src.limit?.(r);
      const rowColor = src.color?.(r);
      const y = (i - first) * ROW_H - offset;
      const selected = key === this.selected;
      if (selected) {
        ctx.fillStyle = grid;
        ctx.fillRect(0, y, width, ROW_H);
      }
      ctx.fillStyle = fg;
      ctx.textAlign = 'left';
      drawText(ctx, fit(ctx, label, LABEL_W - 8), 2, y + ROW_H / 2);
      let x = barX;
      const widths: number[] = [];
      for (let s = 0; s < this.spec.segments.length; s++) {
        const seg = this.spec.segments[s]!;
        const w = (values[s] ?? 0) * scale;
        widths.push(w);
        if (w <= 0) continue;
        ctx.globalAlpha = seg.alpha ?? 1;
        const c = seg.rowColor && rowColor ? rowColor : colors[s]!;
        if (seg.outline) {
          ctx.strokeStyle = c;
          ctx.strokeRect(x + 0.5, y + 3.5, Math.max(0, w - 1), ROW_H - 7);
        } else {
          ctx.fillStyle = c;
          ctx.fillRect(x, y + 3, w, ROW_H - 6);
        }
        ctx.globalAlpha = 1;
        x += w;
      }
      if (limit !== undefined && limit > 0) {
        const lx = barX + limit * scale;
        ctx.fillStyle = fg;
        ctx.fillRect(Math.min(lx, barX + barW) - 1, y + 1, 2, ROW_H - 2);
      }
      ctx.fillStyle = fg;
      drawText(ctx, fit(ctx, src.note(r), NOTE_W - 8), barX + barW + 8, y + ROW_H / 2);
      if (selected) {
        ctx.strokeStyle = fg;
        ctx.lineWidth = 2;
        ctx.strokeRect(1, y + 1, width - 2, ROW_H - 2);
        ctx.lineWidth = 1;
      }
      this.drawn.push({ key, label, widths, selected });
    }
  }
}

/** The text, cut with an ellipsis to fit `max` pixels. */
function fit(ctx: CanvasRenderingContext2D, raw: string, max: number): string {
  // Cut what will be shown (markers for hidden characters), so a marker is never cut in half unseen.
  const text = showInvisible(raw);
  if (ctx.measureText(text).width <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
