// Attached schedulers in the provider table: each configuration is one scheduler's dashboard address, and one provider
// lists them all; from the CLI, the --url given.
import { InvalidInputError } from '../../core/http/errors';
import { httpUrlProblem, type ProviderDescriptor } from '../providerDescriptor';
import { SCHEDULER_CAPABILITIES, SchedulerAddressProvider } from './schedulerAddressProvider';
import { normalizeDashboardRoot } from './schedulerHttp';

export interface SchedulerConfig {
  kind: 'scheduler';
  /** The dashboard address (http://host:8787/), in its normalized form once stored. */
  url: string;
}

export const schedulerDescriptor: ProviderDescriptor<'scheduler', SchedulerConfig, SchedulerAddressProvider> = {
  kind: 'scheduler',
  label: 'Scheduler address',
  detail: 'A running scheduler, by its dashboard address (http://host:8787)',
  icon: 'plug',
  capabilities: SCHEDULER_CAPABILITIES,
  instances: 'shared',
  secret: 'none',
  configId: (c) => `scheduler:${c.url}`,
  // One entry per scheduler, whatever form of its address was typed (…:8787, …:8787/status, …:8787/).
  normalize: (c) => ({ ...c, url: dashboardRoot(c.url) }),
  clusterConfig: (clusterId) => ({ kind: 'scheduler', url: clusterId }),
  // Any other cluster with a dashboard is attached by it (the table asks this kind last).
  adopt: (found) => (found.dashboardLink ? { config: { kind: 'scheduler', url: found.dashboardLink } } : undefined),

  async setup(prompts) {
    const url = await prompts.text({ title: 'Scheduler dashboard address', value: 'http://127.0.0.1:8787/', validate: httpUrlProblem });
    return url ? { config: { kind: 'scheduler', url: url.trim() } } : undefined;
  },

  fromAddress(address) {
    if (!address.url) throw new InvalidInputError('A scheduler is named by its dashboard address (url).');
    return { kind: 'scheduler', url: address.url };
  },

  fromEnvironment(address) {
    if (!address.url) throw new InvalidInputError('--url http://host:8787 (the scheduler\'s dashboard address) is required for --provider scheduler');
    return { config: { kind: 'scheduler', url: address.url } };
  },

  create: (_c, ctx) => new SchedulerAddressProvider({
    addresses: () => [...new Set(ctx.sameKind().map((c) => dashboardRoot(c.url)))],
    logger: ctx.logger,
    timeoutMs: ctx.requestTimeout?.ms,
  }),
};

/** The normalized dashboard root, or the text as typed when it is no address (kept so the user sees it fail). */
export function dashboardRoot(url: string): string {
  try {
    return normalizeDashboardRoot(url);
  } catch {
    return url;
  }
}
