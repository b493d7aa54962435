// How we authenticate to a Dask Gateway (dask_gateway/auth.py): a JupyterHub API token (`Authorization: jupyterhub <t>`),
// HTTP Basic, or nothing; and how the CLI finds those credentials in the environment like the Python client does.
import { InvalidInputError } from '../../core/http/errors';
import { registerSecret } from '../../core/http/redact';
import { readDaskConfig, type DaskConfigFiles } from '../daskConfig';
import { gatewayAuthSetting } from './gatewaySettings';

export type GatewayAuth =
  | { type: 'jupyterhub'; token: () => string | undefined | Promise<string | undefined> }
  | { type: 'basic'; username: string; password: string | (() => string | undefined | Promise<string | undefined>) }
  | { type: 'none' };

/** The Authorization header value for `auth`, or undefined. */
export async function gatewayAuthHeader(auth: GatewayAuth): Promise<string | undefined> {
  switch (auth.type) {
    case 'jupyterhub': {
      const token = await auth.token();
      if (!token) throw new InvalidInputError('No JupyterHub API token for the Dask Gateway.', 'Sign in to the hub, or set JUPYTERHUB_API_TOKEN.');
      registerSecret(token);
      return `jupyterhub ${token}`;
    }
    case 'basic': {
      const password = (typeof auth.password === 'function' ? await auth.password() : auth.password) ?? '';
      registerSecret(password);
      return `Basic ${Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64')}`;
    }
    case 'none':
      return undefined;
  }
}

/** Gateway credentials as found in the environment: the kind of auth, and its username and secret. */
export interface GatewayCredentials {
  type: GatewayAuth['type'];
  username?: string;
  /** The hub token (jupyterhub) or the password (basic). */
  secret?: string;
}

/**
 * Credentials as the Python client finds them: gateway.auth.type and its kwargs in Dask's configuration (files and
 * DASK_GATEWAY__AUTH__* variables, see gatewaySettings.ts), JUPYTERHUB_API_TOKEN for jupyterhub.
 */
export function gatewayCredentialsFromEnv(env: NodeJS.ProcessEnv, files?: DaskConfigFiles): GatewayCredentials {
  const { type, username, secret } = gatewayAuthSetting(readDaskConfig(env, files), env);
  return { type, username, secret };
}

/** The environment's credentials as a GatewayAuth. */
export function gatewayAuthFromEnv(env: NodeJS.ProcessEnv, files?: DaskConfigFiles): GatewayAuth {
  const c = gatewayCredentialsFromEnv(env, files);
  if (c.type === 'jupyterhub') return { type: 'jupyterhub', token: () => c.secret };
  if (c.type === 'basic') return { type: 'basic', username: c.username ?? '', password: c.secret ?? '' };
  return { type: 'none' };
}

/** The Gateway that a JupyterHub exposes as its service `dask-gateway` (as on Pangeo, 2i2c and Nebari hubs). */
export function hubServiceGatewayUrl(hubUrl: string): string {
  const base = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  return new URL('services/dask-gateway/', base).toString();
}

/** The hub a Gateway belongs to, when it is the hub's service (…/services/dask-gateway/). */
export function hubOfGateway(gatewayUrl: string): string | undefined {
  const m = /^(.*\/)services\/dask-gateway\/?$/.exec(gatewayUrl.trim());
  return m?.[1];
}

/** The hub's base URL from JUPYTERHUB_API_URL (https://hub/hub/api → https://hub/), as the Python client has it. */
export function hubFromApiUrl(apiUrl: string | undefined): string | undefined {
  const m = apiUrl ? /^(https?:\/\/.*?\/)hub\/api\/?$/.exec(apiUrl) : null;
  return m?.[1];
}
