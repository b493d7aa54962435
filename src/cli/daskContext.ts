// What every `pangeo-compute dask` command shares: the provider named by --provider (built through the provider table,
// credentials from the environment, --timeout), and the cluster named by NAME — a Gateway's stopped ones included.
import { join } from 'node:path';
import { CommandContext, optionalString, UsageError } from './command';
import { NotFoundError, PangeoError } from '../core/http/errors';
import { findCluster, type ClusterProvider, type ClusterSummary } from '../dask/clusterProvider';
import { JsonFileStore } from '../core/keyValueStore';
import { localClustersFile, stateDirectory } from '../dask/local/localClusterRegistry';
import { descriptorFor, descriptorOf, PROVIDER_TABLE } from '../dask/providerTable';
import { parseHubUrl } from '../hubs/hubUrl';
import { cliSecretStore } from './cliSecrets';
import { LoginTokens } from './loginTokens';

export const PROVIDER_OPTIONS = {
  provider: { type: 'string', short: 'p' },
  url: { type: 'string' },
  workspace: { type: 'string' },
  hub: { type: 'string' },
  dask: { type: 'string' },
  timeout: { type: 'string' },
} as const;

export const PROVIDER_USAGE = `[--provider ${Object.keys(PROVIDER_TABLE).join('|')}] [--url URL | --hub HUB_URL] [--workspace WS] [--timeout SECONDS]`;

/** --timeout: how long one call to a gateway or scheduler may take in all, retries included; undefined = the provider's own. */
function requestTimeout(ctx: CommandContext): { ms?: number; hint: string } {
  const text = optionalString(ctx, 'timeout');
  if (text === undefined) return { hint: 'Retry later, or give it longer with --timeout SECONDS.' };
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout wants a number of seconds > 0, got "${text}"`);
  return { ms: Math.round(seconds * 1000), hint: `Retry later, or give it longer with --timeout SECONDS (now ${seconds}).` };
}

/** The provider named by --provider (default local), with credentials from the environment. Reused by `dask metrics`. */
export function providerFromContext(ctx: CommandContext): ClusterProvider {
  const kind = optionalString(ctx, 'provider') ?? 'local';
  const descriptor = descriptorOf(kind);
  if (!descriptor) throw new UsageError(`unknown provider "${kind}": use ${Object.keys(PROVIDER_TABLE).join(', ')}`);
  const env = ctx.io.env;
  const hubText = optionalString(ctx, 'hub');
  if (hubText !== undefined && optionalString(ctx, 'url') !== undefined) throw new UsageError('Give either --url or --hub, not both.');
  const hub = hubText === undefined ? undefined : parseHubUrl(hubText).base;
  const { config, secret } = descriptor.fromEnvironment({ url: optionalString(ctx, 'url'), workspace: optionalString(ctx, 'workspace'), hub }, env);
  // --hub without JUPYTERHUB_API_TOKEN: the token an earlier `hub login` kept for that hub (the newest).
  const keptToken = async () => (hub ? (await new LoginTokens(cliSecretStore(env)).list(hub))[0]?.token : undefined);
  return descriptor.create(config, {
    logger: ctx.logger,
    // Local clusters and adaptive bounds set by one call are seen by the next: they live in the CLI's state file.
    state: new JsonFileStore(localClustersFile(env)),
    env,
    localClustersDir: join(stateDirectory(env), 'local-clusters'),
    daskCommand: () => optionalString(ctx, 'dask') ?? env.PANGEO_DASK_COMMAND,
    // The follower outlives this call: the same CLI, started detached, with the cluster's id appended.
    adaptiveFollowerCommand: { command: process.execPath, args: [process.argv[1] ?? 'pangeo-compute', 'dask', 'follow-adaptive'] },
    secret: async () => secret ?? (await keptToken()),
    sameKind: () => [config],
    requestTimeout: requestTimeout(ctx),
  });
}

/** Whether --url names the cluster itself (an attached scheduler), so NAME may be left out. */
export function addressIsCluster(provider: ClusterProvider): boolean {
  return descriptorFor(provider.kind).clusterConfig !== undefined;
}

/** The cluster named by the first positional (id or name); a scheduler address is its own cluster. */
export async function clusterFromContext(ctx: CommandContext, provider: ClusterProvider): Promise<ClusterSummary> {
  const name = ctx.positionals[0];
  if (addressIsCluster(provider) && !name) return provider.get(optionalString(ctx, 'url')!, ctx.signal);
  if (!name) throw new UsageError('NAME is required');
  // Not listed as active: a gateway still knows a stopped one, and says so rather than "not found".
  const found = (await findCluster(provider, name, ctx.signal)) ?? (await provider.findEnded?.(name, ctx.signal));
  if (!found) throw new NotFoundError(`cluster ${name} (${provider.label})`, 'see `pangeo-compute dask clusters`');
  return found;
}

/** Whether the cluster has ended (stopped or failed): nothing to scale, adapt or list workers of. */
export function hasEnded(c: ClusterSummary): boolean {
  return c.status === 'stopped' || c.status === 'failed';
}

/** Refuses work on a cluster that has ended, in words that say so (a failure, not a usage error). */
export function requireActive(c: ClusterSummary, what: string): void {
  if (!hasEnded(c)) return;
  throw new PangeoError('Conflict', `Cluster ${c.name} is ${c.status}: it cannot be ${what}.`,
    `Start a new one (pangeo-compute dask create${c.provider === 'local' ? '' : ` --provider ${c.provider}`}).`);
}
