// The versioned price table: bundled defaults, overrides merged on top, and instance/core/GiB lookups.
import defaults from './defaultPrices.json';

export type Cloud = 'aws' | 'gcp' | 'azure';
export const CLOUDS: readonly Cloud[] = ['aws', 'gcp', 'azure'];

export interface InstanceSpec {
  vcpu: number;
  memoryGiB: number;
}

export interface CloudPrices {
  source: string;
  defaultRegion: string;
  /** Spot price ≈ on-demand × this (typical, not live). */
  spotMultiplier?: number;
  perCoreHour: number;
  perGiBHour: number;
  instances: Record<string, InstanceSpec>;
  /** region → instance type → on-demand $/h */
  regions: Record<string, Record<string, number>>;
}

export interface PriceTable {
  version: number;
  asOf: string;
  currency: 'USD';
  note?: string;
  fallback: { perCoreHour: number; perGiBHour: number };
  clouds: Partial<Record<Cloud, CloudPrices>>;
}

/** A partial table laid over another (settings, presets): any field may be left out. */
export interface PriceOverrides {
  asOf?: string;
  source?: string;
  fallback?: Partial<PriceTable['fallback']>;
  clouds?: Partial<Record<Cloud, Partial<Omit<CloudPrices, 'instances' | 'regions'>> & {
    instances?: Record<string, InstanceSpec>;
    regions?: Record<string, Record<string, number>>;
  }>>;
}

export function defaultPriceTable(): PriceTable {
  return structuredClone(defaults) as PriceTable;
}

export function isCloud(v: string): v is Cloud {
  return (CLOUDS as readonly string[]).includes(v);
}

/** Overrides win field by field; instance and region maps are merged, not replaced. */
export function mergePrices(base: PriceTable, over: PriceOverrides | undefined): PriceTable {
  const out = structuredClone(base);
  if (!over) return out;
  const problems = validateOverrides(over);
  if (problems.length) throw new Error(`Invalid price overrides: ${problems.join('; ')}`);
  if (over.asOf) out.asOf = over.asOf;
  if (over.fallback) out.fallback = { ...out.fallback, ...over.fallback };
  for (const [cloud, o] of Object.entries(over.clouds ?? {}) as [Cloud, NonNullable<PriceOverrides['clouds']>[Cloud]][]) {
    if (!o) continue;
    const target: CloudPrices = out.clouds[cloud] ?? {
      source: over.source ?? 'user overrides', defaultRegion: o.defaultRegion ?? Object.keys(o.regions ?? {})[0] ?? '',
      perCoreHour: out.fallback.perCoreHour, perGiBHour: out.fallback.perGiBHour, instances: {}, regions: {},
    };
    const { instances, regions, ...scalars } = o;
    Object.assign(target, scalars);
    if (over.source && !o.source) target.source = `${target.source} + ${over.source}`;
    Object.assign(target.instances, instances ?? {});
    for (const [region, prices] of Object.entries(regions ?? {})) target.regions[region] = { ...target.regions[region], ...prices };
    out.clouds[cloud] = target;
  }
  return out;
}

/** Reasons an override object is unusable (empty when fine); prices must be finite and ≥ 0. */
export function validateOverrides(over: unknown): string[] {
  const problems: string[] = [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const price = (v: unknown, where: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${where} must be a number ≥ 0`);
  };
  if (!isObj(over)) return ['overrides must be an object'];
  if (over.fallback !== undefined) {
    if (!isObj(over.fallback)) problems.push('fallback must be an object');
    else for (const [k, v] of Object.entries(over.fallback)) price(v, `fallback.${k}`);
  }
  if (over.clouds !== undefined) {
    if (!isObj(over.clouds)) return [...problems, 'clouds must be an object'];
    for (const [cloud, o] of Object.entries(over.clouds)) {
      if (!isCloud(cloud)) problems.push(`unknown cloud "${cloud}" (aws, gcp, azure)`);
      if (!isObj(o)) { problems.push(`clouds.${cloud} must be an object`); continue; }
      for (const k of ['spotMultiplier', 'perCoreHour', 'perGiBHour'] as const) if (o[k] !== undefined) price(o[k], `clouds.${cloud}.${k}`);
      if (o.regions !== undefined) {
        if (!isObj(o.regions)) problems.push(`clouds.${cloud}.regions must be an object`);
        else for (const [r, m] of Object.entries(o.regions)) {
          if (!isObj(m)) problems.push(`clouds.${cloud}.regions.${r} must map instance types to $/h`);
          else for (const [t, v] of Object.entries(m)) price(v, `clouds.${cloud}.regions.${r}.${t}`);
        }
      }
      if (o.instances !== undefined) {
        if (!isObj(o.instances)) problems.push(`clouds.${cloud}.instances must be an object`);
        else for (const [t, spec] of Object.entries(o.instances)) {
          if (!isObj(spec)) { problems.push(`clouds.${cloud}.instances.${t} must be {vcpu, memoryGiB}`); continue; }
          price(spec.vcpu, `clouds.${cloud}.instances.${t}.vcpu`);
          price(spec.memoryGiB, `clouds.${cloud}.instances.${t}.memoryGiB`);
        }
      }
    }
  }
  return problems;
}

export interface InstancePrice {
  cloud: Cloud;
  instanceType: string;
  /** The region the price came from (the cloud's default region when the asked one is not in the table). */
  region: string;
  exactRegion: boolean;
  spot: boolean;
  usdPerHour: number;
  onDemandUsdPerHour: number;
  spec?: InstanceSpec;
  asOf: string;
  source: string;
}

/** Case-insensitive key lookup (Azure sizes are written Standard_D4s_v3 or standard_d4s_v3). */
function findKey<T>(map: Record<string, T> | undefined, key: string): string | undefined {
  if (!map) return undefined;
  if (key in map) return key;
  const lower = key.toLowerCase();
  return Object.keys(map).find((k) => k.toLowerCase() === lower);
}

export function lookupInstance(table: PriceTable, cloud: Cloud, region: string | undefined, instanceType: string, spot = false): InstancePrice | undefined {
  const c = table.clouds[cloud];
  if (!c) return undefined;
  const asked = region ? findKey(c.regions, region) : undefined;
  let usedRegion = asked;
  let typeKey = asked ? findKey(c.regions[asked], instanceType) : undefined;
  if (!typeKey) {
    usedRegion = findKey(c.regions, c.defaultRegion);
    typeKey = usedRegion ? findKey(c.regions[usedRegion], instanceType) : undefined;
  }
  let onDemand: number | undefined = typeKey && usedRegion ? c.regions[usedRegion]![typeKey] : undefined;
  const specKey = findKey(c.instances, instanceType);
  const spec = specKey ? c.instances[specKey] : undefined;
  // A known shape with no listed price is priced from the cloud's per-core and per-GiB rates.
  if (onDemand === undefined && spec) {
    onDemand = spec.vcpu * c.perCoreHour + spec.memoryGiB * c.perGiBHour;
    usedRegion = undefined;
  }
  if (onDemand === undefined) return undefined;
  const multiplier = spot ? c.spotMultiplier ?? 1 : 1;
  return {
    cloud, instanceType: typeKey ?? specKey ?? instanceType, region: usedRegion ?? c.defaultRegion,
    exactRegion: !!region && usedRegion !== undefined && usedRegion.toLowerCase() === region.toLowerCase() && typeKey !== undefined,
    spot, usdPerHour: onDemand * multiplier, onDemandUsdPerHour: onDemand, spec, asOf: table.asOf, source: c.source,
  };
}

/** $/h for bare cores and memory (where no instance type is known). */
export function coreMemoryPrice(table: PriceTable, cloud: Cloud | undefined, cores: number, memoryGiB: number, spot = false): number {
  const c = cloud ? table.clouds[cloud] : undefined;
  const perCore = c?.perCoreHour ?? table.fallback.perCoreHour;
  const perGiB = c?.perGiBHour ?? table.fallback.perGiBHour;
  const multiplier = spot ? c?.spotMultiplier ?? 1 : 1;
  return (cores * perCore + memoryGiB * perGiB) * multiplier;
}

export function sourceOf(table: PriceTable, cloud: Cloud | undefined): string {
  return (cloud && table.clouds[cloud]?.source) || 'fallback per-core-hour and per-GiB-hour rates';
}
