// Inside a hub's single-user server (code-server through jupyter-vscode-proxy, a terminal, a kernel): what the
// spawner's environment says about the hub, this server and its size. Plain TypeScript over an env object passed in.
//
// What JupyterHub's Spawner.get_env() sets (read in the sources of 3.0.0, 4.1.6 and 5.5.1, and seen in the env of
// servers of the test hub): JUPYTERHUB_API_TOKEN (the server's own token, also JPY_API_TOKEN), JUPYTERHUB_USER,
// JUPYTERHUB_SERVER_NAME ('' for the default server), JUPYTERHUB_API_URL (the hub's INTERNAL address:
// http://127.0.0.1:8081/hub/api on one machine, http://hub:8081/hub/api on Kubernetes, hub_connect_url when set),
// JUPYTERHUB_BASE_URL ('/jhub/': the hub's prefix), JUPYTERHUB_SERVICE_PREFIX ('/jhub/user/alice/'),
// JUPYTERHUB_SERVICE_URL (where this server listens: http://127.0.0.1:PORT/jhub/user/alice/; KubeSpawner binds
// 0.0.0.0), JUPYTERHUB_HOST ('' unless subdomains are used: then the public origin); 5.x adds JUPYTERHUB_PUBLIC_URL
// and JUPYTERHUB_PUBLIC_HUB_URL, empty unless the admin set JupyterHub.public_url. MEM_LIMIT / MEM_GUARANTEE
// (bytes) and CPU_LIMIT / CPU_GUARANTEE (cores, "2.0") only when the spawner has them (KubeSpawner profiles do).
import { hubLabel, isLoopbackHost } from './hubUrl';
import type { ProfileSize } from './profileSize';

export type Environment = Readonly<Record<string, string | undefined>>;

/** This server's resources as its spawner declared them. */
export interface ServerLimits {
  cpuLimit?: number;
  cpuGuarantee?: number;
  /** GiB (JupyterHub's byte specifications are powers of 1024). */
  memLimitGiB?: number;
  memGuaranteeGiB?: number;
}

export interface InsideHub {
  /** The hub's id in the editor and CLI: its public base when known, else its internal one. */
  id: string;
  /** Where API calls go: origin of JUPYTERHUB_API_URL + the hub prefix (trailing slash); often not reachable from a browser. */
  apiBase: string;
  /** The hub's public base (origin + prefix) for links shown to the user; undefined when the environment does not say it. */
  publicBase?: string;
  user: string;
  /** '' is the default server. */
  serverName: string;
  /** This server's own address on this machine (API calls: kernels, files). */
  localServerUrl: string;
  /** This server's public address for links, when known. */
  publicServerUrl?: string;
  /** The hub's prefix (JUPYTERHUB_BASE_URL), e.g. '/jhub/'. */
  prefix: string;
  /** This server's path on the hub's proxy (JUPYTERHUB_SERVICE_PREFIX), e.g. '/jhub/user/alice/'. */
  servicePrefix: string;
  /** The server's token: read from the environment each time, never stored. */
  token: string;
  limits: ServerLimits;
}

const GIB = 1024 ** 3;
const BYTE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: GIB, T: 1024 ** 4 };

/** Bytes as JupyterHub writes MEM_LIMIT ("8589934592"), or a byte specification ("8G", "512Mi"), in GiB. */
export function bytesToGiB(value: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const n = Number(m[1]) * BYTE_UNITS[m[2]!.toUpperCase()]! / GIB;
  return n > 0 ? n : undefined;
}

function positive(value: string | undefined): number | undefined {
  const n = Number.parseFloat(value ?? '');
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function limitsFromEnv(env: Environment): ServerLimits {
  const limits: ServerLimits = {
    cpuLimit: positive(env.CPU_LIMIT), cpuGuarantee: positive(env.CPU_GUARANTEE),
    memLimitGiB: bytesToGiB(env.MEM_LIMIT), memGuaranteeGiB: bytesToGiB(env.MEM_GUARANTEE),
  };
  for (const k of Object.keys(limits) as (keyof ServerLimits)[]) if (limits[k] === undefined) delete limits[k];
  return limits;
}

/**
 * The size the cost meter prices: the limit (the most this server can use), else the guarantee. A hub packs nodes by
 * guarantees, so with both set this is the upper estimate.
 */
export function sizeFromLimits(l: ServerLimits): ProfileSize | undefined {
  const size: ProfileSize = {};
  const cores = l.cpuLimit ?? l.cpuGuarantee;
  const memoryGiB = l.memLimitGiB ?? l.memGuaranteeGiB;
  if (cores !== undefined) size.cores = cores;
  if (memoryGiB !== undefined) size.memoryGiB = memoryGiB;
  return cores === undefined && memoryGiB === undefined ? undefined : size;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** "2 CPU · 8 GiB", or one of them; undefined when the spawner declared neither. */
export function describeSize(size: ProfileSize | undefined): string | undefined {
  if (!size) return undefined;
  const parts = [size.cores !== undefined ? `${fmt(size.cores)} CPU` : undefined, size.memoryGiB !== undefined ? `${fmt(size.memoryGiB)} GiB` : undefined];
  return parts.filter(Boolean).join(' · ') || undefined;
}

const withSlash = (s: string) => (s.endsWith('/') ? s : `${s}/`);

function httpUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** The hub's public base: JUPYTERHUB_PUBLIC_HUB_URL (5.x), JUPYTERHUB_PUBLIC_URL's origin (5.x), JUPYTERHUB_HOST (subdomains). */
function publicBaseFrom(env: Environment, prefix: string): string | undefined {
  const hubUrl = httpUrl(env.JUPYTERHUB_PUBLIC_HUB_URL);
  // ".../jhub/hub/" → ".../jhub/"
  if (hubUrl) return withSlash(hubUrl.toString()).replace(/hub\/$/, '');
  const serverUrl = httpUrl(env.JUPYTERHUB_PUBLIC_URL) ?? httpUrl(env.JUPYTERHUB_HOST);
  return serverUrl ? new URL(prefix, serverUrl.origin).toString() : undefined;
}

/** The hub this process runs inside, or undefined when the environment is not a single-user server's. */
export function insideHubFromEnv(env: Environment): InsideHub | undefined {
  const token = env.JUPYTERHUB_API_TOKEN?.trim() || env.JPY_API_TOKEN?.trim();
  const api = httpUrl(env.JUPYTERHUB_API_URL);
  const user = env.JUPYTERHUB_USER;
  if (!token || !api || !user) return undefined;
  // JUPYTERHUB_API_URL is {internal origin}{prefix}hub/api; JUPYTERHUB_BASE_URL is the prefix (older hubs: derive it).
  const apiPath = withSlash(api.pathname);
  const prefix = withSlash(env.JUPYTERHUB_BASE_URL || apiPath.replace(/hub\/api\/$/, '') || '/');
  const apiBase = new URL(apiPath.endsWith('hub/api/') ? apiPath.slice(0, -'hub/api/'.length) : prefix, api.origin).toString();
  const serverName = env.JUPYTERHUB_SERVER_NAME ?? '';
  const servicePrefix = withSlash(env.JUPYTERHUB_SERVICE_PREFIX || `${prefix}user/${encodeURIComponent(user)}/${serverName ? `${encodeURIComponent(serverName)}/` : ''}`);
  const serviceUrl = httpUrl(env.JUPYTERHUB_SERVICE_URL);
  // A server bound to all interfaces (KubeSpawner: 0.0.0.0) is reached on loopback.
  if (serviceUrl && (serviceUrl.hostname === '0.0.0.0' || serviceUrl.hostname === '[::]')) serviceUrl.hostname = '127.0.0.1';
  const localServerUrl = serviceUrl ? withSlash(serviceUrl.toString()) : new URL(servicePrefix, api.origin).toString();
  const publicBase = publicBaseFrom(env, prefix);
  const publicServer = httpUrl(env.JUPYTERHUB_PUBLIC_URL);
  return {
    id: publicBase ?? apiBase,
    apiBase,
    publicBase,
    user,
    serverName,
    localServerUrl,
    publicServerUrl: publicServer ? withSlash(publicServer.toString()) : publicBase ? new URL(servicePrefix, publicBase).toString() : undefined,
    prefix,
    servicePrefix,
    token,
    limits: limitsFromEnv(env),
  };
}

/**
 * The hub's public addresses from the address the browser uses for this editor, when the environment names none:
 * behind jupyter-vscode-proxy, code-server is served under this server's prefix on the hub's own origin
 * (https://hub.example.org/user/alice/vscode/), so an external address under that prefix gives the hub's origin.
 * Anything else (code-server on a port of its own) says nothing about the hub.
 */
export function withBrowserAddress(hub: InsideHub, browserUrl: string | undefined): InsideHub {
  if (hub.publicBase || !browserUrl) return hub;
  const seen = httpUrl(browserUrl);
  if (!seen || !seen.pathname.startsWith(hub.servicePrefix)) return hub;
  const publicBase = new URL(hub.prefix, seen.origin).toString();
  return { ...hub, publicBase, publicServerUrl: new URL(hub.servicePrefix, seen.origin).toString() };
}

/**
 * True when this server runs on this machine: only a public address on loopback says so. The internal API address
 * says nothing (127.0.0.1:8081 on a cloud VM running The Littlest JupyterHub).
 */
export function runsOnThisMachine(hub: InsideHub): boolean {
  return !!hub.publicBase && isLoopbackHost(new URL(hub.publicBase).hostname);
}

/** The hub's label in the Hubs tree and messages: its public host, else "this server's hub". */
export function insideHubLabel(hub: InsideHub): string {
  return hub.publicBase ? hubLabel(hub.publicBase) : "this server's hub";
}

/** Why a link cannot be offered: the environment names only the hub's internal address. */
export const NO_PUBLIC_URL =
  "The hub's public address is not in this server's environment (JupyterHub sets JUPYTERHUB_PUBLIC_URL from 5.0, when its admin sets JupyterHub.public_url), and this editor is not served under this server's address on the hub (as jupyter-vscode-proxy serves it), so no link is offered: the hub's internal address would not open in your browser.";
