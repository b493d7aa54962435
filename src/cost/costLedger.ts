// Accrued cost per day and resource, persisted through an injected key-value store (globalState in the editor).
import type { KeyValueStore } from '../core/keyValueStore';
import { decodeResourceId, legacyResourceIds } from '../shared/resourceIds';

export interface DayRecord {
  totalUsd: number;
  resources: Record<string, { label: string; usd: number }>;
}

const DAY_PREFIX = 'pangeo.cost.day.';
const INDEX_KEY = 'pangeo.cost.days';
/** Days kept; older ones are dropped so the store stays small. */
const KEEP_DAYS = 400;

export class CostLedger {
  sessionUsd = 0;
  readonly sessionByResource = new Map<string, number>();

  constructor(private readonly store: KeyValueStore) {}

  async add(day: string, resourceId: string, label: string, usd: number): Promise<void> {
    if (!(usd > 0)) return;
    const record = this.day(day);
    record.totalUsd += usd;
    const r = (record.resources[resourceId] ??= { label, usd: 0 });
    r.label = label;
    r.usd += usd;
    this.sessionUsd += usd;
    this.sessionByResource.set(resourceId, (this.sessionByResource.get(resourceId) ?? 0) + usd);
    await this.store.update(DAY_PREFIX + day, record);
    const index = this.days();
    if (!index.includes(day)) {
      index.push(day);
      index.sort();
      const dropped = index.splice(0, Math.max(0, index.length - KEEP_DAYS));
      for (const old of dropped) await this.store.update(DAY_PREFIX + old, undefined);
      await this.store.update(INDEX_KEY, index);
    }
  }

  day(day: string): DayRecord {
    const stored = this.store.get<DayRecord>(DAY_PREFIX + day);
    return stored && typeof stored.totalUsd === 'number' ? structuredClone(stored) : { totalUsd: 0, resources: {} };
  }

  /** What a resource accrued on a day, with what an earlier version filed under the resource's old id. */
  resourceUsd(day: string, resourceId: string): number {
    const resources = this.day(day).resources;
    const ref = decodeResourceId(resourceId);
    return [resourceId, ...(ref ? legacyResourceIds(ref) : [])].reduce((sum, id) => sum + (resources[id]?.usd ?? 0), 0);
  }

  days(): string[] {
    const index = this.store.get<string[]>(INDEX_KEY);
    return Array.isArray(index) ? [...index] : [];
  }

  /** Σ of the days of a month, `YYYY-MM`. */
  month(month: string): number {
    return this.days().filter((d) => d.startsWith(`${month}-`)).reduce((s, d) => s + this.day(d).totalUsd, 0);
  }
}
