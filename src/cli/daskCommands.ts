// `pangeo-compute dask ...`: list, create, scale, adapt and stop Dask clusters on any provider, over the same core
// as the editor. Local clusters are detached processes recorded in $XDG_STATE_HOME/pangeo-compute/local-clusters.json,
// so a later call can scale or stop what an earlier one started.
import { Command, CommandContext, CommandGroup, EXIT, keyValues, optionalString, positiveInt, UsageError } from './command';
import { describeOptionType, parseOptionPairs } from '../dask/clusterOptions';
import { describeAdaptive, describeSize, describeStatus, formatAge, formatBytes, type ClusterProvider, type ClusterSummary } from '../dask/clusterProvider';
import { GatewayProvider } from '../dask/gateway/gatewayProvider';
import type { LocalClusterProvider } from '../dask/local/localProvider';
import { providerDescriptors } from '../dask/providerTable';
import { addressIsCluster, clusterFromContext, hasEnded, PROVIDER_OPTIONS, PROVIDER_USAGE, providerFromContext, requireActive } from './daskContext';
import { daskMetricsCommand } from './daskMetricsCommand';

export { clusterFromContext, providerFromContext } from './daskContext';

function row(c: ClusterSummary): string {
  const adaptive = describeAdaptive(c, '…') ? ` ${describeAdaptive(c, '…')}` : '';
  return [c.name, c.id !== c.name ? `(${c.id})` : '', describeStatus(c.status), describeSize(c) + adaptive, formatAge(c.startedAt), c.dashboardUrl ?? '', c.message ?? '']
    .filter(Boolean).join('  ');
}

function withProvider(summary: string, usage: string, run: (ctx: CommandContext, provider: ClusterProvider) => Promise<number | void>, extra: Command['options'] = {}): Command {
  return {
    summary,
    usage: `${usage} ${PROVIDER_USAGE}`.trim(),
    options: { ...PROVIDER_OPTIONS, ...extra },
    async run(ctx) {
      const provider = providerFromContext(ctx);
      try {
        return await run(ctx, provider);
      } finally {
        provider.dispose?.();
      }
    },
  };
}

const clusters = withProvider('List clusters', '', async (ctx, provider) => {
  const list = await provider.list(ctx.signal);
  ctx.print(list.length ? list.map(row).join('\n') : `No clusters (${provider.label}).`, list);
});

const options = withProvider('Show the options `create` accepts', '', async (ctx, provider) => {
  if (!provider.capabilities.options) throw new UsageError(`${provider.label} has no cluster options`);
  const fields = await provider.optionsSchema(ctx.signal);
  const human = fields.map((f) => `${f.field.padEnd(22)} ${describeOptionType(f.spec).padEnd(28)} default ${JSON.stringify(f.default)}  ${f.label}`).join('\n');
  ctx.print(human || 'No options.', fields);
});

const create = withProvider('Create a cluster; prints its name', '[--option key=value]... [--wait]', async (ctx, provider) => {
  if (!provider.capabilities.create) throw new UsageError(`${provider.label} cannot create clusters`);
  const values = parseOptionPairs(await provider.optionsSchema(ctx.signal), keyValues(ctx, 'option'));
  let created = await provider.create(values, ctx.signal);
  if (ctx.values.wait && provider instanceof GatewayProvider) created = await provider.waitUntilRunning(created.id, 300_000, ctx.signal);
  ctx.note(`Created ${created.name} (${describeStatus(created.status)}, ${describeSize(created)})${created.dashboardUrl ? ` — dashboard ${created.dashboardUrl}` : ''}`);
  ctx.print(created.name, created);
}, { option: { type: 'string', multiple: true, short: 'o' }, wait: { type: 'boolean' } });

const scale = withProvider('Scale to a fixed number of workers (turns adaptive off)', 'NAME N', async (ctx, provider) => {
  const onlyN = addressIsCluster(provider) && ctx.positionals.length === 1;
  const n = positiveInt(ctx.positionals[onlyN ? 0 : 1], 'N');
  const cluster = await clusterFromContext({ ...ctx, positionals: onlyN ? [] : ctx.positionals }, provider);
  requireActive(cluster, 'scaled');
  // The provider's warnings (a gateway's limit, a cluster still starting) are printed at once, not after the wait.
  await provider.scale(cluster.id, n, ctx.signal, (m) => ctx.note(m));
  const after = await provider.get(cluster.id, ctx.signal);
  ctx.print(`${after.name}: ${describeSize(after)}`, after);
});

const adapt = withProvider('Scale adaptively between --min and --max workers', 'NAME --min A --max B', async (ctx, provider) => {
  const minimum = positiveInt(optionalString(ctx, 'min'), '--min');
  const maximum = positiveInt(optionalString(ctx, 'max'), '--max');
  if (maximum < minimum) throw new UsageError('--max must be ≥ --min');
  const cluster = await clusterFromContext(ctx, provider);
  requireActive(cluster, 'made adaptive');
  await provider.adapt(cluster.id, minimum, maximum, ctx.signal, (m) => ctx.note(m));
  // Read back: the provider may have been given other bounds than asked (a gateway's limit); only what it reports is shown.
  const after = await provider.get(cluster.id, ctx.signal).catch(() => undefined);
  const said = after && (after.adaptive || after.adaptiveUnknown) ? describeAdaptive(after, '…')
    : `asked for adaptive ${minimum}…${maximum}${after ? `; ${provider.label} reports a fixed size` : ` (${provider.label} could not be asked what it uses)`}`;
  ctx.print(`${cluster.name}: ${said}${after?.adaptive ? ' workers' : ''}`, after ?? { ...cluster, adaptive: undefined });
}, { min: { type: 'string' }, max: { type: 'string' } });

const stop = withProvider('Stop a cluster (its workers and their data are gone)', 'NAME', async (ctx, provider) => {
  const cluster = await clusterFromContext(ctx, provider);
  if (hasEnded(cluster)) {
    // Stopping what is stopped is done, not a failure.
    ctx.print(`${cluster.name} is already ${cluster.status === 'failed' ? 'stopped (it failed)' : 'stopped'}.`, { stopped: cluster.name, id: cluster.id, already: true, status: cluster.status });
    return;
  }
  await provider.stop(cluster.id, ctx.signal);
  if (provider instanceof GatewayProvider) {
    // The gateway stops clusters in the background: say so, then wait until it is done.
    ctx.note(`Stopping ${cluster.name}…`);
    const status = await provider.waitUntilStopped(cluster.id, 120_000, ctx.signal);
    if (status === 'stopping') {
      ctx.print(`${cluster.name} is still stopping; \`dask clusters\` shows when it is gone.`, { stopping: cluster.name, id: cluster.id });
      return;
    }
  }
  ctx.print(`Stopped ${cluster.name}`, { stopped: cluster.name, id: cluster.id });
});

const workers = withProvider('List a cluster\'s workers as its scheduler reports them', 'NAME', async (ctx, provider) => {
  const cluster = await clusterFromContext(ctx, provider);
  requireActive(cluster, 'asked for its workers');
  const list = await provider.workers(cluster.id, ctx.signal);
  const human = list.map((w) => [w.name, w.id !== w.name ? w.id : '', `${w.threads} thread${w.threads === 1 ? '' : 's'}`,
    w.memoryLimit ? formatBytes(w.memoryLimit) : '', w.memoryUsed !== undefined ? `used ${formatBytes(w.memoryUsed)}` : '', w.status ?? '']
    .filter(Boolean).join('  ')).join('\n');
  ctx.print(human || `${cluster.name} has no workers.`, list);
});

/** Internal: the detached process that keeps a local cluster at its adaptive target (started by `adapt`). */
const followAdaptive: Command = {
  summary: '(internal) keep a local cluster at its adaptive target',
  usage: 'ID',
  options: { dask: { type: 'string' } },
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id) throw new UsageError('ID is required');
    const provider = providerFromContext({ ...ctx, values: { ...ctx.values, provider: 'local' } }) as LocalClusterProvider;
    await provider.followAdaptive(id);
    return EXIT.ok;
  },
};

export const daskCommands: CommandGroup = {
  name: 'dask',
  summary: `Dask clusters: ${providerDescriptors().map((d) => d.label).join(', ')}`,
  commands: {
    clusters,
    options,
    create,
    scale,
    adapt,
    stop,
    workers,
    metrics: daskMetricsCommand,
    'follow-adaptive': followAdaptive,
  },
};
