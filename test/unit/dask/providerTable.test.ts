// The provider table walked kind by kind: every descriptor builds its provider from a minimal configuration, the CLI
// and the editor accept every kind it lists, and each add-provider conversation yields a configuration that works.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_KINDS, type ProviderKind } from '../../../src/dask/clusterProvider';
import { adoptionOf, configId, descriptorOf, PROVIDER_TABLE, providerDescriptors, providerIdOf, type ProviderConfig } from '../../../src/dask/providerTable';
import { httpUrlProblem, type Choice, type ProviderAddress, type SetupPrompts, type TextQuestion } from '../../../src/dask/providerDescriptor';
import { askNewProvider } from '../../../src/dask/editor/addProviderFlow';
import { ProviderStore, secretKey } from '../../../src/dask/editor/providerStore';
import { daskCommands, providerFromContext } from '../../../src/cli/daskCommands';
import type { CommandContext } from '../../../src/cli/command';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import type { GatewayProvider } from '../../../src/dask/gateway/gatewayProvider';
import type { DiscoveredCluster } from '../../../src/dask/notebook/kernelClusterDiscovery';
import { CLUSTER_KEY, daskClusterStep } from '../../../src/presets/hubAndDaskSteps';
import type { StepContext } from '../../../src/presets/applyPreset';
import type { ClusterSummary } from '../../../src/dask/clusterProvider';

/** The least each kind needs from the CLI's flags and environment (no home folder, no network). */
const MINIMAL: Record<ProviderKind, { address: ProviderAddress; env: NodeJS.ProcessEnv }> = {
  local: { address: {}, env: {} },
  gateway: { address: { url: 'https://gw.example.org/' }, env: {} },
  coiled: { address: { workspace: 'ws' }, env: { DASK_COILED__TOKEN: 'coiled-token-123456' } },
  scheduler: { address: { url: 'http://10.0.0.9:8787/' }, env: {} },
};

function isolated(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Coiled's config files and the CLI's state file are looked for here, not in the real home folder.
  const home = mkdtempSync(join(tmpdir(), 'pangeo-table-'));
  return { HOME: home, XDG_STATE_HOME: join(home, 'state'), ...env };
}

function secrets() {
  const map = new Map<string, string>();
  return { map, get: async (k: string) => map.get(k), store: async (k: string, v: string) => void map.set(k, v), delete: async (k: string) => void map.delete(k) };
}

function newStore(opts: { hubToken?: string } = {}) {
  const s = secrets();
  const store = new ProviderStore({
    state: new MemoryStore(), secrets: s, logger: silentLogger, clustersDir: mkdtempSync(join(tmpdir(), 'pangeo-table-ps-')), daskCommand: () => undefined,
    hubTokenFor: opts.hubToken ? async () => opts.hubToken : undefined,
  });
  return { store, secrets: s };
}

function cliContext(values: Record<string, string | undefined>, env: NodeJS.ProcessEnv): CommandContext {
  return {
    values, positionals: [], json: false, logger: silentLogger, signal: new AbortController().signal,
    io: { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '', env },
    print: () => undefined, printJsonLine: () => undefined, writeBytes: () => undefined, writeProgramOutput: () => undefined, note: () => undefined, atExit: () => undefined,
  };
}

type Answer = string | undefined | { pick: string };

/** Answers the descriptor's questions in order; a typed answer must pass the question's own check. */
function scripted(answers: Answer[]): SetupPrompts & { asked: string[]; offered: string[][] } {
  const next = (what: string) => {
    assert.ok(answers.length, `no answer left for ${what}`);
    return answers.shift();
  };
  return {
    asked: [],
    offered: [],
    async text(q: TextQuestion) {
      this.asked.push(q.title);
      const a = next(q.title);
      assert.ok(typeof a === 'string' || a === undefined, `${q.title} wants text`);
      if (a !== undefined) assert.equal(q.validate?.(a), undefined, `${q.title}: "${a}" passes its check`);
      return a;
    },
    async pick<T>(title: string, choices: ReadonlyArray<Choice<T>>) {
      this.asked.push(title);
      this.offered.push(choices.map((c) => c.label));
      const a = next(title);
      if (a === undefined) return undefined;
      assert.ok(typeof a === 'object', `${title} wants a pick`);
      const choice = choices.find((c) => c.label.includes(a.pick));
      assert.ok(choice, `${title} offers "${a.pick}" (offered: ${choices.map((c) => c.label).join(', ')})`);
      return choice.value;
    },
    async ask<A extends string>(message: string, options: readonly A[]) {
      this.asked.push(message);
      const a = next(message);
      assert.ok(a === undefined || options.includes(a as A), `${message} offers ${String(a)}`);
      return a as A | undefined;
    },
  };
}

describe('the provider table', () => {
  it('has one descriptor per provider kind, under its own name; only the built-in one cannot be added', () => {
    assert.deepEqual(Object.keys(PROVIDER_TABLE).sort(), [...PROVIDER_KINDS].sort());
    for (const [kind, d] of Object.entries(PROVIDER_TABLE)) {
      assert.equal(d.kind, kind);
      assert.ok(d.label && d.detail && d.icon, `${kind} has a label, a detail and an icon`);
      assert.equal(!('setup' in d && d.setup), d.instances === 'builtin', `${kind}: an add-provider conversation unless built in`);
      assert.equal('clusterConfig' in d && !!d.clusterConfig, d.instances === 'shared', `${kind}: a shared provider's clusters are configurations`);
    }
    assert.equal(descriptorOf('nope'), undefined);
    assert.equal(descriptorOf('toString'), undefined, 'only the table\'s own kinds');
  });

  it('every descriptor builds its provider from a minimal configuration (id, kind and capabilities agree)', async () => {
    for (const d of providerDescriptors()) {
      const { address, env } = MINIMAL[d.kind];
      const { config, secret } = d.fromEnvironment(address, isolated(env));
      assert.equal(config.kind, d.kind);
      const provider = d.create(config, {
        logger: silentLogger, state: new MemoryStore(), env: isolated({}), localClustersDir: mkdtempSync(join(tmpdir(), 'pangeo-table-lc-')),
        daskCommand: () => undefined, secret: async () => secret, sameKind: () => [config],
      });
      assert.equal(provider.kind, d.kind);
      assert.equal(provider.id, providerIdOf(config), `${d.kind}: the provider's id is the one the store files it under`);
      assert.deepEqual(provider.capabilities, d.capabilities, `${d.kind}: capabilities as declared`);
      assert.ok(provider.label);
      provider.dispose?.();
    }
  });

  it('the CLI accepts every kind (--provider), lists them in its usage, and refuses an unknown one', () => {
    for (const kind of PROVIDER_KINDS) {
      const { address, env } = MINIMAL[kind];
      const provider = providerFromContext(cliContext({ provider: kind, ...address }, isolated(env)));
      assert.equal(provider.kind, kind);
      provider.dispose?.();
      assert.ok(daskCommands.commands.clusters!.usage.includes(kind), `usage names ${kind}`);
    }
    assert.throws(() => providerFromContext(cliContext({ provider: 'nope' }, isolated({}))), /unknown provider "nope": use local, gateway, coiled, scheduler/);
    assert.throws(() => providerFromContext(cliContext({ provider: 'gateway' }, isolated({}))), /--provider gateway needs --url URL, --hub HUB_URL, or a gateway in Dask.s configuration/);
    assert.throws(() => providerFromContext(cliContext({ provider: 'coiled' }, isolated({}))), /No Coiled token/);
    assert.throws(() => providerFromContext(cliContext({ provider: 'gateway', url: 'https://gw/', hub: 'https://hub/' }, isolated({}))), /either --url or --hub, not both/);
    const byHub = providerFromContext(cliContext({ provider: 'gateway', hub: 'hub.example.org/jhub' }, isolated({})));
    assert.equal(byHub.id, 'gateway:https://hub.example.org/jhub/services/dask-gateway/', '--hub names the hub\'s dask-gateway service');
  });

  it('the editor offers every kind but the built-in one, stores each and lists its provider', async () => {
    const prompts = scripted([undefined]);
    assert.equal(await askNewProvider(prompts, { hubSignInAvailable: true, env: isolated({}) }), undefined);
    assert.deepEqual(prompts.offered[0], providerDescriptors().filter((d) => d.instances !== 'builtin').map((d) => `$(${d.icon}) ${d.label}`));

    const { store } = newStore();
    for (const d of providerDescriptors()) {
      if (d.instances === 'builtin') continue;
      const { config, secret } = d.fromEnvironment(MINIMAL[d.kind].address, isolated(MINIMAL[d.kind].env));
      await store.add(config, secret);
    }
    assert.deepEqual(store.providers().map((p) => p.kind), ['local', 'gateway', 'coiled', 'scheduler']);
    for (const p of store.providers()) assert.equal(store.provider(p.id), p);
    store.dispose();

    // A kind stored by a newer version is skipped, not built as something else.
    const state = new MemoryStore();
    await state.update('pangeo.dask.providers', [{ kind: 'kubernetes', namespace: 'ns' }, { kind: 'scheduler', url: 'http://10.0.0.9:8787/' }]);
    const older = new ProviderStore({ state, secrets: secrets(), logger: silentLogger, clustersDir: mkdtempSync(join(tmpdir(), 'pangeo-table-ps-')), daskCommand: () => undefined });
    assert.deepEqual(older.providers().map((p) => p.kind), ['local', 'scheduler']);
    await older.remove('scheduler');
    assert.deepEqual(state.get('pangeo.dask.providers'), [{ kind: 'kubernetes', namespace: 'ns' }], 'and kept for the version that knows it');
    older.dispose();
  });

  it('a preset names every kind by its address; what needs no secret is added, what does must be there already', async () => {
    const { store } = newStore({ hubToken: 'hub-token-abcdef' });
    for (const d of providerDescriptors()) {
      const address = MINIMAL[d.kind].address;
      if (d.secret === 'required') {
        await assert.rejects(store.providerAt(d.kind, address), /is not connected/);
        const { config, secret } = d.fromEnvironment(address, isolated(MINIMAL[d.kind].env));
        await store.add(config, secret);
      }
      assert.equal((await store.providerAt(d.kind, address)).kind, d.kind);
    }
    await assert.rejects(store.providerAt('mars', {}), /Unknown Dask provider "mars"/);
    await assert.rejects(store.providerAt('gateway', {}), /named by its address/);
    // A second scheduler joins the one provider; a hub-service Gateway named only by its address takes the hub's token.
    const again = await store.providerAt('scheduler', { url: 'http://10.0.0.10:8787/status' });
    assert.equal(again, store.provider('scheduler'));
    assert.deepEqual(store.schedulerAddresses(), ['http://10.0.0.9:8787/', 'http://10.0.0.10:8787/']);
    const gw = await store.providerAt('gateway', { url: 'https://hub.example.org/services/dask-gateway/' }) as GatewayProvider;
    assert.equal(await gw.client.http.authorizationHeader(), 'jupyterhub hub-token-abcdef');
    store.dispose();
  });

  it('a preset\'s scheduler step connects to the preset\'s address, not the first one attached', async () => {
    const { store } = newStore();
    // Closed loopback ports: each scheduler answers "unreachable" at once, under its own address.
    await store.add({ kind: 'scheduler', url: 'http://127.0.0.1:1/' });
    const step = daskClusterStep({ provider: (s) => store.providerAt(s.provider, { url: s.url, workspace: s.workspace }) });
    const state: Record<string, unknown> = {};
    await step({ kind: 'create-dask-cluster', id: 'create-dask-cluster', title: '', details: [], provider: 'scheduler', url: 'http://127.0.0.1:2/status', options: {} },
      { state, signal: new AbortController().signal, report: () => undefined } as unknown as StepContext);
    assert.equal((state[CLUSTER_KEY] as ClusterSummary).id, 'http://127.0.0.1:2/');
    assert.deepEqual(store.schedulerAddresses(), ['http://127.0.0.1:1/', 'http://127.0.0.1:2/']);
    store.dispose();
  });
});

describe('adopting a cluster found in a notebook', () => {
  const found = (c: Partial<DiscoveredCluster>): DiscoveredCluster => ({ kind: 'other', type: 'SpecCluster', variables: ['cluster'], ...c });

  it('goes to the kind that claims it: its Gateway, a hint for Coiled, else its dashboard as an attached scheduler', () => {
    assert.deepEqual(adoptionOf(found({ kind: 'gateway', type: 'GatewayCluster', gatewayAddress: 'https://gw.example.org/', proxyAddress: 'gateway://gw:8786', dashboardLink: 'https://gw.example.org/clusters/x/status' })),
      { config: { kind: 'gateway', url: 'https://gw.example.org/', auth: 'jupyterhub', proxyAddress: 'gateway://gw:8786' } });
    assert.match((adoptionOf(found({ kind: 'coiled', workspace: 'lab', dashboardLink: 'https://coiled/x' })) as { hint: string }).hint, /Add the Coiled workspace lab/);
    assert.deepEqual(adoptionOf(found({ kind: 'local', type: 'LocalCluster', dashboardLink: 'http://127.0.0.1:8787/status' })), { config: { kind: 'scheduler', url: 'http://127.0.0.1:8787/status' } });
    assert.deepEqual(adoptionOf(found({ kind: 'coiled', dashboardLink: 'http://10.1.1.1:8787/status' })), { config: { kind: 'scheduler', url: 'http://10.1.1.1:8787/status' } }, 'Coiled without a workspace: by its dashboard');
    assert.equal(adoptionOf(found({ kind: 'gateway' })), undefined, 'nothing to adopt it by');
  });
});

describe('add-provider conversations', () => {
  const gatewayUrl = 'https://hub.example.org/services/dask-gateway/';

  async function add(answers: Answer[], opts: { hubSignInAvailable?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    const prompts = scripted(answers);
    const added = await askNewProvider(prompts, { hubSignInAvailable: opts.hubSignInAvailable ?? false, env: isolated(opts.env ?? {}) });
    assert.equal(answers.length, 0, 'every answer was asked for');
    return { added, prompts };
  }

  async function authorization(config: ProviderConfig, secret: string | undefined, hubToken?: string) {
    const { store } = newStore({ hubToken });
    await store.add(config, secret);
    const gw = store.provider(configId(config)) as GatewayProvider;
    const header = await gw.client.http.authorizationHeader();
    store.dispose();
    return header;
  }

  it('a Gateway that is a hub service may use the hub sign-in, a pasted token, a password or nothing', async () => {
    const hub = await add([{ pick: 'Dask Gateway' }, ` ${gatewayUrl} `, { pick: 'Use my hub sign-in' }], { hubSignInAvailable: true });
    assert.deepEqual(hub.added, { config: { kind: 'gateway', url: gatewayUrl, auth: 'jupyterhub', hubUrl: 'https://hub.example.org/' } });
    assert.equal(await authorization(hub.added.config, undefined, 'hub-token-abcdef'), 'jupyterhub hub-token-abcdef');

    const pasted = await add([{ pick: 'Dask Gateway' }, gatewayUrl, { pick: 'JupyterHub API token' }, ' pasted-123456 ']);
    assert.deepEqual(pasted.prompts.offered[1], ['JupyterHub API token', 'Username and password', 'No authentication'], 'no hub sign-in to lend');
    assert.equal(pasted.added?.secret, 'pasted-123456');
    assert.equal(await authorization(pasted.added.config, pasted.added.secret), 'jupyterhub pasted-123456');

    const basic = await add([{ pick: 'Dask Gateway' }, 'https://gw.example.org/', { pick: 'Username and password' }, 'ann', 'pw-123456']);
    assert.deepEqual(basic.prompts.asked, ['Add a Dask cluster provider', 'Dask Gateway address', 'How does this gateway authenticate you?', 'Gateway username', 'Password for ann']);
    assert.equal(await authorization(basic.added!.config, basic.added!.secret), `Basic ${Buffer.from('ann:pw-123456').toString('base64')}`);

    const none = await add([{ pick: 'Dask Gateway' }, 'https://gw.example.org/', { pick: 'No authentication' }]);
    assert.equal(await authorization(none.added!.config, none.added!.secret), undefined);

    assert.equal((await add([{ pick: 'Dask Gateway' }, gatewayUrl, { pick: 'JupyterHub API token' }, undefined])).added, undefined, 'backing out adds nothing');
    assert.equal(httpUrlProblem('ftp://gw.example.org/'), 'Use an http(s) address.');
    assert.match(httpUrlProblem('gw.example.org')!, /full address/);
  });

  it('Coiled imports the Python client\'s login only when the user says so', async () => {
    const env = { DASK_COILED__TOKEN: 'found-token-123456', DASK_COILED__WORKSPACE: 'lab', DASK_COILED__SERVER: 'https://coiled.example.org' };
    const imported = await add([{ pick: 'Coiled' }, 'Import', 'lab'], { env });
    assert.deepEqual(imported.added, { config: { kind: 'coiled', workspace: 'lab', server: 'https://coiled.example.org' }, secret: 'found-token-123456' });
    assert.match(imported.prompts.asked[1]!, /found in DASK_COILED__TOKEN/);

    const another = await add([{ pick: 'Coiled' }, 'Enter Another', ' typed-token-123456 ', 'other'], { env });
    assert.deepEqual(another.added, { config: { kind: 'coiled', workspace: 'other', server: 'https://cloud.coiled.io' }, secret: 'typed-token-123456' });
    assert.equal((await add([{ pick: 'Coiled' }, undefined], { env })).added, undefined, 'dismissing the question adds nothing');

    const { store, secrets: s } = newStore();
    await store.add(another.added.config, another.added.secret);
    const coiled = store.provider('coiled:other');
    assert.equal(coiled?.label, 'Coiled other');
    assert.equal(s.map.get(secretKey('coiled:other')), 'typed-token-123456');
    store.dispose();
  });

  it('a scheduler is attached by its dashboard address, once whatever form of it is typed, and detached again', async () => {
    const first = await add([{ pick: 'Scheduler address' }, 'http://10.0.0.3:8787/status']);
    const { store } = newStore();
    await store.add(first.added!.config);
    await store.add({ kind: 'scheduler', url: 'http://10.0.0.3:8787' });
    assert.deepEqual(store.schedulerAddresses(), ['http://10.0.0.3:8787/']);
    assert.equal(store.provider('scheduler')?.kind, 'scheduler');
    await store.detach('scheduler', 'http://10.0.0.3:8787/status');
    assert.deepEqual(store.schedulerAddresses(), []);
    assert.equal(store.provider('scheduler'), undefined);
    store.dispose();
  });
});
