// Whether a signed-in JupyterHub serves a Dask Gateway as one of its services (as Pangeo, 2i2c and Nebari hubs do at
// /services/dask-gateway/). The hub's service list needs the `list:services` scope, which JupyterHub's default user
// role does not hold: when the hub refuses it we look at /services/dask-gateway/ itself. Either way a candidate counts
// only when its /api/health answers as a gateway's does (200 pass, or 503 fail while it is unwell).
import { HttpClient } from '../../core/http/httpClient';
import { isPangeoError } from '../../core/http/errors';
import type { Logger } from '../../core/log';

export interface HubGateway {
  /** The gateway's address, e.g. https://hub.example.org/services/dask-gateway/ */
  url: string;
  /** The hub that checks its tokens. */
  hubUrl: string;
  serviceName: string;
  /** How we learned of it: the hub's service list, or the hub's default gateway path answering as a gateway. */
  via: 'services' | 'path';
  /** What its health check said ("pass", or "fail" while it is unwell). */
  health: string;
}

export interface HubGatewayDiscoveryOptions {
  hubUrl: string;
  /** The hub sign-in's token: the service list is read with it (the health check is anonymous). */
  token(): Promise<string | undefined>;
  logger?: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The name hubs give the gateway service (z2jh's daskhub, 2i2c, Nebari). */
export const DEFAULT_GATEWAY_SERVICE = 'dask-gateway';

const REDIRECTS = [301, 302, 303, 307, 308];

/** The hub's Dask Gateway, or undefined when it serves none (or none that answers as a gateway). */
export async function findHubGateway(opts: HubGatewayDiscoveryOptions): Promise<HubGateway | undefined> {
  const hubUrl = opts.hubUrl.endsWith('/') ? opts.hubUrl : `${opts.hubUrl}/`;
  const http = new HttpClient({ baseUrl: hubUrl, timeoutMs: opts.timeoutMs ?? 10_000, retries: 0, logger: opts.logger, fetch: opts.fetch });
  const listed = await listedGatewayServices(http, opts);
  const candidates = listed ?? [DEFAULT_GATEWAY_SERVICE];
  for (const name of candidates) {
    const health = await gatewayHealth(http, `services/${encodeURIComponent(name)}/`, opts.signal);
    if (health) return { url: new URL(`services/${encodeURIComponent(name)}/`, hubUrl).toString(), hubUrl, serviceName: name, via: listed ? 'services' : 'path', health };
  }
  return undefined;
}

/**
 * GET /hub/api/services (scope list:services): the names of services that look like a Dask Gateway, the default
 * name first; undefined when the hub does not let this token list its services.
 */
async function listedGatewayServices(http: HttpClient, opts: HubGatewayDiscoveryOptions): Promise<string[] | undefined> {
  const token = await opts.token();
  if (!token) return undefined;
  try {
    const res = await http.request({
      path: 'hub/api/services', anonymous: true, headers: { Authorization: `token ${token}`, Accept: 'application/json' },
      acceptStatuses: [401, 403, 404], signal: opts.signal, redirect: 'manual',
    });
    const text = await res.text();
    if (res.status !== 200) return undefined;
    const body = JSON.parse(text) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const names = Object.entries(body as Record<string, unknown>)
      .filter(([name, model]) => /gateway/i.test(name) && typeof model === 'object' && model !== null && typeof (model as { prefix?: unknown }).prefix === 'string')
      .map(([name]) => name);
    return names.sort((a, b) => Number(b === DEFAULT_GATEWAY_SERVICE) - Number(a === DEFAULT_GATEWAY_SERVICE));
  } catch (e) {
    if (isPangeoError(e, 'Cancelled')) throw e;
    return undefined;
  }
}

/** `status` of the gateway's health check at `path` when it answers as a gateway's does; undefined otherwise. */
async function gatewayHealth(http: HttpClient, path: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const res = await http.request({ path: `${path}api/health`, anonymous: true, acceptStatuses: [404, 503, ...REDIRECTS], signal, redirect: 'manual', maxBodyBytes: 64 * 1024 });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 503) return undefined;
    const status = (JSON.parse(text) as { status?: unknown } | null)?.status;
    return typeof status === 'string' ? status : undefined;
  } catch (e) {
    if (isPangeoError(e, 'Cancelled')) throw e;
    return undefined;
  }
}
