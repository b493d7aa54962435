// The cluster providers the user added (globalState) and their secrets (SecretStorage), turned into ClusterProviders
// by the provider table. This machine is always there; scheduler addresses share one provider.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ClusterProvider, ProviderKind } from '../clusterProvider';
import type { KeyValueStore } from '../../core/keyValueStore';
import { localDescriptor } from '../local/localDescriptor';
import type { LocalClusterProvider } from '../local/localProvider';
import type { BuildContext, ProviderAddress, ProviderHost } from '../providerDescriptor';
import { configId, descriptorFor, descriptorOf, providerDescriptors, providerIdOf, type ProviderConfig } from '../providerTable';
import { InvalidInputError } from '../../core/http/errors';
import { dashboardRoot } from '../scheduler/schedulerDescriptor';

export { configId, type ProviderConfig } from '../providerTable';

const CONFIGS_KEY = 'pangeo.dask.providers';

export interface ProviderStoreDeps {
  state: KeyValueStore;
  secrets: Pick<vscode.SecretStorage, 'get' | 'store' | 'delete'>;
  logger: Logger;
  clustersDir: string;
  daskCommand: () => string | undefined;
  /** The hub sign-in's token for a Gateway that is a hub service (given by the hubs module). */
  hubTokenFor?: (gatewayUrl: string, hubUrl?: string) => Promise<string | undefined>;
  /** Scheduler addresses from settings (pangeo.dask.schedulerAddresses), e.g. preset by a workspace or a demo. */
  settingsSchedulerAddresses?: () => string[];
  /** Extra environment for local clusters (a preset's short-lived AWS credentials), read at each start. */
  extraEnv?: () => Record<string, string> | undefined;
  /** Environment for new Gateway clusters' workers (short-lived AWS credentials the user agreed to share). */
  gatewayWorkerEnv?: (gatewayUrl: string, hubUrl?: string) => Promise<Record<string, string> | undefined>;
}

export class ProviderStore {
  private cache = new Map<string, ClusterProvider>();
  private readonly host: ProviderHost;
  readonly local: LocalClusterProvider;

  constructor(private readonly deps: ProviderStoreDeps) {
    this.host = {
      state: deps.state,
      logger: deps.logger,
      localClustersDir: deps.clustersDir,
      daskCommand: deps.daskCommand,
      hubTokenFor: deps.hubTokenFor,
      gatewayWorkerEnv: deps.gatewayWorkerEnv,
      get env() {
        const extra = deps.extraEnv?.();
        return extra ? { ...process.env, ...extra } : process.env;
      },
    };
    this.local = localDescriptor.create({ kind: 'local' }, this.context({ kind: 'local' }));
  }

  /** The stored configurations; a kind this version does not know (stored by a newer one) is left alone. */
  configs(): ProviderConfig[] {
    return (this.deps.state.get<ProviderConfig[]>(CONFIGS_KEY) ?? []).filter((c) => descriptorOf(c.kind));
  }

  /** Keeps the known configurations `keep` accepts (and every unknown one), then appends `added`. */
  private async rewrite(keep: (c: ProviderConfig) => boolean, added: ProviderConfig[] = []): Promise<void> {
    const stored = this.deps.state.get<ProviderConfig[]>(CONFIGS_KEY) ?? [];
    await this.deps.state.update(CONFIGS_KEY, [...stored.filter((c) => !descriptorOf(c.kind) || keep(c)), ...added]);
  }

  /** The stored configurations and those from settings (attached schedulers). */
  private allConfigs(): ProviderConfig[] {
    const fromSettings = (this.deps.settingsSchedulerAddresses?.() ?? []).map((url): ProviderConfig => ({ kind: 'scheduler', url }));
    return [...this.configs(), ...fromSettings];
  }

  async add(config: ProviderConfig, secret?: string): Promise<void> {
    config = descriptorFor(config.kind).normalize(config);
    const id = configId(config);
    await this.rewrite((c) => configId(c) !== id, [config]);
    if (secret) await this.deps.secrets.store(secretKey(id), secret);
    this.cache.delete(id);
  }

  /** Removes a provider (every configuration it serves), or one configuration by its id. */
  async remove(providerId: string): Promise<void> {
    await this.rewrite((c) => configId(c) !== providerId && providerIdOf(c) !== providerId);
    await this.deps.secrets.delete(secretKey(providerId));
    this.cache.get(providerId)?.dispose?.();
    this.cache.delete(providerId);
  }

  /** Detaches a cluster of a shared provider (an attached scheduler, by its address as typed or its cluster id). */
  async detach(kind: ProviderKind, clusterId: string): Promise<void> {
    const d = descriptorFor(kind);
    const config = d.clusterConfig?.(clusterId);
    if (!config) return;
    const id = d.configId(d.normalize(config));
    await this.rewrite((c) => c.kind !== kind || configId(d.normalize(c)) !== id);
  }

  /** Built-in providers first, then one per configuration in the order added, then the shared ones (attached schedulers). */
  providers(): ClusterProvider[] {
    const all = this.allConfigs();
    const out: ClusterProvider[] = [this.local];
    for (const c of all) {
      if (descriptorFor(c.kind).instances === 'each') out.push(this.cached(configId(c), c));
    }
    for (const d of providerDescriptors()) {
      const first = d.instances === 'shared' ? all.find((c) => c.kind === d.kind) : undefined;
      if (first) out.push(this.cached(d.kind, first));
    }
    return out;
  }

  private cached(providerId: string, config: ProviderConfig): ClusterProvider {
    let p = this.cache.get(providerId);
    if (!p) {
      p = descriptorFor(config.kind).create(config, this.context(config));
      this.cache.set(providerId, p);
    }
    return p;
  }

  private context<C extends ProviderConfig>(config: C): BuildContext<C> {
    const id = configId(config);
    const host = this.host;
    return {
      ...host,
      // A spread would freeze the environment as it is now: local clusters read it at each start.
      get env() {
        return host.env;
      },
      secret: () => Promise.resolve(this.deps.secrets.get(secretKey(id))),
      sameKind: () => this.allConfigs().filter((c): c is C => c.kind === config.kind),
    };
  }

  /** Attached by the user (globalState) plus those in settings, one per normalized dashboard root. */
  schedulerAddresses(): string[] {
    return [...new Set(this.allConfigs().flatMap((c) => (c.kind === 'scheduler' ? [dashboardRoot(c.url)] : [])))];
  }

  /** Whether this scheduler (in any form of its address) is already attached. */
  hasSchedulerAddress(url: string): boolean {
    return this.schedulerAddresses().includes(dashboardRoot(url));
  }

  /**
   * The provider a preset names by kind and address, added when it needs no secret from the user (a Gateway that takes
   * the hub sign-in's token, a scheduler address); one that does (Coiled) must have been added before.
   */
  async providerAt(kind: string, address: ProviderAddress): Promise<ClusterProvider> {
    const d = descriptorOf(kind);
    if (!d) throw new InvalidInputError(`Unknown Dask provider "${kind}".`, `Use one of ${providerDescriptors().map((x) => x.kind).join(', ')}.`);
    const config = d.normalize(d.fromAddress(address));
    const known = d.instances === 'shared' ? this.allConfigs().some((c) => configId(c) === configId(config)) : !!this.provider(providerIdOf(config));
    if (!known) {
      if (d.secret === 'required') {
        throw new InvalidInputError(`${d.label} ${address.workspace ?? address.url ?? ''} is not connected.`, `Add it in the Dask Clusters view (Add Dask Provider), then retry.`);
      }
      await this.add(config);
    }
    const provider = this.provider(providerIdOf(config));
    if (!provider) throw new InvalidInputError(`The Dask provider ${providerIdOf(config)} could not be set up.`);
    return provider;
  }

  provider(id: string): ClusterProvider | undefined {
    return this.providers().find((p) => p.id === id);
  }

  config(providerId: string): ProviderConfig | undefined {
    return this.configs().find((c) => configId(c) === providerId);
  }

  dispose(): void {
    this.local.dispose();
    for (const p of this.cache.values()) p.dispose?.();
  }
}

export function secretKey(providerId: string): string {
  return `pangeo.dask.secret:${providerId}`;
}
