// Dask Gateway in the provider table: added by its address and how it authenticates you (the hub sign-in's token, a
// pasted hub token, a password, or nothing); from the CLI, with the Python client's DASK_GATEWAY__* variables.
import { InvalidInputError } from '../../core/http/errors';
import { readDaskConfig } from '../daskConfig';
import { httpUrlProblem, type BuildContext, type ProviderDescriptor } from '../providerDescriptor';
import { hubFromApiUrl, hubOfGateway, hubServiceGatewayUrl, type GatewayAuth } from './gatewayAuth';
import { gatewayAuthSetting, gatewaySettings, type GatewaySettings } from './gatewaySettings';
import { GATEWAY_CAPABILITIES, GatewayProvider } from './gatewayProvider';

export interface GatewayConfig {
  kind: 'gateway';
  url: string;
  auth: 'jupyterhub' | 'basic' | 'none';
  username?: string;
  /** The JupyterHub whose token the gateway accepts (its sign-in lends the token). */
  hubUrl?: string;
  /** Where schedulers are reached, when not at the gateway's own host and port. */
  proxyAddress?: string;
  /** Where browsers reach it (gateway.public-address), for dashboard links; default `url`. */
  publicAddress?: string;
  /**
   * Set when the gateway came from Dask's configuration: where its address was set (DASK_GATEWAY__ADDRESS, a file).
   * Its credentials are then read from that configuration and the environment when used, never stored.
   */
  fromDaskConfig?: string;
}

export const gatewayDescriptor: ProviderDescriptor<'gateway', GatewayConfig, GatewayProvider> = {
  kind: 'gateway',
  label: 'Dask Gateway',
  detail: 'A gateway, often the hub service at https://<hub>/services/dask-gateway/',
  icon: 'cloud',
  capabilities: GATEWAY_CAPABILITIES,
  instances: 'each',
  secret: 'optional',
  configId: (c) => `gateway:${c.url.endsWith('/') ? c.url : `${c.url}/`}`,
  normalize: (c) => c,
  // The notebook's GatewayCluster authenticated with the hub's token, so the hub sign-in lends it here too.
  adopt: (found) => (found.kind === 'gateway' && found.gatewayAddress
    ? { config: { kind: 'gateway', url: found.gatewayAddress, auth: 'jupyterhub', proxyAddress: found.proxyAddress ?? undefined } }
    : undefined),

  async setup(prompts, ctx) {
    const url = (await prompts.text({ title: 'Dask Gateway address', placeHolder: 'https://hub.example.org/services/dask-gateway/', validate: httpUrlProblem, ignoreFocusOut: true }))?.trim();
    if (!url) return undefined;
    const hubUrl = hubOfGateway(url);
    const auth = await prompts.pick('How does this gateway authenticate you?', [
      ...(ctx.hubSignInAvailable && hubUrl ? [{ label: 'Use my hub sign-in', detail: `The JupyterHub token of ${hubUrl}`, value: 'hub' as const }] : []),
      { label: 'JupyterHub API token', detail: 'Paste a token from <hub>/hub/token', value: 'token' as const },
      { label: 'Username and password', detail: 'Basic authentication', value: 'basic' as const },
      { label: 'No authentication', value: 'none' as const },
    ]);
    if (!auth) return undefined;
    if (auth === 'hub') return { config: { kind: 'gateway', url, auth: 'jupyterhub', hubUrl } };
    if (auth === 'none') return { config: { kind: 'gateway', url, auth: 'none' } };
    if (auth === 'token') {
      const token = await prompts.text({ title: 'JupyterHub API token', password: true, ignoreFocusOut: true, validate: (t) => (t.trim() ? undefined : 'Paste the token.') });
      return token ? { config: { kind: 'gateway', url, auth: 'jupyterhub', hubUrl }, secret: token.trim() } : undefined;
    }
    const username = await prompts.text({ title: 'Gateway username', ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await prompts.text({ title: `Password for ${username}`, password: true, ignoreFocusOut: true });
    if (password === undefined) return undefined;
    return { config: { kind: 'gateway', url, auth: 'basic', username }, secret: password };
  },

  fromAddress(address) {
    if (!address.url) throw new InvalidInputError('A Dask Gateway is named by its address (url).');
    return { kind: 'gateway', url: address.url, auth: 'jupyterhub' };
  },

  fromEnvironment(address, env) {
    if (address.hub) {
      // The hub's own service, with the hub's token (JUPYTERHUB_API_TOKEN; the CLI also offers the one `hub login` kept).
      const hubUrl = address.hub.endsWith('/') ? address.hub : `${address.hub}/`;
      return { config: { kind: 'gateway', url: hubServiceGatewayUrl(hubUrl), auth: 'jupyterhub', hubUrl }, secret: env.JUPYTERHUB_API_TOKEN };
    }
    const dask = readDaskConfig(env);
    const creds = gatewayAuthSetting(dask, env);
    const hubUrl = hubFromApiUrl(env.JUPYTERHUB_API_URL);
    if (address.url) {
      return { config: { kind: 'gateway', url: address.url, auth: creds.type, username: creds.username, hubUrl }, secret: creds.secret };
    }
    const configured = gatewaySettings(dask, env);
    if (!configured) {
      throw new InvalidInputError('--provider gateway needs --url URL, --hub HUB_URL, or a gateway in Dask\'s configuration.',
        'Set DASK_GATEWAY__ADDRESS, or gateway.address in ~/.config/dask/*.yaml, as the Python client reads it.');
    }
    return { config: fromSettings(configured, creds.type, creds.username, hubUrl), secret: creds.secret };
  },

  create(c, ctx) {
    let auth: GatewayAuth;
    if (c.fromDaskConfig) {
      auth = authFromDaskConfig(c, ctx);
    } else if (c.auth === 'jupyterhub') {
      // The hub sign-in's current token first (it is renewed), the pasted one when the hub lends none.
      // A gateway that is a hub's service takes that hub's token even when the configuration does not name the hub.
      auth = { type: 'jupyterhub', token: async () => (await ctx.hubTokenFor?.(c.url, c.hubUrl ?? hubOfGateway(c.url))) ?? (await ctx.secret()) };
    } else if (c.auth === 'basic') {
      auth = { type: 'basic', username: c.username ?? '', password: () => ctx.secret() };
    } else {
      auth = { type: 'none' };
    }
    // The hub tells a bad token from a broken gateway; adaptive bounds are read from each scheduler, not kept here.
    return new GatewayProvider({
      url: c.url, auth, proxyAddress: c.proxyAddress, logger: ctx.logger, hubUrl: c.hubUrl,
      timeoutMs: ctx.requestTimeout?.ms, timeoutHint: ctx.requestTimeout?.hint,
      publicUrl: c.publicAddress, addressSource: c.fromDaskConfig,
      workerEnv: ctx.gatewayWorkerEnv ? () => ctx.gatewayWorkerEnv!(c.url, c.hubUrl ?? hubOfGateway(c.url)) : undefined,
    });
  },
};

/** The configuration of the gateway Dask's configuration names (its credentials are not part of it). */
export function fromSettings(s: GatewaySettings, auth: GatewayConfig['auth'], username: string | undefined, hubUrl: string | undefined): GatewayConfig {
  return {
    kind: 'gateway', url: s.address, auth, username, hubUrl: hubUrl ?? hubOfGateway(s.address),
    proxyAddress: s.proxyAddress, publicAddress: s.publicAddress, fromDaskConfig: s.addressSource,
  };
}

/**
 * A gateway from Dask's configuration authenticates as the Python client there would: the token or password its
 * configuration and environment give now (never stored), else the hub sign-in's token or the stored secret.
 */
function authFromDaskConfig(c: GatewayConfig, ctx: BuildContext<GatewayConfig>): GatewayAuth {
  const current = () => gatewayAuthSetting(readDaskConfig(ctx.env), ctx.env);
  if (c.auth === 'basic') {
    return { type: 'basic', username: c.username ?? '', password: async () => current().secret ?? (await ctx.secret()) };
  }
  if (c.auth === 'none') return { type: 'none' };
  return {
    type: 'jupyterhub',
    token: async () => {
      const now = current();
      return (now.type === 'jupyterhub' ? now.secret : undefined) ?? (await ctx.hubTokenFor?.(c.url, c.hubUrl ?? hubOfGateway(c.url))) ?? (await ctx.secret());
    },
  };
}
