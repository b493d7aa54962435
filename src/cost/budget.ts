// A spending budget per period whose 50/80/100 % thresholds each fire once per period (remembered across reloads).
import type { KeyValueStore } from '../core/keyValueStore';
import type { BudgetView } from '../shared/cost/costSnapshot';

export interface BudgetConfig {
  limitUsd: number;
  period: 'day' | 'month';
  thresholds?: number[];
}

export interface BudgetStatus extends BudgetView {
  /** Thresholds crossed by this evaluation (not fired before in this period). */
  crossed: number[];
}

export const DEFAULT_THRESHOLDS = [0.5, 0.8, 1];

export class Budget {
  constructor(readonly config: BudgetConfig, private readonly store: KeyValueStore) {
    if (!(config.limitUsd > 0)) throw new RangeError('budget limit must be > 0');
  }

  /** periodKey is the day (YYYY-MM-DD) or month (YYYY-MM) the spending belongs to. */
  async evaluate(spentUsd: number, periodKey: string): Promise<BudgetStatus> {
    const fraction = spentUsd / this.config.limitUsd;
    const key = `pangeo.cost.budget.fired.${this.config.period}.${periodKey}`;
    const fired = new Set(this.store.get<number[]>(key) ?? []);
    const thresholds = [...(this.config.thresholds ?? DEFAULT_THRESHOLDS)].sort((a, b) => a - b);
    const crossed = thresholds.filter((t) => fraction >= t && !fired.has(t));
    if (crossed.length) {
      for (const t of crossed) fired.add(t);
      await this.store.update(key, [...fired]);
    }
    return { limitUsd: this.config.limitUsd, spentUsd, fraction, period: this.config.period, periodKey, crossed };
  }
}
