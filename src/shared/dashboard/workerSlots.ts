// Worker rows as they cross to the webview, against the rows it already holds. Each worker has a slot (a small integer
// the host gives it while the webview holds it), sent among the numbers; a text field (address, name, memory colour,
// status, current work) crosses only for the rows where it differs from what that slot holds. At 5,000 workers that
// change every poll the message is then numbers only (one Float64Array block, copied as bytes by webview.postMessage)
// and a few bytes of JSON, instead of ~0.27 MB of text for the host to write and the page to parse every 2 s.
import { NUMERIC_WORKER_FIELDS, type NumericWorkerField } from './workerColumns';
import { WORKER_FIELD_NAMES, WORKER_FIELDS, type WorkerField, type WorkerRow } from './workerFields';

export type TextWorkerField = Exclude<WorkerField, NumericWorkerField>;

/** The text fields, in declaration order. */
export const TEXT_WORKER_FIELDS = WORKER_FIELD_NAMES.filter((f): f is TextWorkerField => WORKER_FIELDS[f] === 'string');

/** One text field's new values: `value[j]` for the update's row `at[j]`. */
export interface TextChanges {
  readonly at: number[];
  readonly value: string[];
}

/** The rows of one update: each one's slot and numbers (one array per field), and the text that changed. */
export type SlotColumns<N extends ArrayLike<number> = readonly number[] | Float64Array> =
  { readonly slot: N; readonly text: { readonly [K in TextWorkerField]: TextChanges } } & { readonly [K in NumericWorkerField]: N };

/**
 * reset: the webview drops every row and slot first; `remove`: slots of workers that left (freed before `upsert` is
 * applied, so a new worker may take one in the same update); `upsert`: rows added or changed, at their slots.
 */
export interface WorkerSlotsUpdate<N extends ArrayLike<number> = readonly number[] | Float64Array> {
  reset: boolean;
  upsert: SlotColumns<N>;
  remove: number[];
}

/** What an update did to the rows the webview holds: the rows added or changed, and the addresses of those removed. */
export interface ReceivedWorkers {
  reset: boolean;
  rows: WorkerRow[];
  removed: string[];
}

/** Slots stay below this (a worker per slot at most: far more workers than any cluster has). */
export const MAX_SLOT = 1 << 24;

const noText = (): { [K in TextWorkerField]: { at: number[]; value: string[] } } => ({
  address: { at: [], value: [] }, name: { at: [], value: [] }, memoryColor: { at: [], value: [] }, status: { at: [], value: [] }, currentWork: { at: [], value: [] },
});

/**
 * Rows at the given slots (`slots[k]` for `rows[k]`): the numbers as Float64Array views of one buffer (the editor
 * copies each distinct buffer once; a thread moves it), and each text field only where it differs from what
 * `before[slot]` holds (all of it for an empty slot). Each field is read by its name: a keyed load over 22 names is
 * megamorphic (workerColumns.ts).
 */
export function slotColumns(rows: readonly WorkerRow[], slots: ArrayLike<number>, before: readonly (WorkerRow | undefined)[]): SlotColumns<Float64Array> {
  const n = rows.length;
  const block = new Float64Array((NUMERIC_WORKER_FIELDS.length + 1) * n);
  let next = 0;
  const num = () => block.subarray(n * next, n * ++next);
  const c = {
    slot: num(), threads: num(), memoryBytes: num(), memoryLimitBytes: num(), managedBytes: num(), unmanagedOldBytes: num(),
    unmanagedRecentBytes: num(), spilledBytes: num(), cpuPercent: num(), executing: num(), ready: num(), waitingForData: num(),
    inMemory: num(), transferInBytes: num(), transferOutBytes: num(), lastSeen: num(), occupancySeconds: num(), processing: num(),
    text: noText(),
  } satisfies SlotColumns<Float64Array>;
  const t = c.text;
  for (let k = 0; k < n; k++) {
    const r = rows[k]!;
    const slot = slots[k]!;
    c.slot[k] = slot;
    c.threads[k] = r.threads; c.memoryBytes[k] = r.memoryBytes; c.memoryLimitBytes[k] = r.memoryLimitBytes; c.managedBytes[k] = r.managedBytes;
    c.unmanagedOldBytes[k] = r.unmanagedOldBytes; c.unmanagedRecentBytes[k] = r.unmanagedRecentBytes; c.spilledBytes[k] = r.spilledBytes;
    c.cpuPercent[k] = r.cpuPercent; c.executing[k] = r.executing; c.ready[k] = r.ready; c.waitingForData[k] = r.waitingForData;
    c.inMemory[k] = r.inMemory; c.transferInBytes[k] = r.transferInBytes; c.transferOutBytes[k] = r.transferOutBytes;
    c.lastSeen[k] = r.lastSeen; c.occupancySeconds[k] = r.occupancySeconds; c.processing[k] = r.processing;
    const was = before[slot];
    if (was === r) continue;
    if (was?.address !== r.address) { t.address.at.push(k); t.address.value.push(r.address); }
    if (was?.name !== r.name) { t.name.at.push(k); t.name.value.push(r.name); }
    if (was?.memoryColor !== r.memoryColor) { t.memoryColor.at.push(k); t.memoryColor.value.push(r.memoryColor); }
    if (was?.status !== r.status) { t.status.at.push(k); t.status.value.push(r.status); }
    if (was?.currentWork !== r.currentWork) { t.currentWork.at.push(k); t.currentWork.value.push(r.currentWork); }
  }
  return c;
}

/**
 * The rows of `c` read against what each slot holds in `held` (a field without new text keeps the slot's), with
 * `fresh(slot)` true where the slot counts as empty; undefined when a slot comes twice or an empty one lacks text.
 * Reused strings are the held rows' own (no copies: the next comparison of them is by reference).
 */
export function readSlotColumns(c: SlotColumns, held: readonly (WorkerRow | undefined)[], fresh: (slot: number) => boolean = () => false): WorkerRow[] | undefined {
  const n = c.slot.length;
  const { address, name, memoryColor, status, currentWork } = textByRow(c.text, n);
  let top = -1;
  for (let k = 0; k < n; k++) top = Math.max(top, c.slot[k]!);
  const seen = new Uint8Array(top + 1);
  const rows = new Array<WorkerRow>(n);
  for (let k = 0; k < n; k++) {
    const slot = c.slot[k]!;
    if (seen[slot]) return undefined;
    seen[slot] = 1;
    const was = fresh(slot) ? undefined : held[slot];
    const a = address[k] ?? was?.address, nm = name[k] ?? was?.name, mc = memoryColor[k] ?? was?.memoryColor;
    const st = status[k] ?? was?.status, cw = currentWork[k] ?? was?.currentWork;
    if (a === undefined || nm === undefined || mc === undefined || st === undefined || cw === undefined) return undefined;
    rows[k] = {
      address: a, name: nm, threads: c.threads[k]!, memoryBytes: c.memoryBytes[k]!, memoryLimitBytes: c.memoryLimitBytes[k]!,
      managedBytes: c.managedBytes[k]!, unmanagedOldBytes: c.unmanagedOldBytes[k]!, unmanagedRecentBytes: c.unmanagedRecentBytes[k]!,
      spilledBytes: c.spilledBytes[k]!, memoryColor: mc, cpuPercent: c.cpuPercent[k]!, executing: c.executing[k]!, ready: c.ready[k]!,
      waitingForData: c.waitingForData[k]!, inMemory: c.inMemory[k]!, transferInBytes: c.transferInBytes[k]!,
      transferOutBytes: c.transferOutBytes[k]!, lastSeen: c.lastSeen[k]!, status: st, occupancySeconds: c.occupancySeconds[k]!,
      processing: c.processing[k]!, currentWork: cw,
    };
  }
  return rows;
}

/**
 * The host's side: which slot each worker has and the row last sent there. One per webview page; a reset update
 * starts afresh (a new page holds nothing).
 */
export class WorkerSlotsSender {
  private slotOf = new Map<string, number>();
  private held: (WorkerRow | undefined)[] = [];
  private free: number[] = [];
  /** The last update's rows' addresses and slots: the next one usually lists the same workers in the same order. */
  private lastAddresses: string[] = [];
  private lastSlots: number[] = [];

  update(reset: boolean, upsert: readonly WorkerRow[], remove: readonly string[] = []): WorkerSlotsUpdate<Float64Array> {
    if (reset) [this.slotOf, this.held, this.free, this.lastAddresses] = [new Map<string, number>(), [], [], []];
    const removed: number[] = [];
    for (const address of remove) {
      const slot = this.slotOf.get(address);
      if (slot === undefined) continue;
      this.slotOf.delete(address);
      this.held[slot] = undefined;
      this.free.push(slot);
      removed.push(slot);
    }
    // After removals a remembered slot may be free again: look each one up then.
    if (removed.length > 0) this.lastAddresses = [];
    const slots = new Array<number>(upsert.length);
    const addresses = new Array<string>(upsert.length);
    for (let k = 0; k < upsert.length; k++) {
      const address = addresses[k] = upsert[k]!.address;
      // The same string as last time at this place (compared by reference when it is the same string): no map lookup.
      let slot = this.lastAddresses[k] === address ? this.lastSlots[k] : this.slotOf.get(address);
      if (slot === undefined) {
        slot = this.free.pop() ?? this.held.length;
        this.slotOf.set(address, slot);
        // Taken now, so a second new worker in this update does not get the same slot.
        this.held[slot] = undefined;
      }
      slots[k] = slot;
    }
    const columns = slotColumns(upsert, slots, this.held);
    for (let k = 0; k < upsert.length; k++) this.held[slots[k]!] = upsert[k];
    [this.lastAddresses, this.lastSlots] = [addresses, slots];
    return { reset, upsert: columns, remove: removed };
  }
}

/** The webview's side (and tests'): the row each slot holds. */
export class WorkerSlotsReceiver {
  private bySlot: (WorkerRow | undefined)[] = [];

  /** Every row held, in slot order. */
  rows(): WorkerRow[] {
    return this.bySlot.filter((r): r is WorkerRow => r !== undefined);
  }

  /**
   * Applies one update; undefined (and nothing changed) when it does not fit what is held: a slot removed that holds
   * nothing, a slot twice, or a new worker without all its text. Expects a checked update (isWorkerSlotsUpdate).
   */
  apply(u: WorkerSlotsUpdate): ReceivedWorkers | undefined {
    const held = u.reset ? [] : this.bySlot;
    const gone = new Set<number>();
    for (const slot of u.remove) {
      if (held[slot] === undefined || gone.has(slot)) return undefined;
      gone.add(slot);
    }
    // A removed slot holds nothing now: a new worker there brings all its text.
    const rows = readSlotColumns(u.upsert, held, (slot) => gone.has(slot));
    if (!rows) return undefined;
    if (u.reset) this.bySlot = [];
    const removed: string[] = [];
    for (const slot of u.remove) {
      removed.push(this.bySlot[slot]!.address);
      this.bySlot[slot] = undefined;
    }
    for (let k = 0; k < rows.length; k++) this.bySlot[u.upsert.slot[k]!] = rows[k];
    return { reset: u.reset, rows, removed };
  }
}

/** No changes: every row keeps its slot's text (read past its end, it gives undefined for every row). */
const NONE: readonly (string | undefined)[] = [];

/** Each text field's new value by the update's row (undefined: the slot keeps its value). */
function textByRow(text: SlotColumns['text'], n: number): { [K in TextWorkerField]: readonly (string | undefined)[] } {
  const spread = (changes: TextChanges) => {
    // Most updates change no text: no array of 5,000 holes to allocate per field.
    if (changes.at.length === 0) return NONE;
    const out = new Array<string | undefined>(n);
    for (let j = 0; j < changes.at.length; j++) out[changes.at[j]!] = changes.value[j];
    return out;
  };
  return { address: spread(text.address), name: spread(text.name), memoryColor: spread(text.memoryColor), status: spread(text.status), currentWork: spread(text.currentWork) };
}

const isNumberColumn = (v: unknown, n: number): v is ArrayLike<number> => {
  if (v instanceof Float64Array) {
    if (v.length !== n) return false;
    for (let i = 0; i < n; i++) if (!Number.isFinite(v[i])) return false;
    return true;
  }
  if (!Array.isArray(v) || v.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const x: unknown = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  return true;
};

const isIndexList = (v: unknown, below: number): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0 && x < below);

/**
 * Whether `v` is an update as it reaches the webview: slots whole numbers below MAX_SLOT, every numeric field an
 * array or Float64Array of finite numbers of one length, each text field's changes rows of this update with string
 * values, removed slots whole numbers. Whether it fits the rows held is WorkerSlotsReceiver's check.
 */
export function isWorkerSlotsUpdate(v: unknown): v is WorkerSlotsUpdate {
  if (typeof v !== 'object' || v === null) return false;
  const u = v as Record<string, unknown>;
  if (typeof u.reset !== 'boolean' || !isIndexList(u.remove, MAX_SLOT)) return false;
  const c = u.upsert as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const slots = c.slot;
  const n = slots instanceof Float64Array || Array.isArray(slots) ? slots.length : -1;
  if (n < 0 || !isNumberColumn(slots, n)) return false;
  for (let i = 0; i < n; i++) if (!Number.isInteger(slots[i]) || slots[i]! < 0 || slots[i]! >= MAX_SLOT) return false;
  for (const f of NUMERIC_WORKER_FIELDS) if (!isNumberColumn(c[f], n)) return false;
  const text = c.text as Record<string, unknown> | null;
  if (typeof text !== 'object' || text === null) return false;
  for (const f of TEXT_WORKER_FIELDS) {
    const changes = text[f] as Record<string, unknown> | null;
    if (typeof changes !== 'object' || changes === null || !isIndexList(changes.at, n)) return false;
    const values = changes.value;
    if (!Array.isArray(values) || values.length !== changes.at.length || !values.every((s) => typeof s === 'string')) return false;
  }
  return true;
}
