// `pangeo-compute cost ...`: price lookups from the same table the editor's cost meter uses.
import { Command, CommandGroup, optionalString, positiveInt, requireString, UsageError } from './command';
import { defaultPriceTable, isCloud, lookupInstance } from '../cost/priceTable';

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

function round(n: number): string {
  return (Math.round(n * 10_000) / 10_000).toString();
}

export const costCommands: CommandGroup = {
  name: 'cost',
  summary: 'Estimate what instances cost from the bundled price table',
  commands: { rate },
};
