// This machine in the provider table: always there, nothing to configure; the host says where clusters keep their
// files, which `dask` starts them and in which environment.
import type { ProviderDescriptor } from '../providerDescriptor';
import { LocalClusterRegistry } from './localClusterRegistry';
import { LOCAL_CAPABILITIES, LocalClusterProvider } from './localProvider';

export interface LocalConfig {
  kind: 'local';
}

export const localDescriptor: ProviderDescriptor<'local', LocalConfig, LocalClusterProvider> = {
  kind: 'local',
  label: 'This machine',
  detail: 'Scheduler and workers as processes on this machine',
  icon: 'vm',
  capabilities: LOCAL_CAPABILITIES,
  instances: 'builtin',
  secret: 'none',
  configId: () => 'local',
  normalize: (c) => c,
  fromAddress: () => ({ kind: 'local' }),
  fromEnvironment: () => ({ config: { kind: 'local' } }),
  create: (_c, ctx) => new LocalClusterProvider({
    registry: new LocalClusterRegistry(ctx.state),
    clustersDir: ctx.localClustersDir,
    logger: ctx.logger,
    adaptiveFollowerCommand: ctx.adaptiveFollowerCommand,
    // Read at each start: the setting (or the active Python environment) and a preset's credentials may change.
    get daskCommand() {
      return ctx.daskCommand();
    },
    get env() {
      return ctx.env;
    },
  }),
};
