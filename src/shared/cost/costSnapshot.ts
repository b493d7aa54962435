// What the cost page shows, declared once for the host (src/cost/costMeter.ts builds it) and the webview.

export interface RateLine {
  what: string;
  count: number;
  unitUsdPerHour: number;
  basis: 'instance' | 'cores-memory' | 'free' | 'profile';
}

export interface Rate {
  usdPerHour: number;
  lines: RateLine[];
  asOf: string;
  source: string;
  /** Always true: no provider reports live dollars, these are list-price estimates. */
  estimated: true;
  warnings: string[];
  /** Nothing is known to price it by (no size, instance or profile price): $0 here means "unknown", not free. */
  unpriced?: boolean;
}

/** One priced resource (hub server or Dask cluster) as the page lists it. */
export interface ResourceCostView {
  id: string;
  kind: 'server' | 'cluster';
  label: string;
  /** Nothing known to price it by: show "unpriced", not $0. */
  unpriced?: boolean;
  usdPerHour: number;
  todayUsd: number;
  sessionUsd: number;
  rate: Rate;
  /** live: priced from a fresh observation; unreachable: not charged this tick. */
  status: 'live' | 'unreachable';
  idleForMs?: number;
}

/** Where spending stands against the budget of this period. */
export interface BudgetView {
  limitUsd: number;
  spentUsd: number;
  fraction: number;
  period: 'day' | 'month';
  periodKey: string;
}

export interface CostSnapshot {
  time: number;
  totalUsdPerHour: number;
  todayUsd: number;
  sessionUsd: number;
  monthUsd: number;
  resources: ResourceCostView[];
  budget?: BudgetView;
  asOf: string;
  /** Oldest-first history for the panel's charts. */
  history: { time: number[]; totalUsdPerHour: number[]; sessionUsd: number[]; perResource: Record<string, { label: string; usdPerHour: number[] }> };
  estimated: true;
}
