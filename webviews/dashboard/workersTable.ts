// The sortable workers table, virtualized: only the rows in view exist in the DOM, so 1,000 workers cost what ~40 do.
import type { WorkerRow } from '../../src/shared/protocol/panels';
import type { ReceivedWorkers } from '../../src/shared/dashboard/workerSlots';
import { formatAgo, formatBytes, formatPercent } from '../shared/format';
import { setText, setTitle } from '../shared/dom';

type Key = 'name' | 'address' | 'threads' | 'memoryBytes' | 'cpuPercent' | 'executing' | 'lastSeen';
const COLUMNS: { key: Key; title: string; num: boolean; width: string }[] = [
  { key: 'name', title: 'Name', num: false, width: '14%' },
  { key: 'address', title: 'Address', num: false, width: '22%' },
  { key: 'threads', title: 'Threads', num: true, width: '8%' },
  { key: 'memoryBytes', title: 'Memory', num: true, width: '19%' },
  { key: 'cpuPercent', title: 'CPU', num: true, width: '8%' },
  { key: 'executing', title: 'Tasks now', num: true, width: '15%' },
  { key: 'lastSeen', title: 'Last seen', num: true, width: '14%' },
];
/** Must match `.workers tbody tr.row { height }` and `.table-wrap { max-height }` in theme.css. */
const ROW_HEIGHT = 24;
const MAX_HEIGHT = 420;
/** Rows rendered beyond the view on each side: enough for a scroll frame, few enough that an update lays out little. */
const OVERSCAN = 3;

interface PooledRow {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
}

export class WorkersTable {
  private readonly rows = new Map<string, WorkerRow>();
  private sorted: WorkerRow[] = [];
  /** Each worker's index in `sorted`. */
  private position = new Map<string, number>();
  private readonly wrap: HTMLDivElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly top: HTMLTableRowElement;
  private readonly bottom: HTMLTableRowElement;
  private readonly pool: PooledRow[] = [];
  private readonly headers: HTMLTableCellElement[] = [];
  private sortKey: Key = 'name';
  private ascending = true;
  private now = Date.now();
  private scrollPending = false;
  private selected?: string;
  /** A click on a row (the dashboard highlights that worker everywhere). */
  onSelect?: (address: string) => void;

  constructor(parent: HTMLElement) {
    this.wrap = document.createElement('div');
    this.wrap.className = 'table-wrap workers';
    const table = document.createElement('table');
    table.dataset.testid = 'workers-table';
    const colgroup = table.appendChild(document.createElement('colgroup'));
    for (const c of COLUMNS) colgroup.appendChild(document.createElement('col')).style.width = c.width;
    const head = table.createTHead().insertRow();
    for (const col of COLUMNS) {
      const th = document.createElement('th');
      setText(th, col.title);
      th.dataset.key = col.key;
      th.tabIndex = 0;
      if (col.num) th.className = 'num';
      th.addEventListener('click', () => this.sortBy(col.key));
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') this.sortBy(col.key); });
      head.appendChild(th);
      this.headers.push(th);
    }
    this.tbody = table.createTBody();
    this.top = this.spacer();
    this.bottom = this.spacer();
    this.tbody.append(this.top, this.bottom);
    this.wrap.appendChild(table);
    parent.appendChild(this.wrap);
    this.wrap.addEventListener('scroll', () => {
      if (this.scrollPending) return;
      this.scrollPending = true;
      requestAnimationFrame(() => {
        this.scrollPending = false;
        this.render();
      });
    });
    this.tbody.addEventListener('click', (e) => {
      const tr = (e.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-address]');
      if (tr?.dataset.address) this.onSelect?.(tr.dataset.address);
    });
    this.updateHeaders();
  }

  /** Highlights one worker's row (and scrolls it into view), or none. */
  select(address: string | undefined): void {
    this.selected = address;
    const i = address === undefined ? -1 : this.sorted.findIndex((r) => r.address === address);
    const top = i * ROW_HEIGHT;
    if (i >= 0 && (top < this.wrap.scrollTop || top + ROW_HEIGHT > this.wrap.scrollTop + this.wrap.clientHeight - ROW_HEIGHT)) {
      this.wrap.scrollTop = Math.max(0, top - ROW_HEIGHT * 3);
    }
    this.render();
  }

  get size(): number {
    return this.rows.size;
  }

  apply(update: ReceivedWorkers, now: number): void {
    this.now = now;
    const size = this.rows.size;
    if (update.reset) this.rows.clear();
    for (const address of update.removed) this.rows.delete(address);
    const upsert = update.rows;
    for (const row of upsert) this.rows.set(row.address, row);
    // Sorted by a field that never changes (name, address) and the same workers: the order stands, only the changed
    // rows are put in their places (a few hundred of 5,000 per update as Dask paces heartbeats).
    const same = !update.reset && update.removed.length === 0 && this.rows.size === size;
    if (same && (this.sortKey === 'name' || this.sortKey === 'address')) {
      for (const row of upsert) this.sorted[this.position.get(row.address)!] = row;
    } else this.sort();
    this.render();
  }

  sortBy(key: Key): void {
    this.ascending = this.sortKey === key ? !this.ascending : true;
    this.sortKey = key;
    this.updateHeaders();
    this.sort();
    this.render();
  }

  /** Rows in display order (the per-worker charts use it, so bars line up with the table). */
  rowsInOrder(): WorkerRow[] {
    return this.sorted;
  }

  private sort(): void {
    const key = this.sortKey;
    const dir = this.ascending ? 1 : -1;
    const collator = new Intl.Collator(undefined, { numeric: true });
    this.sorted = [...this.rows.values()].sort((a, b) => {
      const x = a[key];
      const y = b[key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return c * dir || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);
    });
    this.position = new Map(this.sorted.map((r, i) => [r.address, i]));
  }

  /** Fills the pooled rows with the slice of sorted rows that is in view; spacers keep the scroll height right. */
  private render(): void {
    const n = this.sorted.length;
    // The box grows to its max-height with its rows: before the first rows are in, it is only as high as its header.
    const viewport = Math.max(this.wrap.clientHeight, Math.min(MAX_HEIGHT, n * ROW_HEIGHT));
    const first = Math.max(0, Math.floor(this.wrap.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(n - first, Math.ceil(viewport / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < count) this.pool.push(this.pooledRow());
    for (let i = 0; i < this.pool.length; i++) {
      const p = this.pool[i]!;
      if (i >= count) {
        if (p.tr.parentNode) p.tr.remove();
        continue;
      }
      if (!p.tr.parentNode) this.tbody.insertBefore(p.tr, this.bottom);
      this.fill(p, this.sorted[first + i]!);
    }
    this.top.style.height = `${first * ROW_HEIGHT}px`;
    this.bottom.style.height = `${Math.max(0, n - first - count) * ROW_HEIGHT}px`;
  }

  private fill(p: PooledRow, r: WorkerRow): void {
    if (p.tr.dataset.address !== r.address) p.tr.dataset.address = r.address;
    const selected = r.address === this.selected;
    if (p.tr.classList.contains('selected') !== selected) {
      p.tr.classList.toggle('selected', selected);
      p.tr.setAttribute('aria-selected', String(selected));
    }
    setText(p.cells[0]!, r.name);
    // A long name or address is cut with an ellipsis (see theme.css): the whole of it is one hover away.
    setTitle(p.cells[0]!, r.name);
    setText(p.cells[1]!, r.address);
    setTitle(p.cells[1]!, r.address);
    setText(p.cells[2]!, String(r.threads));
    setText(p.cells[3]!, `${formatBytes(r.memoryBytes)} / ${formatBytes(r.memoryLimitBytes)}`);
    // Only when it changes: writing an attribute, even the same value, makes the browser restyle the cell.
    const title = `managed ${formatBytes(r.managedBytes)} · unmanaged ${formatBytes(r.unmanagedOldBytes + r.unmanagedRecentBytes)} · spilled ${formatBytes(r.spilledBytes)}`;
    setTitle(p.cells[3]!, title);
    setText(p.cells[4]!, formatPercent(r.cpuPercent));
    setText(p.cells[5]!, `${r.executing} running · ${r.ready} queued`);
    setText(p.cells[6]!, formatAgo(r.lastSeen, this.now));
  }

  private pooledRow(): PooledRow {
    const tr = document.createElement('tr');
    tr.className = 'row';
    const cells = COLUMNS.map((c) => {
      const td = tr.insertCell();
      td.dataset.col = c.key;
      if (c.num) td.className = 'num';
      return td;
    });
    return { tr, cells };
  }

  private spacer(): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    // A row without cells collapses whatever its height: one cell across all columns.
    tr.insertCell().colSpan = COLUMNS.length;
    return tr;
  }

  private updateHeaders(): void {
    for (const th of this.headers) {
      if (th.dataset.key === this.sortKey) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }
}
