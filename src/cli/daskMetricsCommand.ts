// `pangeo-compute dask metrics NAME --provider P | --url DASHBOARD_URL`: one sample of a scheduler, the same one the
// dashboard draws. A cluster named with its provider is found through the provider table, with the provider's auth.
import { Command, CommandContext, optionalString, UsageError } from './command';
import { SchedulerSampler, type DashboardConnection } from '../dashboard/metrics/schedulerSampler';
import { WORKER_FIELD_NAMES } from '../shared/dashboard/workerFields';
import { activeTasks } from '../dashboard/metrics/clusterSample';
import { PangeoError } from '../core/http/errors';
import { descriptorOf, PROVIDER_TABLE } from '../dask/providerTable';
import { clusterFromContext, providerFromContext } from './daskContext';

const GIB = 1024 ** 3;

const EXAMPLES = 'e.g. http://127.0.0.1:8787/ or https://hub.example.org/services/dask-gateway/clusters/NAME/status';

/** The dashboard address given with --url, or a usage error that says what a valid one looks like. */
export function dashboardUrlFrom(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--url must be a scheduler dashboard's full http(s) address (${EXAMPLES}), got "${text}". ` +
      'Or name the cluster: dask metrics NAME --provider gateway --url GATEWAY_URL.');
  }
  return url.toString();
}

/** The dashboard of the cluster NAME of --provider (found as every dask command finds it), with the provider's auth. */
async function clusterDashboard(ctx: CommandContext): Promise<DashboardConnection> {
  const provider = providerFromContext(ctx);
  try {
    const cluster = await clusterFromContext(ctx, provider);
    if (cluster.status !== 'running') {
      throw new PangeoError('Conflict', `Cluster ${cluster.name} is ${cluster.status}: it has no dashboard to sample.`, 'Name a running cluster (pangeo-compute dask clusters), or start a new one (pangeo-compute dask create).');
    }
    const info = await provider.connectionInfo(cluster.id, ctx.signal);
    if (!info.dashboardUrl) throw new PangeoError('Conflict', `Cluster ${cluster.name} has no dashboard address.`, 'Is its scheduler running with a dashboard?');
    return { dashboardUrl: info.dashboardUrl, headers: info.dashboardAuth, authorization: info.dashboardAuthorization };
  } finally {
    provider.dispose?.();
  }
}

/** --url DASHBOARD_URL with optional --header flags and PANGEO_DASHBOARD_AUTHORIZATION. */
function addressedDashboard(ctx: CommandContext): DashboardConnection {
  const text = optionalString(ctx, 'url');
  if (!text) throw new UsageError('name a cluster (NAME --provider P) or give --url DASHBOARD_URL');
  const url = dashboardUrlFrom(text);
  const headers: Record<string, string> = {};
  const raw = ctx.values.header;
  for (const h of Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header wants "Name: value", got "${h}"`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  // A token for the dashboard can come from the environment instead of argv.
  const token = ctx.io.env.PANGEO_DASHBOARD_AUTHORIZATION;
  if (token && !headers.Authorization) headers.Authorization = token;
  return { dashboardUrl: url, headers };
}

export const daskMetricsCommand: Command = {
  summary: 'Print one sample of a scheduler: workers, threads, memory, tasks by state, per-worker rows',
  usage: `NAME [--provider ${Object.keys(PROVIDER_TABLE).join('|')}] [--url PROVIDER_URL] [--workspace WS] [--timeout SECONDS]  |  --url DASHBOARD_URL [--header "Name: value"]...`,
  options: {
    url: { type: 'string' }, header: { type: 'string', multiple: true }, provider: { type: 'string', short: 'p' },
    workspace: { type: 'string' }, dask: { type: 'string' }, timeout: { type: 'string' },
  },
  async run(ctx) {
    // A NAME, or a provider whose --url is the cluster itself (an attached scheduler), is sampled through the provider.
    const kind = optionalString(ctx, 'provider');
    if (kind && !descriptorOf(kind)) throw new UsageError(`unknown provider "${kind}": use ${Object.keys(PROVIDER_TABLE).join(', ')}`);
    const connection = ctx.positionals[0] || kind ? await clusterDashboard(ctx) : addressedDashboard(ctx);
    const timeoutText = optionalString(ctx, 'timeout');
    const timeoutMs = timeoutText !== undefined && Number(timeoutText) > 0 ? Number(timeoutText) * 1000 : 10_000;
    // One sample, nothing else to keep responsive: no worker thread.
    const sampler = new SchedulerSampler(connection, { logger: ctx.logger, timeoutMs, identityThread: false });
    const s = await sampler.sample(ctx.signal);
    const human = [
      `${s.workers} workers, ${s.threads} threads, memory ${gib(s.memoryUsedBytes)} / ${gib(s.memoryLimitBytes)} GiB`,
      `tasks: ${Object.entries(s.tasks).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} (active ${activeTasks(s.tasks)})`,
      ...s.workerRows.map((w) => `  ${w.name.padEnd(12)} ${w.address.padEnd(24)} ${w.threads} thr  ${gib(w.memoryBytes)}/${gib(w.memoryLimitBytes)} GiB  cpu ${w.cpuPercent.toFixed(0)} %`),
      s.metricsAvailable ? '' : '(/metrics not served: task counts from counts.json)',
    ].filter(Boolean).join('\n');
    ctx.print(human, {
      time: new Date(s.time).toISOString(),
      scheduler_id: s.schedulerId,
      workers: s.workers,
      threads: s.threads,
      memory_used_bytes: s.memoryUsedBytes,
      memory_limit_bytes: s.memoryLimitBytes,
      tasks: s.tasks,
      clients: s.clients,
      desired_workers: s.desiredWorkers,
      metrics_available: s.metricsAvailable,
      managed_bytes: s.managedBytes,
      unmanaged_bytes: Math.max(0, s.memoryUsedBytes - s.managedBytes),
      spilled_bytes: s.spilledBytes,
      task_prefixes: s.prefixes,
      task_prefix_times: s.prefixTimes,
      // Every declared worker field, snake_cased, so a new field shows up here without an edit.
      worker_rows: s.workerRows.map((w) => Object.fromEntries(WORKER_FIELD_NAMES.map((f) =>
        [f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), f === 'lastSeen' ? new Date(w.lastSeen).toISOString() : w[f]]))),
    });
  },
};

function gib(n: number): string {
  return (n / GIB).toFixed(2);
}
