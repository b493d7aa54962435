// `pangeo-compute cost ...`: price lookups from the same table the editor's cost meter uses.
import { Command, CommandGroup, optionalString, positiveInt, requireString, UsageError } from './command';
import { defaultPriceTable, isCloud, lookupInstance } from '../cost/priceTable';
import { rateFor } from '../cost/rate';
import { describeSize, insideHubFromEnv, runsOnThisMachine, sizeFromLimits } from '../hubs/insideHub';

const rate: Command = {
  summary: 'Print the $/h of N instances of a type (on-demand or spot) with the price table\'s date and source',
  usage: '--cloud aws|gcp|azure --region R --instance-type T [--count N] [--spot]',
  options: {
    cloud: { type: 'string' },
    region: { type: 'string' },
    'instance-type': { type: 'string' },
    count: { type: 'string' },
    spot: { type: 'boolean' },
  },
  async run(ctx) {
    const cloud = requireString(ctx, 'cloud');
    if (!isCloud(cloud)) throw new UsageError(`--cloud must be aws, gcp or azure (got "${cloud}")`);
    const region = requireString(ctx, 'region');
    const type = requireString(ctx, 'instance-type');
    const count = positiveInt(optionalString(ctx, 'count') ?? '1', '--count');
    const spot = ctx.values.spot === true;
    const table = defaultPriceTable();
    const price = lookupInstance(table, cloud, region, type, spot);
    if (!price) throw new UsageError(`${type} is not in the ${cloud} price table; known types: ${Object.keys(table.clouds[cloud]?.instances ?? {}).join(', ')}`);
    const total = price.usdPerHour * count;
    const where = price.exactRegion ? region : `${price.region} (no ${region} price in the table)`;
    const human = [
      `$${round(total)}/h for ${count} × ${price.instanceType}${spot ? ' spot' : ''} in ${where}`,
      `  unit $${round(price.usdPerHour)}/h${spot ? ` (on-demand $${round(price.onDemandUsdPerHour)}/h × typical spot discount)` : ''}` +
        (price.spec ? `, ${price.spec.vcpu} vCPU, ${price.spec.memoryGiB} GiB` : ''),
      `  price table as of ${price.asOf}, source: ${price.source} (estimate)`,
    ].join('\n');
    ctx.print(human, {
      cloud, region: price.region, requestedRegion: region, exactRegion: price.exactRegion, instanceType: price.instanceType,
      count, spot, unitUsdPerHour: price.usdPerHour, usdPerHour: total, onDemandUnitUsdPerHour: price.onDemandUsdPerHour,
      vcpu: price.spec?.vcpu, memoryGiB: price.spec?.memoryGiB, asOf: price.asOf, source: price.source, estimated: true,
    });
  },
};

const server: Command = {
  summary: "Inside a hub server: this server's size (its spawner's CPU_LIMIT, MEM_LIMIT, CPU_GUARANTEE, MEM_GUARANTEE) and its estimated $/h",
  usage: '[--cloud aws|gcp|azure] [--region R]',
  options: { cloud: { type: 'string' }, region: { type: 'string' } },
  async run(ctx) {
    const cloud = optionalString(ctx, 'cloud');
    if (cloud !== undefined && !isCloud(cloud)) throw new UsageError(`--cloud must be aws, gcp or azure (got "${cloud}")`);
    const inside = insideHubFromEnv(ctx.io.env);
    if (!inside) throw new UsageError('Not inside a hub server (no JUPYTERHUB_API_URL, JUPYTERHUB_USER and JUPYTERHUB_API_TOKEN): use `pangeo-compute cost rate` with an instance type.');
    const size = sizeFromLimits(inside.limits);
    if (!size) throw new UsageError("This server's spawner declared no size (no CPU_LIMIT, MEM_LIMIT, CPU_GUARANTEE or MEM_GUARANTEE): price its instance with `pangeo-compute cost rate`.");
    // Priced as the editor's cost meter prices it: a hub whose public address is on loopback runs here, for $0.
    const where = cloud ?? (runsOnThisMachine(inside) ? 'local' : undefined);
    const rate = rateFor({ kind: 'server', id: 'this-server', label: 'this server', cores: size.cores, memoryGiB: size.memoryGiB, cloud: where, region: optionalString(ctx, 'region') }, defaultPriceTable());
    const l = inside.limits;
    const guarantee = describeSize({ cores: l.cpuGuarantee, memoryGiB: l.memGuaranteeGiB });
    const human = [
      `${describeSize(size)!} · ~$${round(rate.usdPerHour)}/h (estimate)`,
      `  server ${inside.serverName || '(default)'} of ${inside.user}${guarantee && (l.cpuLimit ?? l.memLimitGiB) !== undefined ? `; guaranteed ${guarantee}` : ''}`,
      where === 'local' ? `  ${rate.source}: its hub's public address is on loopback` : `  priced by cores and memory: ${rate.source}, as of ${rate.asOf}`,
      ...rate.warnings.map((w) => `  ${w}`),
    ].join('\n');
    ctx.print(human, {
      user: inside.user, server: inside.serverName, cores: size.cores, memoryGiB: size.memoryGiB, limits: inside.limits,
      usdPerHour: rate.usdPerHour, asOf: rate.asOf, source: rate.source, estimated: true,
    });
  },
};

function round(n: number): string {
  return (Math.round(n * 10_000) / 10_000).toString();
}

export const costCommands: CommandGroup = {
  name: 'cost',
  summary: 'Estimate what instances cost from the bundled price table',
  commands: { server, rate },
  // `pangeo-compute cost` alone, inside a hub server: what this server costs.
  defaultCommand: 'server',
};
