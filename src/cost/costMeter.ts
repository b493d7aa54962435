// The cost meter's core: each tick lists billable resources, prices them, integrates, persists, checks budget and idleness.
import { activeTasks } from '../dashboard/metrics/clusterSample';
import { RingBuffer } from '../shared/ringBuffer';
import { DashboardConnection, SchedulerSampler } from '../dashboard/metrics/schedulerSampler';
import type { Logger } from '../core/log';
import { Accrual, localDay } from './accrual';
import { Budget, BudgetConfig, BudgetStatus } from './budget';
import { CostLedger } from './costLedger';
import type { KeyValueStore } from '../core/keyValueStore';
import { IdleDetector } from './idleDetector';
import type { PriceTable } from './priceTable';
import { ClusterResource, CostResource, rateFor, ServerResource } from './rate';
import type { BillableRef } from '../shared/resourceIds';
import type { CostSnapshot, ResourceCostView } from '../shared/cost/costSnapshot';

/** Something that costs money while it exists: a hub server, or a cluster whose size is read from its scheduler. */
export type Billable =
  | { resource: ServerResource }
  | { resource: Omit<ClusterResource, 'workers'> & { workers?: number }; dashboard?: DashboardConnection };

/** "Which clusters and servers exist": the lead wires the hub and Dask modules into this. */
export interface BillableSource {
  list(signal?: AbortSignal): Promise<Billable[]>;
}

/** A resource's cost as the page shows it, and what it is (provider and cluster, or hub and server). */
export interface ResourceCost extends ResourceCostView {
  /** Actions use this, never a parsed id. */
  ref?: BillableRef;
}

export type MeterEvent =
  | { kind: 'budget'; threshold: number; status: BudgetStatus }
  | { kind: 'idle'; resourceId: string; ref?: BillableRef; label: string; idleForMs: number; usdPerHour: number };

export interface MeterSnapshot extends CostSnapshot {
  resources: ResourceCost[];
}

export interface CostMeterOptions {
  table: () => PriceTable;
  sources: BillableSource[];
  store: KeyValueStore;
  logger?: Logger;
  budget?: BudgetConfig;
  idleAfterMs?: number;
  maxGapMs?: number;
  historyCapacity?: number;
  fetch?: typeof fetch;
  dayOf?: (t: number) => string;
}

interface Tracked {
  accrual: Accrual;
  idle: IdleDetector;
  sampler?: SchedulerSampler;
  last?: ResourceCost;
  rateHistory: RingBuffer;
  label: string;
}

export class CostMeter {
  readonly ledger: CostLedger;
  private budget?: Budget;
  private readonly tracked = new Map<string, Tracked>();
  private readonly time: RingBuffer;
  private readonly total: RingBuffer;
  private readonly session: RingBuffer;
  private lastSnapshot?: MeterSnapshot;

  constructor(private readonly opts: CostMeterOptions) {
    this.ledger = new CostLedger(opts.store);
    const cap = opts.historyCapacity ?? 1440;
    this.time = new RingBuffer(cap);
    this.total = new RingBuffer(cap);
    this.session = new RingBuffer(cap);
    this.setBudget(opts.budget);
  }

  setBudget(config: BudgetConfig | undefined): void {
    this.budget = config && config.limitUsd > 0 ? new Budget(config, this.opts.store) : undefined;
  }

  get snapshot(): MeterSnapshot | undefined {
    return this.lastSnapshot;
  }

  async tick(now = Date.now(), signal?: AbortSignal): Promise<{ snapshot: MeterSnapshot; events: MeterEvent[] }> {
    const dayOf = this.opts.dayOf ?? localDay;
    const table = this.opts.table();
    const listed = (await Promise.all(this.opts.sources.map((s) => s.list(signal).catch((e) => {
      this.opts.logger?.warn(`cost: a resource list failed: ${(e as Error).message}`);
      return [] as Billable[];
    })))).flat();
    const events: MeterEvent[] = [];
    const seen = new Set<string>();
    const resources: ResourceCost[] = [];
    for (const billable of listed) {
      const id = billable.resource.id;
      if (seen.has(id)) continue;
      seen.add(id);
      const t = this.track(id, billable);
      const cost = await this.price(t, billable, table, now, signal, events);
      for (const { day, usd } of cost.step?.byDay ?? []) await this.ledger.add(day, id, billable.resource.label, usd);
      cost.entry.todayUsd = this.ledger.resourceUsd(dayOf(now), id);
      cost.entry.sessionUsd = this.ledger.sessionByResource.get(id) ?? 0;
      t.last = cost.entry;
      resources.push(cost.entry);
    }
    // Gone resources stop accruing; if they come back, their first sample starts a new segment.
    for (const [id, t] of this.tracked) if (!seen.has(id)) { t.accrual.interrupt(); t.rateHistory.push(0); }

    const today = dayOf(now);
    const month = today.slice(0, 7);
    const totalUsdPerHour = resources.reduce((s, r) => s + r.usdPerHour, 0);
    let budget: MeterSnapshot['budget'];
    if (this.budget) {
      const { period } = this.budget.config;
      const spent = period === 'day' ? this.ledger.day(today).totalUsd : this.ledger.month(month);
      const status = await this.budget.evaluate(spent, period === 'day' ? today : month);
      // One sample may cross 50, 80 and 100 % at once: say only the highest, once.
      const highest = status.crossed.length ? Math.max(...status.crossed) : undefined;
      if (highest !== undefined) events.push({ kind: 'budget', threshold: highest, status });
      const { crossed: _crossed, ...rest } = status;
      budget = rest;
    }
    this.time.push(now);
    this.total.push(totalUsdPerHour);
    this.session.push(this.ledger.sessionUsd);
    const perResource: MeterSnapshot['history']['perResource'] = {};
    for (const [id, t] of this.tracked) perResource[id] = { label: t.label, usdPerHour: t.rateHistory.toArray() };
    this.lastSnapshot = {
      time: now, totalUsdPerHour, todayUsd: this.ledger.day(today).totalUsd, sessionUsd: this.ledger.sessionUsd,
      monthUsd: this.ledger.month(month), resources, budget, asOf: table.asOf, estimated: true,
      history: { time: this.time.toArray(), totalUsdPerHour: this.total.toArray(), sessionUsd: this.session.toArray(), perResource },
    };
    return { snapshot: this.lastSnapshot, events };
  }

  private track(id: string, billable: Billable): Tracked {
    let t = this.tracked.get(id);
    const url = 'dashboard' in billable ? billable.dashboard?.dashboardUrl : undefined;
    if (!t) {
      const rateHistory = new RingBuffer(this.time.capacity);
      // Align a newcomer's series with the shared time axis.
      for (let i = 0; i < this.time.length; i++) rateHistory.push(0);
      t = { accrual: new Accrual({ maxGapMs: this.opts.maxGapMs, dayOf: this.opts.dayOf }), idle: new IdleDetector(this.opts.idleAfterMs ?? 30 * 60_000), rateHistory, label: billable.resource.label };
      this.tracked.set(id, t);
    }
    t.label = billable.resource.label;
    if (url && t.sampler?.connection.dashboardUrl !== url && 'dashboard' in billable && billable.dashboard) {
      t.sampler?.dispose();
      t.sampler = new SchedulerSampler(billable.dashboard, { logger: this.opts.logger, fetch: this.opts.fetch });
    }
    return t;
  }

  private async price(t: Tracked, billable: Billable, table: PriceTable, now: number, signal: AbortSignal | undefined, events: MeterEvent[]) {
    let resource: CostResource;
    let epoch: string | undefined;
    const status: ResourceCost['status'] = 'live';
    let idleForMs: number | undefined;
    if (billable.resource.kind === 'server') {
      resource = billable.resource;
    } else if (t.sampler) {
      const polled = await t.sampler.poll(signal);
      if (!polled.ok) {
        t.accrual.interrupt();
        const rate = rateFor({ ...billable.resource, workers: 0, scheduler: false }, table);
        t.rateHistory.push(0);
        return { entry: { id: billable.resource.id, kind: 'cluster' as const, label: billable.resource.label, ref: billable.resource.ref, usdPerHour: 0, todayUsd: 0, sessionUsd: 0, rate, status: 'unreachable' as const } };
      }
      const s = polled.sample;
      resource = { ...billable.resource, kind: 'cluster', workers: s.workers, threads: s.threads, memoryLimitBytes: s.memoryLimitBytes };
      epoch = s.schedulerId;
      const verdict = t.idle.observe(now, { activeTasks: activeTasks(s.tasks), idleSince: await t.sampler.idleSince(signal) });
      idleForMs = verdict.idleForMs;
      if (verdict.nudge) {
        const usdPerHour = rateFor(resource, table).usdPerHour;
        if (usdPerHour > 0) events.push({ kind: 'idle', resourceId: resource.id, ref: resource.ref, label: resource.label, idleForMs, usdPerHour });
      }
    } else {
      resource = { ...billable.resource, kind: 'cluster', workers: billable.resource.workers ?? 0 };
    }
    const rate = rateFor(resource, table);
    const step = t.accrual.observe(now, rate.usdPerHour, epoch);
    t.rateHistory.push(rate.usdPerHour);
    const entry: ResourceCost = {
      id: resource.id, kind: resource.kind, label: resource.label, ref: resource.ref, usdPerHour: rate.usdPerHour, todayUsd: 0, sessionUsd: 0, rate, status, idleForMs,
      ...(rate.unpriced ? { unpriced: true } : {}),
    };
    return { entry, step };
  }
}
