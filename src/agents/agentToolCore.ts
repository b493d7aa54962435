// Runs the agent tools (src/agents/agentTools.ts) against an AgentCompute, for the editor's language-model tools and
// the MCP server alike: checks the input, finds the resource an id names, says what a call will do (the confirmation)
// and does it. Errors are typed and name what to do; nothing is half-done (a busy kernel gets nothing, an unknown
// server is not created, a cluster that has ended is not scaled).
import type { ValidateFunction } from 'ajv';
import { loadChunk } from '../core/chunks';
import { redact } from '../core/http/redact';
import { InvalidInputError, isPangeoError, PangeoError } from '../core/http/errors';
import { decodeResourceId, encodeResourceId, type ClusterRef, type KernelRef, type ServerRef } from '../shared/resourceIds';
import { JupyterServerClient, type KernelSession } from '../jupyterServer/jupyterServerClient';
import { SHELL_PROBE_MS, shellAnswers } from './kernelShellProbe';
import { stripAnsi, type KernelOutput } from '../jupyterServer/kernelOutputs';
import { SchedulerSampler } from '../dashboard/metrics/schedulerSampler';
import type { ClusterProvider, ClusterSummary } from '../dask/clusterProvider';
import type { HubServer } from '../hubs/hubModels';
import type { HubClient } from '../hubs/hubClient';
import { agentTool, type AgentToolSpec, type ToolGate } from './agentTools';
import type { AgentCompute, AgentHub, KernelRunText } from './agentCompute';
import {
  adaptiveText, clusterStateText, describeStatus, inventoryText, runResultText, shown, usd,
  type Inventory, type InventoryHub, type InventoryProvider,
} from './summaries';

/** What the user is asked before a call: our fixed words, the resource as text, the code where code runs. */
export interface Confirmation {
  gate: ToolGate;
  /** Our own fixed wording (no server text). */
  title: string;
  /** The resource, as the hub or scheduler names it (untrusted: shown as text only). */
  resource: string;
  /** Our own sentences: what happens, the cost per hour where known. */
  details: string[];
  /** The code to run (untrusted: shown as a code block). */
  code?: string;
}

/** No such resource, or no longer: names the id and the tool that lists the valid ones. */
export class UnknownResourceError extends PangeoError {
  constructor(what: string) {
    super('NotFound', `${what}.`, 'Call pangeo_list_compute for the ids of what exists now.');
  }
}

/** The kernel runs something already: nothing was sent. `why`: how we know (our own sentence). */
export class KernelBusyError extends PangeoError {
  constructor(what: string, why?: string) {
    super('Conflict', `The kernel ${what} is busy: nothing was run.${why ? ` ${why}` : ''}`, 'Wait until it is idle (pangeo_list_compute shows its state), or run the code on its server (server:…) in a new kernel.');
  }
}

export interface AgentToolCoreOptions {
  /** How long a hub kernel's shell may take to answer before it is called busy (kernelShellProbe.ts). */
  shellProbeMs?: number;
}

const DEFAULT_RUN_SECONDS = 120;
const SPAWN_TIMEOUT_MS = 600_000;
const STOP_TIMEOUT_MS = 300_000;
const NOTEBOOK_PREFIX = 'notebook:';
/** Said first when an agent would stop the server these tools (and the editor or MCP server) run on. */
export const HOSTS_TOOLS = 'These tools run on this server: stopping it ends them, and this editor (or MCP server) with its terminals; '
  + 'unsaved changes are lost.';

export function notebookId(uri: string): string {
  return `${NOTEBOOK_PREFIX}${encodeURIComponent(uri)}`;
}

type Input = Record<string, unknown>;

export class AgentToolCore {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly compute: AgentCompute, private readonly opts: AgentToolCoreOptions = {}) {}

  /** The checked input, or InvalidInputError naming each problem. */
  checkInput(spec: AgentToolSpec, input: unknown): Input {
    let validate = this.validators.get(spec.name);
    if (!validate) {
      // ajv loads from its own chunk on the first tool call (src/core/chunks.ts).
      const { Ajv } = loadChunk<typeof import('../chunks/ajv')>('ajv');
      validate = new Ajv({ allErrors: true, strict: true }).compile(spec.inputSchema);
      this.validators.set(spec.name, validate);
    }
    const value = input ?? {};
    if (validate(value)) return value as Input;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || 'input'} ${e.message ?? 'is not valid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`);
    throw new InvalidInputError(`${spec.name}: ${problems.join('; ')}.`, 'Fix the input as the tool\'s schema says.');
  }

  /** What the user is asked before the call, or undefined for a read-only one. Reads the resource (to name it and its cost). */
  async confirmation(name: string, rawInput: unknown, signal?: AbortSignal): Promise<Confirmation | undefined> {
    const spec = this.spec(name);
    if (!spec.gates.length) return undefined;
    const input = this.checkInput(spec, rawInput);
    switch (spec.name) {
      case 'pangeo_run_code': {
        const where = await this.describeKernel(String(input.kernel), signal);
        return { gate: 'run', title: 'Run code in a Pangeo kernel?', resource: where, code: String(input.code),
          details: ['The code runs with your rights on that server (your files, your credentials).'] };
      }
      case 'pangeo_scale_cluster': {
        const { cluster, provider } = await this.findCluster(String(input.cluster), signal);
        const plan = scalePlan(input);
        const target = plan.kind === 'fixed' ? plan.workers : plan.maximum;
        const gate: ToolGate = target >= cluster.workers ? 'spend' : 'stop';
        const perWorker = await this.perWorkerRate(provider, cluster, signal);
        const details = [
          plan.kind === 'fixed' ? `Scale from ${cluster.workers} to ${plan.workers} worker${plan.workers === 1 ? '' : 's'} (adaptive scaling off).`
            : `Make it adaptive between ${plan.minimum} and ${plan.maximum} workers (now ${cluster.workers}).`,
          perWorker === undefined ? 'Its cost per hour is not known.'
            : plan.kind === 'fixed' ? `Estimated cost: ${usd(perWorker * plan.workers)}/h (now ${usd(perWorker * cluster.workers)}/h).`
              : `Estimated cost: ${usd(perWorker * plan.minimum)}–${usd(perWorker * plan.maximum)}/h (now ${usd(perWorker * cluster.workers)}/h).`,
        ];
        if (gate === 'stop') details.push('Workers that leave take the results they hold with them (Dask recomputes or moves them).');
        return { gate, title: gate === 'spend' ? 'Scale up a Dask cluster?' : 'Scale down a Dask cluster?', resource: `${cluster.name} (${provider.label})`, details };
      }
      case 'pangeo_start_server': {
        const { hub, server } = await this.findServer(String(input.server), signal);
        const rate = await this.compute.serverRate(hub.id, server.name, server.userOptions).catch(() => undefined);
        const profile = typeof server.userOptions.profile === 'string' ? server.userOptions.profile : undefined;
        return { gate: 'spend', title: 'Start a hub server?', resource: `${server.name || '(default)'} on ${hub.label}${profile ? `, profile ${profile}` : ''}`,
          details: [rate === undefined ? 'Its cost per hour is not known.' : `Estimated cost while it runs: ${usd(rate)}/h.`,
            'It starts with the options it last ran with.'] };
      }
      case 'pangeo_stop_server': {
        const { hub, server } = await this.findServer(String(input.server), signal);
        const rate = (await this.compute.cost(signal).catch(() => undefined))?.resources[serverId(hub, server.name)];
        return { gate: 'stop', title: 'Stop a hub server?', resource: `${server.name || '(default)'} on ${hub.label}`,
          details: [...(this.compute.hostsTools?.(hub.id, server.name) ? [HOSTS_TOOLS] : []),
            'Its kernels end and what they hold in memory is lost; its files stay.',
            ...(rate && !rate.unpriced ? [`It costs about ${usd(rate.usdPerHour)}/h now.`] : [])] };
      }
      default:
        return undefined;
    }
  }

  /** Runs the tool; the answer is plain text for the model, with every secret we know (and token-shaped fields) masked. */
  async invoke(name: string, rawInput: unknown, signal?: AbortSignal): Promise<string> {
    return redact(await this.answer(name, rawInput, signal));
  }

  private async answer(name: string, rawInput: unknown, signal?: AbortSignal): Promise<string> {
    const spec = this.spec(name);
    const input = this.checkInput(spec, rawInput);
    switch (spec.name) {
      case 'pangeo_list_compute': return inventoryText(await this.inventory(signal));
      case 'pangeo_cluster_state': return this.clusterState(String(input.cluster), signal);
      case 'pangeo_run_code': return this.runCode(String(input.kernel), String(input.code), Number(input.timeoutSeconds ?? DEFAULT_RUN_SECONDS) * 1000, signal);
      case 'pangeo_scale_cluster': return this.scale(String(input.cluster), scalePlan(input), signal);
      case 'pangeo_start_server': return this.startServer(String(input.server), signal);
      case 'pangeo_stop_server': return this.stopServer(String(input.server), signal);
      default: throw new InvalidInputError(`No tool ${name}.`);
    }
  }

  private spec(name: string): AgentToolSpec {
    const spec = agentTool(name);
    if (!spec) throw new InvalidInputError(`No tool ${name}.`, 'The tools are listed by the host (tools/list).');
    return spec;
  }

  // ---- list what I have ----

  async inventory(signal?: AbortSignal): Promise<Inventory> {
    const [hubs, providers, cost] = await Promise.all([
      Promise.all(this.compute.hubs().map((h) => this.hubInventory(h, signal))),
      Promise.all(this.compute.providers().map((p) => providerInventory(p, signal))),
      this.compute.cost(signal).then((c) => ({ c }), (e: unknown) => ({ error: messageOf(e) })),
    ]);
    const notebooks = this.compute.notebooks().map((n) => ({ id: notebookId(n.uri), label: n.label, idle: n.idle }));
    return { hubs, providers, notebooks, cost: 'c' in cost ? cost.c : undefined, costError: 'error' in cost ? cost.error : undefined };
  }

  private async hubInventory(hub: AgentHub, signal?: AbortSignal): Promise<InventoryHub> {
    const out: InventoryHub = { id: hub.id, label: hub.label, user: hub.user, servers: [] };
    if (!hub.client || !hub.user) return out;
    let servers: HubServer[];
    try {
      servers = await serversOf(hub, hub.user, hub.client, signal);
    } catch (e) {
      return { ...out, error: messageOf(e) };
    }
    out.servers = await Promise.all(servers.map(async (s) => {
      const id = serverId(hub, s.name);
      const profile = typeof s.userOptions.profile === 'string' ? s.userOptions.profile : undefined;
      const entry = { id, name: s.name, state: s.state, profile, kernels: [] as Inventory['hubs'][number]['servers'][number]['kernels'] };
      if (s.state !== 'ready' || !s.url) return entry;
      try {
        const jupyter = new JupyterServerClient(s.url, hub.client!.http);
        const [kernels, sessions] = await Promise.all([jupyter.listKernels(signal), jupyter.listSessions(signal).catch(() => [])]);
        entry.kernels = kernels.map((k) => ({
          id: encodeResourceId({ kind: 'kernel', hubId: hub.id, serverName: s.name, kernelId: k.id }),
          name: k.name, state: k.executionState, notebook: sessions.find((x) => x.kernel.id === k.id)?.path,
        }));
      } catch (e) {
        return { ...entry, kernelsError: messageOf(e) };
      }
      return entry;
    }));
    return out;
  }

  // ---- a cluster as the dashboard sees it ----

  private async clusterState(idOrName: string, signal?: AbortSignal): Promise<string> {
    const { cluster, provider } = await this.findCluster(idOrName, signal);
    const heading = { name: cluster.name, provider: provider.label, status: describeStatus(cluster.status), adaptive: adaptiveText(cluster) };
    if (cluster.status !== 'running') return `Cluster ${shown(cluster.name)} (${shown(provider.label)}) is ${heading.status}: it has no state to read.`;
    const info = await provider.connectionInfo(cluster.id, signal);
    if (!info.dashboardUrl) return `Cluster ${shown(cluster.name)} (${shown(provider.label)}) has no dashboard address: its state cannot be read.`;
    // One sample, as `dask metrics` takes it: nothing else to keep responsive, so no worker thread.
    const sampler = new SchedulerSampler({ dashboardUrl: info.dashboardUrl, headers: info.dashboardAuth, authorization: info.dashboardAuthorization },
      { timeoutMs: 10_000, identityThread: false });
    try {
      return clusterStateText(heading, await sampler.sample(signal));
    } finally {
      sampler.dispose();
    }
  }

  // ---- run code ----

  private async describeKernel(id: string, signal?: AbortSignal): Promise<string> {
    const target = await this.kernelTarget(id, signal);
    return target.describe;
  }

  private async kernelTarget(id: string, signal?: AbortSignal): Promise<{ describe: string; run(code: string, timeoutMs: number, signal?: AbortSignal): Promise<KernelRunText> }> {
    if (id.startsWith(NOTEBOOK_PREFIX)) {
      let uri: string;
      try {
        uri = decodeURIComponent(id.slice(NOTEBOOK_PREFIX.length));
      } catch {
        throw new UnknownResourceError(`No notebook ${id}`);
      }
      const nb = this.compute.notebooks().find((n) => n.uri === uri);
      if (!nb) throw new UnknownResourceError(`No open notebook with a Pangeo kernel is ${id}`);
      return {
        describe: `the kernel of notebook ${nb.label}`,
        run: async (code, timeoutMs, runSignal) => {
          const timeout = AbortSignal.timeout(timeoutMs);
          const run = nb.runIfIdle(code, AbortSignal.any([timeout, ...(runSignal ? [runSignal] : [])]));
          if (!run) throw new KernelBusyError(`of notebook ${shown(nb.label)}`);
          const result = await run;
          if (result.status === 'cancelled' && timeout.aborted) throw stillRunning(timeoutMs);
          return result;
        },
      };
    }
    const ref = decodeResourceId(id);
    if (ref?.kind === 'kernel') {
      const { hub, jupyter, server } = await this.readyServer(ref, signal);
      const kernel = (await jupyter.listKernels(signal)).find((k) => k.id === ref.kernelId);
      if (!kernel) throw new UnknownResourceError(`No kernel ${id} on server ${shown(server.name || '(default)')} of ${shown(hub.label)} (it may have been shut down)`);
      const describe = `kernel ${kernel.name} (${kernel.id.slice(0, 8)}) on server ${server.name || '(default)'} of ${hub.label}`;
      const probeMs = this.opts.shellProbeMs ?? SHELL_PROBE_MS;
      return {
        describe,
        // Asked just before, on the connection the code then goes through: a kernel whose shell does not answer gets
        // nothing (the code would wait behind the running cell, and the user's next cell behind it).
        run: (code, timeoutMs, runSignal) => runOnKernel(jupyter, kernel, code, timeoutMs, runSignal, async (session) => {
          if (!(await shellAnswers(session, probeMs, runSignal))) {
            throw new KernelBusyError(`${shown(kernel.name)} (${kernel.id.slice(0, 8)})`,
              `Its shell did not answer within ${Math.round(probeMs / 1000)} s: a cell runs or waits there (perhaps another client's).`);
          }
        }),
      };
    }
    if (ref?.kind === 'server') {
      const { hub, jupyter, server } = await this.readyServer(ref, signal);
      return {
        describe: `a new kernel on server ${server.name || '(default)'} of ${hub.label}`,
        run: async (code, timeoutMs, runSignal) => {
          const specs = await jupyter.getKernelSpecs(runSignal);
          const kernel = await jupyter.startKernel(specs.default, runSignal);
          try {
            return await runOnKernel(jupyter, kernel, code, timeoutMs, runSignal);
          } finally {
            await jupyter.shutdownKernel(kernel.id).catch(() => undefined);
          }
        },
      };
    }
    throw new UnknownResourceError(`"${shown(id, 120)}" is not a kernel, notebook or server id`);
  }

  private async runCode(id: string, code: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const target = await this.kernelTarget(id, signal);
    return runResultText(shown(target.describe, 300), await target.run(code, timeoutMs, signal));
  }

  // ---- scale ----

  private async scale(idOrName: string, plan: ScalePlan, signal?: AbortSignal): Promise<string> {
    const { cluster, provider } = await this.findCluster(idOrName, signal);
    if (cluster.status === 'stopped' || cluster.status === 'failed') {
      throw new PangeoError('Conflict', `Cluster ${shown(cluster.name)} is ${cluster.status}: it cannot be scaled.`, 'Start a new cluster.');
    }
    const notes: string[] = [];
    if (plan.kind === 'fixed') await provider.scale(cluster.id, plan.workers, signal, (m) => notes.push(shown(m, 500)));
    else await provider.adapt(cluster.id, plan.minimum, plan.maximum, signal, (m) => notes.push(shown(m, 500)));
    this.compute.changed?.('dask');
    const after = await provider.get(cluster.id, signal).catch(() => undefined);
    const asked = plan.kind === 'fixed' ? `${plan.workers} worker${plan.workers === 1 ? '' : 's'}` : `adaptive ${plan.minimum}–${plan.maximum} workers`;
    const now = after ? `; it reports ${after.workers} worker${after.workers === 1 ? '' : 's'}${adaptiveText(after) ? `, ${adaptiveText(after)!}` : ''} (workers join and leave over the next seconds)` : '';
    return [`Asked ${shown(cluster.name)} (${shown(provider.label)}) for ${asked}${now}.`, ...notes.map((n) => `Note from the provider: ${n}`)].join('\n');
  }

  // ---- servers ----

  private async startServer(id: string, signal?: AbortSignal): Promise<string> {
    const { hub, server, user, client } = await this.findServer(id, signal);
    const name = shown(server.name || '(default)');
    if (server.state === 'ready') return `Server ${name} of ${shown(hub.label)} is already running.`;
    if (server.state === 'stopping') throw new PangeoError('Conflict', `Server ${name} of ${shown(hub.label)} is stopping.`, 'Start it once it has stopped.');
    const ready = await client.startAndWait(user, server.name, server.userOptions, { timeoutMs: SPAWN_TIMEOUT_MS, signal });
    this.compute.changed?.('hub');
    return `Server ${name} of ${shown(hub.label)} is ready [id ${serverId(hub, ready.name)}].`;
  }

  private async stopServer(id: string, signal?: AbortSignal): Promise<string> {
    const { hub, server, user, client } = await this.findServer(id, signal);
    const name = shown(server.name || '(default)');
    if (server.state === 'stopped') return `Server ${name} of ${shown(hub.label)} is not running: nothing to stop.`;
    if ((await client.stopServer(user, server.name, signal)) === 'stopping') await client.waitForStop(user, server.name, STOP_TIMEOUT_MS, signal);
    this.compute.changed?.('hub');
    return `Server ${name} of ${shown(hub.label)} is stopped.`;
  }

  // ---- finding what an id names ----

  private signedIn(hubId: string, what: string): Required<AgentHub> {
    const hub = this.compute.hubs().find((h) => h.id === hubId);
    if (!hub) throw new UnknownResourceError(`No hub ${shown(hubId)} is added (${what})`);
    if (!hub.user || !hub.client) throw new PangeoError('Unauthorized', `Not signed in to ${shown(hub.label)}.`, 'Sign in to the hub first.');
    return hub as Required<AgentHub>;
  }

  private async findServer(id: string, signal?: AbortSignal): Promise<{ hub: Required<AgentHub>; server: HubServer; user: string; client: Required<AgentHub>['client'] }> {
    const ref = decodeResourceId(id);
    if (ref?.kind !== 'server') throw new UnknownResourceError(`"${shown(id, 120)}" is not a server id (server:…)`);
    const hub = this.signedIn(ref.hubId, id);
    const server = (await serversOf(hub, hub.user, hub.client, signal)).find((s) => s.name === ref.serverName);
    // Never created on the way: starting a named server that does not exist would make one.
    if (!server) throw new UnknownResourceError(`No server ${shown(ref.serverName)} of ${shown(hub.user)} on ${shown(hub.label)}`);
    return { hub, server, user: hub.user, client: hub.client };
  }

  private async readyServer(ref: ServerRef | KernelRef, signal?: AbortSignal): Promise<{ hub: Required<AgentHub>; server: HubServer; jupyter: JupyterServerClient }> {
    const { hub, server } = await this.findServer(encodeResourceId({ kind: 'server', hubId: ref.hubId, serverName: ref.serverName }), signal);
    if (server.state !== 'ready' || !server.url) {
      throw new PangeoError('Conflict', `Server ${shown(server.name || '(default)')} of ${shown(hub.label)} is ${server.state}, not running: no kernel there.`,
        'Start it first (pangeo_start_server).');
    }
    return { hub, server, jupyter: new JupyterServerClient(server.url, hub.client.http) };
  }

  private async findCluster(idOrName: string, signal?: AbortSignal): Promise<{ cluster: ClusterSummary; provider: ClusterProvider }> {
    const providers = this.compute.providers();
    const ref = decodeResourceId(idOrName);
    if (ref?.kind === 'cluster') return this.clusterByRef(ref, providers, signal);
    if (ref) throw new UnknownResourceError(`"${shown(idOrName, 120)}" is not a cluster id (cluster:…)`);
    // A bare name: found when exactly one provider has a cluster of that name.
    const found = (await Promise.all(providers.map(async (p) => (await p.list(signal).catch(() => [])).filter((c) => c.name === idOrName || c.id === idOrName).map((cluster) => ({ cluster, provider: p })))))
      .flat();
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw new InvalidInputError(`${found.length} clusters are named ${shown(idOrName)}.`, 'Name one by its id (cluster:…) from pangeo_list_compute.');
    throw new UnknownResourceError(`No cluster is named ${shown(idOrName, 120)}`);
  }

  private async clusterByRef(ref: ClusterRef, providers: ClusterProvider[], signal?: AbortSignal): Promise<{ cluster: ClusterSummary; provider: ClusterProvider }> {
    const provider = providers.find((p) => p.id === ref.providerId);
    if (!provider) throw new UnknownResourceError(`No Dask provider ${shown(ref.providerId)} is added`);
    const cluster = (await provider.list(signal)).find((c) => c.id === ref.clusterId);
    if (!cluster) throw new UnknownResourceError(`No cluster ${shown(ref.clusterId)} in ${shown(provider.label)} (it may have stopped)`);
    return { cluster, provider };
  }

  private async perWorkerRate(provider: ClusterProvider, cluster: ClusterSummary, signal?: AbortSignal): Promise<number | undefined> {
    if (provider.kind === 'local') return 0;
    const cost = await this.compute.cost(signal).catch(() => undefined);
    const r = cost?.resources[encodeResourceId({ kind: 'cluster', providerId: provider.id, clusterId: cluster.id })];
    if (!r || r.unpriced || cluster.workers <= 0) return undefined;
    return r.usdPerHour / cluster.workers;
  }
}

type ScalePlan = { kind: 'fixed'; workers: number } | { kind: 'adaptive'; minimum: number; maximum: number };

function scalePlan(input: Input): ScalePlan {
  const has = (k: string) => typeof input[k] === 'number';
  if (has('workers') && !has('minimum') && !has('maximum')) return { kind: 'fixed', workers: input.workers as number };
  if (!has('workers') && has('minimum') && has('maximum')) {
    const [minimum, maximum] = [input.minimum as number, input.maximum as number];
    if (maximum < minimum) throw new InvalidInputError('pangeo_scale_cluster: maximum must be at least minimum.');
    return { kind: 'adaptive', minimum, maximum };
  }
  throw new InvalidInputError('pangeo_scale_cluster: give workers (a fixed size), or minimum and maximum (adaptive), not both.');
}

function serverId(hub: Pick<AgentHub, 'id'>, serverName: string): string {
  return encodeResourceId({ kind: 'server', hubId: hub.id, serverName });
}

async function providerInventory(p: ClusterProvider, signal?: AbortSignal): Promise<InventoryProvider> {
  try {
    const clusters = await p.list(signal);
    return {
      label: p.label,
      clusters: clusters.map((c) => ({
        id: encodeResourceId({ kind: 'cluster', providerId: p.id, clusterId: c.id }),
        name: c.name, status: describeStatus(c.status), workers: c.workers, threads: c.threads, memory: c.memory, adaptive: adaptiveText(c),
      })),
    };
  } catch (e) {
    return { label: p.label, clusters: [], error: messageOf(e) };
  }
}

async function runOnKernel(jupyter: JupyterServerClient, kernel: { id: string; name: string }, code: string, timeoutMs: number, signal?: AbortSignal,
  before?: (session: KernelSession) => Promise<void>): Promise<KernelRunText> {
  const session = await jupyter.connect(kernel);
  try {
    await before?.(session);
    const result = await session.execute(code, { signal, timeoutMs, storeHistory: false });
    return { status: result.status, text: outputsText(result.outputs), error: result.error && { ename: result.error.ename, evalue: result.error.evalue } };
  } catch (e) {
    if (isPangeoError(e, 'Timeout')) throw stillRunning(timeoutMs);
    throw e;
  } finally {
    session.dispose();
  }
}

/** Stopped waiting: the code goes on in the kernel (never interrupted on a guess). */
function stillRunning(timeoutMs: number): PangeoError {
  return new PangeoError('Timeout', `The code still ran after ${Math.round(timeoutMs / 1000)} s; it goes on in the kernel.`,
    'Read its results later (e.g. a variable it sets), or give timeoutSeconds more.');
}

/** Streams, results' and displays' text/plain and the traceback, in order, colours removed. */
export function outputsText(outputs: readonly KernelOutput[]): string {
  let text = '';
  for (const o of outputs) {
    if (o.type === 'stream') text += o.text;
    else if ((o.type === 'execute_result' || o.type === 'display_data') && typeof o.data['text/plain'] === 'string') text += `${o.data['text/plain']}\n`;
    else if (o.type === 'error') text += `${o.traceback.map(stripAnsi).join('\n')}\n`;
  }
  return stripAnsi(text);
}

/** An error as one text for the model, secrets redacted. */
export function messageOf(e: unknown): string {
  return redact(isPangeoError(e) ? e.userMessage : e instanceof Error ? e.message : String(e));
}

/** The hub's servers as its sign-in may see them (its own reader where it has one, e.g. inside a hub server). */
function serversOf(hub: AgentHub, user: string, client: HubClient, signal?: AbortSignal): Promise<HubServer[]> {
  return hub.servers ? hub.servers(signal) : client.listServers(user, signal);
}
