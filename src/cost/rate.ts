// $/h of a hub server or a Dask cluster, with the breakdown the status bar tooltip shows.
import { Cloud, coreMemoryPrice, lookupInstance, PriceTable, sourceOf } from './priceTable';
import type { BillableRef } from '../shared/resourceIds';
import type { Rate } from '../shared/cost/costSnapshot';


/** Where a resource runs; `local` (this machine) costs nothing unless its hub profile has a price of its own. */
export interface PricingHints {
  cloud?: Cloud | 'local';
  region?: string;
  spot?: boolean;
}

export interface ServerResource extends PricingHints {
  kind: 'server';
  id: string;
  label: string;
  ref?: BillableRef;
  /** The KubeSpawner profile it was started with, when known. */
  profile?: string;
  /** $/h given for this hub's profile (pangeo.cost.hubProfilePrices or a preset): wins over any size. */
  profileUsdPerHour?: number;
  /** From the hub profile (e.g. KubeSpawner node selector), when known. */
  instanceType?: string;
  cores?: number;
  memoryGiB?: number;
}

export interface ClusterResource extends PricingHints {
  kind: 'cluster';
  id: string;
  label: string;
  ref?: BillableRef;
  workers: number;
  /** Provider's worker instance type (Coiled, Gateway options); otherwise threads/memory are priced. */
  workerInstanceType?: string;
  schedulerInstanceType?: string;
  /** Σ worker threads and memory limits (identity.json), for clusters without instance types. */
  threads?: number;
  memoryLimitBytes?: number;
  /** Scheduler size when no instance type is known; false when the scheduler runs elsewhere for free. */
  scheduler?: { cores: number; memoryGiB: number } | false;
}

export type CostResource = ServerResource | ClusterResource;


const GIB = 1024 ** 3;
export const DEFAULT_SCHEDULER = { cores: 1, memoryGiB: 4 } as const;

export function rateFor(resource: CostResource, table: PriceTable): Rate {
  const rate: Rate = { usdPerHour: 0, lines: [], asOf: table.asOf, source: '', estimated: true, warnings: [] };
  const cloud = resource.cloud === 'local' ? undefined : resource.cloud;
  rate.source = resource.cloud === 'local' ? 'runs on this machine' : sourceOf(table, cloud);
  // A price the user (or a preset) set for the hub's profile wins, even for a hub on this machine.
  if (resource.cloud === 'local' && !(resource.kind === 'server' && resource.profileUsdPerHour !== undefined)) {
    rate.lines.push({ what: resource.kind === 'cluster' ? `${resource.workers} local workers` : 'local server', count: 1, unitUsdPerHour: 0, basis: 'free' });
    return rate;
  }
  if (resource.kind === 'server' && resource.profileUsdPerHour !== undefined) {
    rate.lines.push({ what: `server, profile ${resource.profile ?? ''}`.trim(), count: 1, unitUsdPerHour: resource.profileUsdPerHour, basis: 'profile' });
    rate.source = 'your price for this hub profile';
  } else if (resource.kind === 'server') {
    addMachine(rate, table, resource, 'server', 1, resource.instanceType, resource.cores, resource.memoryGiB);
    if (!rate.lines.length) {
      rate.unpriced = true;
      if (resource.profile) rate.warnings.push(`profile "${resource.profile}": set its $/h in pangeo.cost.hubProfilePrices to price it`);
    }
  } else {
    const perWorkerCores = resource.workers > 0 && resource.threads !== undefined ? resource.threads / resource.workers : undefined;
    const perWorkerGiB = resource.workers > 0 && resource.memoryLimitBytes !== undefined ? resource.memoryLimitBytes / GIB / resource.workers : undefined;
    if (resource.workers > 0) addMachine(rate, table, resource, 'worker', resource.workers, resource.workerInstanceType, perWorkerCores, perWorkerGiB);
    if (resource.schedulerInstanceType) addMachine(rate, table, resource, 'scheduler', 1, resource.schedulerInstanceType);
    else if (resource.scheduler !== false) {
      const s = resource.scheduler ?? DEFAULT_SCHEDULER;
      addMachine(rate, table, resource, 'scheduler', 1, undefined, s.cores, s.memoryGiB);
    }
  }
  rate.usdPerHour = rate.lines.reduce((sum, l) => sum + l.count * l.unitUsdPerHour, 0);
  return rate;
}

function addMachine(rate: Rate, table: PriceTable, hints: PricingHints, role: string, count: number,
  instanceType?: string, cores?: number, memoryGiB?: number): void {
  const cloud = hints.cloud === 'local' ? undefined : hints.cloud;
  const spot = hints.spot === true;
  if (instanceType && cloud) {
    const price = lookupInstance(table, cloud, hints.region, instanceType, spot);
    if (price) {
      if (!price.exactRegion && hints.region) rate.warnings.push(`${instanceType}: no ${hints.region} price in the table, used ${price.region}`);
      rate.lines.push({ what: `${role} ${price.instanceType}${spot ? ' (spot)' : ''}`, count, unitUsdPerHour: price.usdPerHour, basis: 'instance' });
      return;
    }
    rate.warnings.push(`${instanceType} is not in the ${cloud} price table: priced by cores and memory`);
  } else if (instanceType && !cloud) {
    rate.warnings.push(`${instanceType}: cloud unknown, priced by cores and memory`);
  }
  if (cores === undefined && memoryGiB === undefined) {
    rate.warnings.push(`${role}: size unknown, not charged`);
    return;
  }
  const unit = coreMemoryPrice(table, cloud, cores ?? 0, memoryGiB ?? 0, spot);
  rate.lines.push({ what: `${role} ${fmt(cores ?? 0)} cores ${fmt(memoryGiB ?? 0)} GiB${spot ? ' (spot)' : ''}`, count, unitUsdPerHour: unit, basis: 'cores-memory' });
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
