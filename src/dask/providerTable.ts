// Every kind of Dask provider, once: the editor (provider store, add-provider list, tree) and the CLI (--provider)
// both construct from this table. A new provider is its client, its descriptor here, and its tests.
import type { ClusterProvider, ProviderKind } from './clusterProvider';
import { coiledDescriptor } from './coiled/coiledDescriptor';
import { gatewayDescriptor } from './gateway/gatewayDescriptor';
import { localDescriptor } from './local/localDescriptor';
import type { DiscoveredCluster } from './notebook/kernelClusterDiscovery';
import type { Adoption, ProviderDescriptor } from './providerDescriptor';
import { schedulerDescriptor } from './scheduler/schedulerDescriptor';

/** In the order the editor lists them: this machine first, attached schedulers last. */
export const PROVIDER_TABLE = {
  local: localDescriptor,
  gateway: gatewayDescriptor,
  coiled: coiledDescriptor,
  scheduler: schedulerDescriptor,
} as const satisfies { readonly [K in ProviderKind]: ProviderDescriptor<K, { kind: K }> };

type ConfigOf<D> = D extends ProviderDescriptor<ProviderKind, infer C> ? C : never;

/** A provider's configuration as stored (globalState) or read from the CLI's flags: one shape per kind. */
export type ProviderConfig = ConfigOf<(typeof PROVIDER_TABLE)[ProviderKind]>;

/** A descriptor seen through the table's common shape (the per-kind types are the descriptors' own). */
export type AnyProviderDescriptor = ProviderDescriptor<ProviderKind, ProviderConfig>;

export function providerDescriptors(): AnyProviderDescriptor[] {
  return Object.values(PROVIDER_TABLE);
}

/** The descriptor of a kind named by a user (a CLI flag) or stored data; undefined for an unknown name. */
export function descriptorOf(kind: string): AnyProviderDescriptor | undefined {
  return Object.hasOwn(PROVIDER_TABLE, kind) ? (PROVIDER_TABLE[kind as ProviderKind]) : undefined;
}

/** The descriptor of a provider or a cluster's provider kind. */
export function descriptorFor(kind: ProviderKind): AnyProviderDescriptor {
  return PROVIDER_TABLE[kind];
}

export function configId(config: ProviderConfig): string {
  return descriptorFor(config.kind).configId(config);
}

/** The id of the provider a configuration belongs to (one per configuration, or the kind's one provider). */
export function providerIdOf(config: ProviderConfig): string {
  const d = descriptorFor(config.kind);
  return d.instances === 'each' ? d.configId(config) : d.kind;
}

/** Whether the user can remove the provider from the list (this machine is always there). */
export function isRemovable(provider: Pick<ClusterProvider, 'kind'>): boolean {
  return descriptorFor(provider.kind).instances !== 'builtin';
}

/** How to adopt a cluster found in a notebook: the first kind, in table order, that claims it; undefined when none. */
export function adoptionOf(found: DiscoveredCluster): Adoption<ProviderConfig> | undefined {
  for (const d of providerDescriptors()) {
    const adoption = d.adopt?.(found);
    if (adoption) return adoption;
  }
  return undefined;
}
