// Coiled in the provider table: a workspace and its API token (imported from the Python client's login only with the
// user's consent); from the CLI, the token and workspace the Python client would use (DASK_COILED__*, coiled.yaml).
import { InvalidInputError } from '../../core/http/errors';
import type { Logger } from '../../core/log';
import type { ClusterProvider } from '../clusterProvider';
import type { ProviderDescriptor } from '../providerDescriptor';
import { coiledConfigPaths, COILED_DEFAULT_SERVER, findCoiledCredentials } from './coiledCredentials';
import { COILED_CAPABILITIES, CoiledProvider } from './coiledProvider';

export interface CoiledConfig {
  kind: 'coiled';
  workspace: string;
  server: string;
}

export const coiledDescriptor: ProviderDescriptor<'coiled', CoiledConfig> = {
  kind: 'coiled',
  label: 'Coiled',
  detail: 'Clusters in a Coiled workspace',
  icon: 'cloud',
  capabilities: COILED_CAPABILITIES,
  instances: 'each',
  secret: 'required',
  configId: (c) => `coiled:${c.workspace}`,
  normalize: (c) => c,
  // Its token is in the kernel, not ours to take: the user adds the workspace.
  adopt: (found) => (found.kind === 'coiled' && found.workspace
    ? { hint: `Add the Coiled workspace ${found.workspace} with "Add Dask Provider" to manage this cluster here.` }
    : undefined),

  // Offers the existing login of the Python client, but imports it only if the user says so.
  async setup(prompts, ctx) {
    const found = findCoiledCredentials(ctx.env, coiledConfigPaths(ctx.env));
    let token: string | undefined;
    let server = COILED_DEFAULT_SERVER;
    if (found) {
      const pick = await prompts.ask(`A Coiled token was found in ${found.source}. Import it into the editor's secret storage?`, ['Import', 'Enter Another'] as const);
      if (pick === undefined) return undefined;
      if (pick === 'Import') {
        token = found.token;
        server = found.server;
      }
    }
    token ??= (await prompts.text({ title: 'Coiled API token', prompt: 'From https://cloud.coiled.io/profile', password: true, ignoreFocusOut: true }))?.trim();
    if (!token) return undefined;
    const workspace = (await prompts.text({ title: 'Coiled workspace', value: found?.workspace ?? '', validate: (t) => (t.trim() ? undefined : 'The workspace (account) slug is required.') }))?.trim();
    if (!workspace) return undefined;
    return { config: { kind: 'coiled', workspace, server }, secret: token };
  },

  // The server does not tell workspaces apart: a workspace names the provider.
  fromAddress(address) {
    if (!address.workspace) throw new InvalidInputError('A Coiled provider is named by its workspace.');
    return { kind: 'coiled', workspace: address.workspace, server: address.url ?? COILED_DEFAULT_SERVER };
  },

  fromEnvironment(address, env) {
    const creds = findCoiledCredentials(env, coiledConfigPaths(env));
    if (!creds) throw new InvalidInputError('No Coiled token: set DASK_COILED__TOKEN or log in with `coiled login` (~/.config/dask/coiled.yaml)');
    const workspace = address.workspace ?? creds.workspace;
    if (!workspace) throw new InvalidInputError('--workspace is required (or coiled.workspace in coiled.yaml, or DASK_COILED__WORKSPACE)');
    return { config: { kind: 'coiled', workspace, server: address.url ?? creds.server }, secret: creds.token };
  },

  create: (c, ctx) => new LazyCoiled(c, () => ctx.secret(), ctx.logger),
};

/** A CoiledProvider whose token is read when first needed, so construction stays synchronous. */
class LazyCoiled implements ClusterProvider {
  readonly kind = 'coiled' as const;
  readonly id: string;
  readonly label: string;
  readonly capabilities = COILED_CAPABILITIES;
  private inner?: Promise<CoiledProvider>;

  constructor(private readonly c: CoiledConfig, private readonly token: () => Promise<string | undefined>, private readonly logger: Logger) {
    this.id = coiledDescriptor.configId(c);
    this.label = `Coiled ${c.workspace}`;
  }

  private provider(): Promise<CoiledProvider> {
    this.inner ??= this.token().then((token) => {
      if (!token) {
        this.inner = undefined;
        throw new InvalidInputError(`No Coiled token stored for ${this.c.workspace}.`, 'Remove the provider and add it again.');
      }
      return new CoiledProvider({ server: this.c.server, token, workspace: this.c.workspace, logger: this.logger });
    });
    return this.inner;
  }

  list(signal?: AbortSignal) { return this.provider().then((p) => p.list(signal)); }
  optionsSchema() { return this.provider().then((p) => p.optionsSchema()); }
  create(o: Parameters<ClusterProvider['create']>[0], signal?: AbortSignal) { return this.provider().then((p) => p.create(o, signal)); }
  get(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.get(id, signal)); }
  scale(id: string, n: number, signal?: AbortSignal) { return this.provider().then((p) => p.scale(id, n, signal)); }
  adapt() { return this.provider().then((p) => p.adapt()); }
  stop(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.stop(id, signal)); }
  connectionInfo(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.connectionInfo(id, signal)); }
  workers(id: string, signal?: AbortSignal) { return this.provider().then((p) => p.workers(id, signal)); }
}
