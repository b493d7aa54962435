// The sortable workers table: rows keyed by address, only changed cells rewritten, re-ordered only when the order changes.
import type { WorkerRow, WorkersUpdate } from '../shared/protocol';
import { formatAgo, formatBytes, formatPercent } from '../shared/format';

type Key = 'name' | 'address' | 'threads' | 'memoryBytes' | 'cpuPercent' | 'lastSeen';
const COLUMNS: { key: Key; title: string; num: boolean }[] = [
  { key: 'name', title: 'Name', num: false },
  { key: 'address', title: 'Address', num: false },
  { key: 'threads', title: 'Threads', num: true },
  { key: 'memoryBytes', title: 'Memory', num: true },
  { key: 'cpuPercent', title: 'CPU', num: true },
  { key: 'lastSeen', title: 'Last seen', num: true },
];

interface Entry {
  row: WorkerRow;
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
}

export class WorkersTable {
  private readonly rows = new Map<string, Entry>();
  private readonly tbody: HTMLTableSectionElement;
  private readonly headers: HTMLTableCellElement[] = [];
  private sortKey: Key = 'name';
  private ascending = true;
  private order: Entry[] = [];
  private now = Date.now();

  constructor(parent: HTMLElement) {
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    const table = document.createElement('table');
    table.dataset.testid = 'workers-table';
    const head = table.createTHead().insertRow();
    for (const col of COLUMNS) {
      const th = document.createElement('th');
      th.textContent = col.title;
      th.dataset.key = col.key;
      th.tabIndex = 0;
      if (col.num) th.className = 'num';
      th.addEventListener('click', () => this.sortBy(col.key));
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') this.sortBy(col.key); });
      head.appendChild(th);
      this.headers.push(th);
    }
    this.tbody = table.createTBody();
    wrap.appendChild(table);
    parent.appendChild(wrap);
    this.updateHeaders();
  }

  get size(): number {
    return this.rows.size;
  }

  apply(update: WorkersUpdate, now: number): void {
    this.now = now;
    if (update.reset) {
      for (const e of this.rows.values()) e.tr.remove();
      this.rows.clear();
    }
    for (const address of update.remove) {
      const e = this.rows.get(address);
      if (e) {
        e.tr.remove();
        this.rows.delete(address);
      }
    }
    for (const row of update.upsert) {
      let e = this.rows.get(row.address);
      if (!e) {
        const tr = document.createElement('tr');
        tr.dataset.address = row.address;
        const cells = COLUMNS.map((c) => {
          const td = tr.insertCell();
          td.dataset.col = c.key;
          if (c.num) td.className = 'num';
          return td;
        });
        e = { row, tr, cells };
        this.rows.set(row.address, e);
      }
      e.row = row;
      this.render(e);
    }
    // "Last seen" ages change with the clock even for unchanged rows.
    for (const e of this.rows.values()) this.setText(e.cells[5]!, formatAgo(e.row.lastSeen, this.now));
    this.sort();
  }

  sortBy(key: Key): void {
    this.ascending = this.sortKey === key ? !this.ascending : true;
    this.sortKey = key;
    this.updateHeaders();
    this.sort(true);
  }

  private render(e: Entry): void {
    const r = e.row;
    this.setText(e.cells[0]!, r.name);
    this.setText(e.cells[1]!, r.address);
    this.setText(e.cells[2]!, String(r.threads));
    this.setText(e.cells[3]!, `${formatBytes(r.memoryBytes)} / ${formatBytes(r.memoryLimitBytes)}`);
    this.setText(e.cells[4]!, formatPercent(r.cpuPercent));
  }

  private setText(td: HTMLTableCellElement, text: string): void {
    if (td.textContent !== text) td.textContent = text;
  }

  private sort(force = false): void {
    const key = this.sortKey;
    const dir = this.ascending ? 1 : -1;
    const sorted = [...this.rows.values()].sort((a, b) => {
      const x = a.row[key];
      const y = b.row[key];
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return c * dir || a.row.address.localeCompare(b.row.address);
    });
    const same = !force && sorted.length === this.order.length && sorted.every((e, i) => e === this.order[i]) &&
      sorted.every((e) => e.tr.parentNode === this.tbody);
    if (same) return;
    const frag = document.createDocumentFragment();
    for (const e of sorted) frag.appendChild(e.tr);
    this.tbody.appendChild(frag);
    this.order = sorted;
  }

  private updateHeaders(): void {
    for (const th of this.headers) {
      if (th.dataset.key === this.sortKey) th.setAttribute('aria-sort', this.ascending ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
  }

  /** Rows in display order (for the per-worker charts, so bars line up with the table). */
  rowsInOrder(): WorkerRow[] {
    return this.order.map((e) => e.row);
  }
}
