// The Dask Gateways the Dask view offers with one click, no address typed: the one Dask's configuration names (env and
// YAML, as the Python client reads them; inside a hub server this is the hub's own), and the service of each signed-in
// hub that serves one. Offers already added are not shown; a malformed Dask configuration is shown as a problem.
import type { Logger } from '../../core/log';
import { Disposable } from '../../core/lifecycle';
import { Emitter, type Event } from '../../core/emitter';
import { isPangeoError } from '../../core/http/errors';
import { readDaskConfig, type DaskConfigFiles } from '../daskConfig';
import { hubFromApiUrl } from '../gateway/gatewayAuth';
import { fromSettings, gatewayDescriptor, type GatewayConfig } from '../gateway/gatewayDescriptor';
import { gatewayAuthSetting, gatewaySettings } from '../gateway/gatewaySettings';
import { findHubGateway, type HubGateway } from '../gateway/hubGatewayDiscovery';

export interface OfferedGateway {
  /** The provider id it becomes (gateway:<url>). */
  id: string;
  label: string;
  /** Where it was found, one line. */
  detail: string;
  config: GatewayConfig;
}

/** The hubs the user is signed in to (the hubs module, given by the extension). */
export interface SignedInHubs {
  list(): Array<{ url: string; label: string }>;
  readonly onDidChange: Event<void>;
}

export interface GatewayOffersDeps {
  env: () => NodeJS.ProcessEnv;
  hubs?: SignedInHubs;
  /** The hub sign-in's token, for reading the hub's service list. */
  hubToken?: (hubUrl: string) => Promise<string | undefined>;
  /** Provider ids already in the view: those are not offered again. */
  known: () => string[];
  logger: Logger;
  files?: DaskConfigFiles;
  find?: typeof findHubGateway;
}

export class GatewayOffers extends Disposable {
  private readonly changed = this._register(new Emitter<void>());
  readonly onDidChange = this.changed.event;
  private fromConfig: OfferedGateway | undefined;
  private configProblem: { message: string; hint?: string } | undefined;
  /** Per hub URL: what discovery found (null: none), or the discovery under way. */
  private readonly found = new Map<string, HubGateway | null | Promise<void>>();

  constructor(private readonly deps: GatewayOffersDeps) {
    super();
    if (deps.hubs) this._register(deps.hubs.onDidChange(() => void this.update()));
  }

  /** What to show: offers not yet added, in order (Dask's configuration first). */
  offers(): OfferedGateway[] {
    const known = new Set(this.deps.known());
    const out: OfferedGateway[] = [];
    if (this.fromConfig) out.push(this.fromConfig);
    for (const hub of this.deps.hubs?.list() ?? []) {
      const g = this.found.get(hub.url);
      if (g && !(g instanceof Promise)) out.push(hubOffer(g, hub.label));
    }
    return out.filter((o, i) => !known.has(o.id) && out.findIndex((x) => x.id === o.id) === i);
  }

  /** Why Dask's configuration could not be read (a malformed file names its line), or undefined. */
  problem(): { message: string; hint?: string } | undefined {
    return this.configProblem;
  }

  /** Reads Dask's configuration again and asks each signed-in hub not asked yet (every hub when `again`). */
  async update(again = false): Promise<void> {
    const before = this.signature();
    this.readConfig();
    const hubs = this.deps.hubs?.list() ?? [];
    for (const url of [...this.found.keys()]) if (!hubs.some((h) => h.url === url)) this.found.delete(url);
    const pending: Promise<void>[] = [];
    for (const hub of hubs) {
      const known = this.found.get(hub.url);
      if (known instanceof Promise) pending.push(known);
      else if (known === undefined || again) pending.push(this.discover(hub.url));
    }
    // The hubs' poll calls this often: the view is redrawn only when what it shows changed.
    if (this.signature() !== before) this.changed.fire();
    await Promise.all(pending);
  }

  private signature(): string {
    return JSON.stringify([this.offers(), this.configProblem]);
  }

  private readConfig(): void {
    const env = this.deps.env();
    try {
      const config = readDaskConfig(env, this.deps.files);
      const settings = gatewaySettings(config, env);
      this.configProblem = undefined;
      if (!settings) {
        this.fromConfig = undefined;
        return;
      }
      const auth = gatewayAuthSetting(config, env);
      const c = gatewayDescriptor.normalize(fromSettings(settings, auth.type, auth.username, hubFromApiUrl(env.JUPYTERHUB_API_URL)));
      this.fromConfig = {
        id: gatewayDescriptor.configId(c), config: c,
        label: `Dask Gateway ${hostOf(settings.publicAddress ?? settings.address)}`,
        detail: `from your Dask settings (${settings.addressSource})`,
      };
    } catch (e) {
      this.fromConfig = undefined;
      this.configProblem = isPangeoError(e) ? { message: e.message, hint: e.hint } : { message: String(e) };
    }
  }

  private discover(hubUrl: string): Promise<void> {
    const run = (async () => {
      try {
        const g = await (this.deps.find ?? findHubGateway)({ hubUrl, token: async () => this.deps.hubToken?.(hubUrl), logger: this.deps.logger });
        this.found.set(hubUrl, g ?? null);
        if (g) this.deps.logger.info(`Dask Gateway found at ${g.url} (${g.via === 'services' ? 'listed by the hub' : 'the hub\'s dask-gateway service'})`);
      } catch (e) {
        this.found.set(hubUrl, null);
        this.deps.logger.warn(`Could not look for a Dask Gateway on ${hubUrl}: ${String(e)}`);
      }
      this.changed.fire();
    })();
    this.found.set(hubUrl, run);
    return run;
  }
}

function hubOffer(g: HubGateway, hubLabel: string): OfferedGateway {
  const config = gatewayDescriptor.normalize({ kind: 'gateway', url: g.url, auth: 'jupyterhub', hubUrl: g.hubUrl });
  return {
    id: gatewayDescriptor.configId(config), config,
    label: `Dask Gateway of ${hubLabel}`,
    detail: `the hub's ${g.serviceName} service, with your hub sign-in${g.health === 'pass' ? '' : ` (its health check says ${g.health})`}`,
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
