// The Dask Gateway that Dask's configuration names, read as dask_gateway's Gateway() and get_auth() read it
// (client.py, auth.py): gateway.address, public-address, proxy-address and auth.type/kwargs, each string a template
// filled from the environment ("{JUPYTERHUB_USER}"), and where each came from so a message can name it.
import { InvalidInputError } from '../../core/http/errors';
import type { DaskConfig } from '../daskConfig';

/** The auth types we speak (auth.py's kerberos and custom classes are not). */
export const SUPPORTED_AUTH_TYPES = ['jupyterhub', 'basic'] as const;

export interface GatewayAuthSetting {
  type: 'jupyterhub' | 'basic' | 'none';
  /** Where the type was set (a file or DASK_GATEWAY__AUTH__TYPE); undefined when not set (then inferred). */
  source?: string;
  username?: string;
  /** The hub token (jupyterhub) or the password (basic), read now and never stored. */
  secret?: string;
}

export interface GatewaySettings {
  /** gateway.address: where the API is reached (inside a hub often http://proxy-public/services/dask-gateway). */
  address: string;
  /** Where gateway.address was set: a file path or DASK_GATEWAY__ADDRESS. */
  addressSource: string;
  /** gateway.public-address made absolute, for links and dashboards; undefined = the address. */
  publicAddress?: string;
  /** gateway.proxy-address as host:port, where schedulers are reached; undefined = the address's host and port. */
  proxyAddress?: string;
}

/** Python's str.format(**os.environ) of a template: {NAME} from the environment, {{ and }} for braces. */
export function formatTemplate(value: string, env: NodeJS.ProcessEnv, what: string): string {
  return value.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, name: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const key = (name ?? '').split(/[!:]/)[0]!;
    const v = env[key];
    if (!key || v === undefined) {
      throw new InvalidInputError(`${what} "${value}" uses {${key}}, but ${key ? `${key} is not set in the environment` : 'that names no variable'}.`,
        `Set ${key || 'the variable'}, or write the value out in Dask's configuration.`);
    }
    return v;
  });
}

function text(config: DaskConfig, key: string, env: NodeJS.ProcessEnv): string | number | undefined {
  const v = config.get(key);
  if (v === undefined || v === null || v === '') return undefined;
  const where = `${key} (from ${config.sourceOf(key) ?? 'Dask\'s configuration'})`;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') throw new InvalidInputError(`${where} must be text, not ${JSON.stringify(v)}.`, 'Fix it in Dask\'s configuration.');
  return formatTemplate(v, env, where);
}

/** The configured gateway, or undefined when Dask's configuration names none. */
export function gatewaySettings(config: DaskConfig, env: NodeJS.ProcessEnv): GatewaySettings | undefined {
  const raw = text(config, 'gateway.address', env);
  if (raw === undefined) return undefined;
  const addressSource = config.sourceOf('gateway.address') ?? 'Dask\'s configuration';
  const address = String(raw).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(address);
  } catch {
    throw new InvalidInputError(`The Dask Gateway address "${address}" (gateway.address from ${addressSource}) is not a full URL.`,
      'Write it as http(s)://host[:port]/path in Dask\'s configuration.');
  }
  const pub = text(config, 'gateway.public-address', env);
  const proxy = text(config, 'gateway.proxy-address', env);
  return { address, addressSource, publicAddress: publicUrl(pub, env), proxyAddress: proxyHostPort(proxy, parsed) };
}

/**
 * A public address made absolute: hubs set a path ("/services/dask-gateway/") that the browser resolves against the
 * hub's page; we resolve it against the hub's public URL when the environment has one.
 */
function publicUrl(pub: string | number | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (pub === undefined) return undefined;
  const base = env.JUPYTERHUB_PUBLIC_HUB_URL || env.JUPYTERHUB_PUBLIC_URL || undefined;
  try {
    return new URL(String(pub), base).toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** As client.py: a port number takes the address's host; a URL gives its host:port; anything else is host:port already. */
function proxyHostPort(proxy: string | number | undefined, address: URL): string | undefined {
  if (proxy === undefined) return undefined;
  if (typeof proxy === 'number' || /^\d+$/.test(proxy)) return `${address.hostname}:${proxy}`;
  try {
    const u = new URL(proxy);
    if (u.host) return `${u.hostname}:${u.port || { 'http:': '80', 'https:': '443' }[u.protocol] || '8786'}`;
  } catch {
    // not a URL: host:port as written
  }
  return proxy.replace(/^[a-z]+:\/\//, '');
}

/**
 * How to authenticate, as get_auth() reads it: gateway.auth.type with its kwargs (api_token, username, password),
 * JUPYTERHUB_API_TOKEN for jupyterhub. Unset, we infer it (a hub token if there is one, basic if a username is set,
 * else none) where the Python client would try basic as the current user.
 */
export function gatewayAuthSetting(config: DaskConfig, env: NodeJS.ProcessEnv): GatewayAuthSetting {
  const rawType = config.get('gateway.auth.type');
  const source = rawType === undefined || rawType === null ? undefined : config.sourceOf('gateway.auth.type');
  const type = typeof rawType === 'string' ? rawType.trim().toLowerCase() : rawType === undefined || rawType === null ? '' : String(rawType);
  const kwarg = (name: string): string | undefined => {
    const v = text(config, `gateway.auth.kwargs.${name}`, env);
    return v === undefined ? undefined : String(v);
  };
  const token = kwarg('api_token') ?? env.JUPYTERHUB_API_TOKEN;
  if (type === 'jupyterhub' || (!type && token)) {
    if (!token) {
      throw new InvalidInputError(`The Dask Gateway's auth type is jupyterhub (from ${source ?? 'Dask\'s configuration'}) but JUPYTERHUB_API_TOKEN is not set.`,
        'Set JUPYTERHUB_API_TOKEN (a token from <hub>/hub/token), or sign in to the hub.');
    }
    return { type: 'jupyterhub', source, secret: token };
  }
  const username = kwarg('username');
  if (type === 'basic' || (!type && username)) {
    const user = username ?? env.USER ?? env.LOGNAME ?? '';
    if (!user) throw new InvalidInputError('Basic auth for the Dask Gateway needs a username.', 'Set DASK_GATEWAY__AUTH__KWARGS__USERNAME (or gateway.auth.kwargs.username).');
    return { type: 'basic', source, username: user, secret: kwarg('password') ?? '' };
  }
  if (type && type !== 'none' && type !== 'simple') {
    const kerberos = type === 'kerberos' ? ' (Kerberos needs a ticket this extension cannot obtain)' : type.includes('.') ? ' (a custom Python class cannot run here)' : '';
    throw new InvalidInputError(`Unsupported Dask Gateway auth type "${String(rawType)}" (gateway.auth.type from ${source ?? 'Dask\'s configuration'})${kerberos}.`,
      `Supported: ${SUPPORTED_AUTH_TYPES.join(', ')}. Set DASK_GATEWAY__AUTH__TYPE (or gateway.auth.type) to one of them.`);
  }
  return { type: 'none', source };
}
