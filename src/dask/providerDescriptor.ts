// What the editor and the CLI know about one kind of Dask provider, declared once per kind (providerTable.ts lists
// them): its name and icon, what the user gives to configure it, and how a ClusterProvider is built from that
// configuration, its secret and the host's hooks. Pure: the editor and the CLI each supply prompts and a host.
import type { KeyValueStore } from '../core/keyValueStore';
import type { Logger } from '../core/log';
import type { ClusterProvider, ProviderCapabilities, ProviderKind } from './clusterProvider';
import type { DiscoveredCluster } from './notebook/kernelClusterDiscovery';

/** Where the CLI's flags (--url, --workspace) or a preset say a provider is. */
export interface ProviderAddress {
  url?: string;
  workspace?: string;
  /** A JupyterHub whose service provides it (a Dask Gateway at <hub>/services/dask-gateway/). */
  hub?: string;
}

/** A configuration (stored as is: never a secret) and the one secret that goes with it (a token or a password). */
export interface NewProvider<C> {
  config: C;
  secret?: string;
}

/** What the host gives every provider it builds: the editor (globalState, settings) or the CLI (state file, flags). */
export interface ProviderHost {
  logger: Logger;
  /** Kept across calls: adaptive bounds, the local cluster registry (globalState, or the CLI's state file). */
  state: KeyValueStore;
  /** The environment local processes start with; read at each start (a preset may add short-lived credentials). */
  readonly env: NodeJS.ProcessEnv;
  /** Folder under which each local cluster keeps its logs and spill space. */
  localClustersDir: string;
  /** The `dask` executable to start local clusters with (undefined: found on PATH). */
  daskCommand(): string | undefined;
  /** Runs a local cluster's adaptive following in a detached process (the CLI); in-process when absent. */
  adaptiveFollowerCommand?: { command: string; args: string[] };
  /** How long one call to a remote provider may take in all, retries included (its own default when unset), and what to do when it took longer (the CLI names --timeout). */
  requestTimeout?: { ms?: number; hint?: string };
  /** The hub sign-in's token for a Gateway that is a hub service (the editor's hubs module). */
  hubTokenFor?(gatewayUrl: string, hubUrl?: string): Promise<string | undefined>;
  /** Environment for a new Gateway cluster's workers (short-lived AWS credentials the user agreed to share). */
  gatewayWorkerEnv?(gatewayUrl: string, hubUrl?: string): Promise<Record<string, string> | undefined>;
}

/** The host plus what belongs to one configuration. */
export interface BuildContext<C> extends ProviderHost {
  /** The secret stored with this configuration (SecretStorage in the editor, the environment in the CLI). */
  secret(): Promise<string | undefined>;
  /** Every configuration of this kind, read on each call (for a kind whose one provider serves them all). */
  sameKind(): C[];
}

/** One question of an add-provider conversation; the editor answers them with input boxes and pick lists. */
export interface TextQuestion {
  title: string;
  prompt?: string;
  placeHolder?: string;
  value?: string;
  password?: boolean;
  /** Keep the box open when focus moves away (while the user copies a token from elsewhere). */
  ignoreFocusOut?: boolean;
  /** The problem with the text as typed, or undefined when it is fine. */
  validate?(text: string): string | undefined;
}

export interface Choice<T> {
  label: string;
  detail?: string;
  value: T;
}

/** The questions a descriptor may ask while the user adds a provider; each answers undefined when the user backs out. */
export interface SetupPrompts {
  text: (question: TextQuestion) => Promise<string | undefined>;
  pick: <T>(title: string, choices: ReadonlyArray<Choice<T>>) => Promise<T | undefined>;
  /** A modal question answered by one of `answers`. */
  ask: <A extends string>(message: string, answers: readonly A[]) => Promise<A | undefined>;
}

export interface SetupContext {
  /** Whether a hub sign-in can lend its token (the editor's hubs module is there). */
  hubSignInAvailable: boolean;
  /** Where existing logins of the Python clients are looked for (Coiled's config, DASK_* variables). */
  env: NodeJS.ProcessEnv;
}

/** Adopting a cluster found in a notebook: the configuration that manages it, or what the user must do first. */
export type Adoption<C> = { config: C } | { hint: string };

/**
 * How configurations map to providers: `builtin` = one provider that is always there and needs none (this machine);
 * `each` = one provider per configuration; `shared` = one provider whose clusters are the configurations (attached
 * schedulers), shown while there is at least one, and a cluster is detached by removing its configuration.
 */
export type ProviderInstances = 'builtin' | 'each' | 'shared';

export interface ProviderDescriptor<K extends ProviderKind, C extends { kind: K }, P extends ClusterProvider = ClusterProvider> {
  readonly kind: K;
  /** The kind as the add-provider list and the CLI's help name it ("Dask Gateway"). */
  readonly label: string;
  /** One line under the label in the add-provider list. */
  readonly detail: string;
  /** Codicon of the provider in the tree and the add-provider list. */
  readonly icon: string;
  /** What providers of this kind can do (a cluster may refine them). */
  readonly capabilities: ProviderCapabilities;
  readonly instances: ProviderInstances;
  /** The secret a configuration goes with: one the user must give (a token), one its auth may use, or none. */
  readonly secret: 'required' | 'optional' | 'none';
  /** Stable key of a configuration: one entry per key, and its secret is stored under it. */
  configId(config: C): string;
  /** One form of a configuration, whatever the user typed (a scheduler's …:8787/status and …:8787 are one). */
  normalize(config: C): C;
  /** For a `shared` kind: the configuration a cluster of its provider stands for (detaching it removes that). */
  clusterConfig?(clusterId: string): C;
  /** Whether a cluster found in a notebook's kernel belongs to this kind, and how to adopt it; undefined when not. */
  adopt?(found: DiscoveredCluster): Adoption<C> | undefined;
  /** The questions the editor asks to add one; absent for a builtin kind. */
  setup?(prompts: SetupPrompts, ctx: SetupContext): Promise<NewProvider<C> | undefined>;
  /** The configuration an address names, without a secret (how a preset names a provider); throws when a part is missing. */
  fromAddress(address: ProviderAddress): C;
  /** The configuration from an address (the CLI's flags) and the environment, as the Python clients read theirs. */
  fromEnvironment(address: ProviderAddress, env: NodeJS.ProcessEnv): NewProvider<C>;
  /** Builds the provider; synchronous, so secrets are read when first needed. */
  create(config: C, ctx: BuildContext<C>): P;
}

/** The problem with an address typed for an HTTP endpoint, or undefined. */
export function httpUrlProblem(text: string): string | undefined {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http(s) address.';
  } catch {
    return 'Enter a full address, e.g. https://hub.example.org/services/dask-gateway/';
  }
}
