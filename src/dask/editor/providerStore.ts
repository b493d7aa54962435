// The cluster providers the user added (globalState) and their secrets (SecretStorage), turned into ClusterProviders.
// The local provider is always there; scheduler addresses share one provider.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { ClusterProvider } from '../clusterProvider';
import { CoiledProvider } from '../coiled/coiledProvider';
import type { GatewayAuth } from '../gateway/gatewayAuth';
import { GatewayProvider } from '../gateway/gatewayProvider';
import type { KeyValueStore } from '../../core/keyValueStore';
import { LocalClusterRegistry } from '../local/localClusterRegistry';
import { LocalClusterProvider } from '../local/localProvider';
import { SchedulerAddressProvider } from '../scheduler/schedulerAddressProvider';
import { normalizeDashboardRoot } from '../scheduler/schedulerHttp';

export type ProviderConfig =
  | { kind: 'gateway'; url: string; auth: 'jupyterhub' | 'basic' | 'none'; username?: string; hubUrl?: string; proxyAddress?: string }
  | { kind: 'coiled'; workspace: string; server: string }
  | { kind: 'scheduler'; url: string };

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
}

export function configId(c: ProviderConfig): string {
  switch (c.kind) {
    case 'gateway': return `gateway:${c.url.endsWith('/') ? c.url : `${c.url}/`}`;
    case 'coiled': return `coiled:${c.workspace}`;
    case 'scheduler': return `scheduler:${c.url}`;
  }
}

export class ProviderStore {
  private cache = new Map<string, ClusterProvider>();
  readonly local: LocalClusterProvider;

  constructor(private readonly deps: ProviderStoreDeps) {
    this.local = new LocalClusterProvider({
      registry: new LocalClusterRegistry(deps.state),
      clustersDir: deps.clustersDir,
      logger: deps.logger,
      get daskCommand() {
        return deps.daskCommand();
      },
      get env() {
        const extra = deps.extraEnv?.();
        return extra ? { ...process.env, ...extra } : undefined;
      },
    });
  }

  configs(): ProviderConfig[] {
    return [...(this.deps.state.get<ProviderConfig[]>(CONFIGS_KEY) ?? [])];
  }

  async add(config: ProviderConfig, secret?: string): Promise<void> {
    // One entry per scheduler, whatever form of its address was typed (…:8787, …:8787/status, …:8787/).
    if (config.kind === 'scheduler') config = { ...config, url: safeRoot(config.url) };
    const id = configId(config);
    await this.deps.state.update(CONFIGS_KEY, [...this.configs().filter((c) => configId(c) !== id), config]);
    if (secret) await this.deps.secrets.store(secretKey(id), secret);
    this.cache.delete(id);
  }

  async remove(providerId: string): Promise<void> {
    const keep = this.configs().filter((c) => configId(c) !== providerId && !(providerId === 'scheduler' && c.kind === 'scheduler'));
    await this.deps.state.update(CONFIGS_KEY, keep);
    await this.deps.secrets.delete(secretKey(providerId));
    this.cache.get(providerId)?.dispose?.();
    this.cache.delete(providerId);
  }

  /** Detaches one scheduler (given as typed or as its normalized cluster id). */
  async removeSchedulerAddress(url: string): Promise<void> {
    const same = (a: string) => a === url || safeRoot(a) === safeRoot(url);
    await this.deps.state.update(CONFIGS_KEY, this.configs().filter((c) => !(c.kind === 'scheduler' && same(c.url))));
  }

  /** Local first, then Gateways and Coiled workspaces in the order added, then attached schedulers (if any). */
  providers(): ClusterProvider[] {
    const out: ClusterProvider[] = [this.local];
    for (const c of this.configs()) {
      if (c.kind === 'scheduler') continue;
      const id = configId(c);
      let p = this.cache.get(id);
      if (!p) {
        p = this.build(c);
        this.cache.set(id, p);
      }
      out.push(p);
    }
    if (this.schedulerAddresses().length) {
      let s = this.cache.get('scheduler');
      if (!s) {
        s = new SchedulerAddressProvider({ addresses: () => this.schedulerAddresses(), logger: this.deps.logger });
        this.cache.set('scheduler', s);
      }
      out.push(s);
    }
    return out;
  }

  /** Attached by the user (globalState) plus those in settings, one per normalized dashboard root. */
  schedulerAddresses(): string[] {
    const added = this.configs().flatMap((c) => (c.kind === 'scheduler' ? [c.url] : []));
    return [...new Set([...added, ...(this.deps.settingsSchedulerAddresses?.() ?? [])].map(safeRoot))];
  }

  /** Whether this scheduler (in any form of its address) is already attached. */
  hasSchedulerAddress(url: string): boolean {
    return this.schedulerAddresses().includes(safeRoot(url));
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

  private build(c: Exclude<ProviderConfig, { kind: 'scheduler' }>): ClusterProvider {
    const id = configId(c);
    const secret = () => Promise.resolve(this.deps.secrets.get(secretKey(id)));
    if (c.kind === 'coiled') {
      // The token is read when first needed; until then a placeholder keeps construction synchronous.
      return new LazyCoiled(c, secret, this.deps.logger);
    }
    let auth: GatewayAuth;
    if (c.auth === 'jupyterhub') {
      auth = { type: 'jupyterhub', token: async () => (await this.deps.hubTokenFor?.(c.url, c.hubUrl)) ?? (await secret()) };
    } else if (c.auth === 'basic') {
      auth = { type: 'basic', username: c.username ?? '', password: secret };
    } else {
      auth = { type: 'none' };
    }
    // Adaptive bounds live in globalState so they survive a reload; the hub tells a bad token from a broken gateway.
    return new GatewayProvider({ url: c.url, auth, proxyAddress: c.proxyAddress, logger: this.deps.logger, state: this.deps.state, hubUrl: c.hubUrl });
  }
}

function safeRoot(url: string): string {
  try {
    return normalizeDashboardRoot(url);
  } catch {
    return url;
  }
}

export function secretKey(providerId: string): string {
  return `pangeo.dask.secret:${providerId}`;
}

/** A CoiledProvider whose token comes from SecretStorage on first use. */
class LazyCoiled implements ClusterProvider {
  readonly kind = 'coiled' as const;
  readonly id: string;
  readonly label: string;
  private inner?: Promise<CoiledProvider>;

  constructor(private readonly c: { workspace: string; server: string }, private readonly token: () => Promise<string | undefined>, private readonly logger: Logger) {
    this.id = `coiled:${c.workspace}`;
    this.label = `Coiled ${c.workspace}`;
  }

  get capabilities() {
    return { create: true, options: true, scaleUp: true, scaleDown: true, adapt: false, stop: true, workers: true };
  }

  private provider(): Promise<CoiledProvider> {
    this.inner ??= this.token().then((token) => {
      if (!token) {
        this.inner = undefined;
        throw new Error(`No Coiled token stored for ${this.c.workspace}: remove and add the provider again.`);
      }
      return new CoiledProvider({ server: this.c.server, token, workspace: this.c.workspace, logger: this.logger });
    });
    return this.inner;
  }

  list(signal?: AbortSignal) { return this.provider().then((p) => p.list(signal)); }
  optionsSchema() { return this.provider().then((p) => p.optionsSchema()); }
  create(o: Parameters<ClusterProvider['create']>[0], signal?: AbortSignal) { return this.provider().then((p) => p.create(o, signal)); }
  get(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.get(id, signal)); }
  scale(id: string, n: number, signal?: AbortSignal) { return this.provider().then((p) => p.scale(id, n, signal)); }
  adapt() { return this.provider().then((p) => p.adapt()); }
  stop(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.stop(id, signal)); }
  connectionInfo(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.connectionInfo(id, signal)); }
  workers(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.workers(id, signal)); }
}
