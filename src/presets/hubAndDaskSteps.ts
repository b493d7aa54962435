// Core implementations of the preset steps that talk to a hub and a Dask provider (no editor needed): the editor
// and the CLI supply how to get a signed-in HubClient and a ClusterProvider; these do the rest.
import type { HubClient } from '../hubs/hubClient';
import type { HubServer } from '../hubs/hubModels';
import type { ClusterProvider, ClusterSummary } from '../dask/clusterProvider';
import type { ClusterOptionValues } from '../dask/clusterOptions';
import type { StepContext, StepImplementations, StepRunner } from './applyPreset';
import { startUserOptions, type PlanStepOf } from './presetPlan';
import type { ServerRef } from '../shared/resourceIds';

export interface HubSession {
  client: HubClient;
  /** The hub user the client acts as (servers are started for this user). */
  user: string;
}

/** State keys the steps leave for later steps and for the caller. */
export const HUB_SESSION_KEY = 'hubSession';
export const SERVER_KEY = 'server';
/** The started server's ref (hub and name): a later step finds it by both, never by its name alone. */
export const SERVER_REF_KEY = 'serverRef';
export const CLUSTER_KEY = 'cluster';

export interface HubStepDeps {
  /** A signed-in client for `hubUrl` (the editor asks the user to sign in here; the CLI uses its token). */
  session(hubUrl: string, ctx: StepContext): Promise<HubSession>;
  spawnTimeoutMs?: number;
}

export function hubSteps(deps: HubStepDeps): Pick<StepImplementations, 'sign-in' | 'start-server'> {
  return {
    'sign-in': async (step, ctx) => {
      const session = await deps.session(step.hubUrl, ctx);
      // Proves the sign-in works before anything is started.
      const me = await session.client.getCurrentUser(ctx.signal);
      ctx.report(`Signed in as ${me.name}`);
      ctx.state[HUB_SESSION_KEY] = session;
    },
    'start-server': async (step, ctx) => {
      const session = (ctx.state[HUB_SESSION_KEY] as HubSession | undefined) ?? await deps.session(step.hubUrl, ctx);
      const server: HubServer = await session.client.startAndWait(session.user, step.serverName, startUserOptions(step), {
        signal: ctx.signal,
        timeoutMs: deps.spawnTimeoutMs,
        onProgress: (e) => ctx.report(`${Math.round(e.progress)} % ${e.message}`),
      });
      ctx.state[SERVER_KEY] = server;
      ctx.state[SERVER_REF_KEY] = { kind: 'server', hubId: session.client.base, serverName: server.name } satisfies ServerRef;
    },
  };
}

/** The ready server the preset started (same hub and name; another hub's server of that name is not it), else the first. */
export function startedServer<T extends { hubId: string; server: { name: string } }>(ready: readonly T[], state: StepContext['state']): T | undefined {
  const started = state[SERVER_REF_KEY] as ServerRef | undefined;
  return ready.find((s) => !started || (s.hubId === started.hubId && s.server.name === started.serverName)) ?? ready[0];
}

export interface DaskStepDeps {
  /** The provider the step's `provider` (and `url`/`workspace`) names, ready to use. */
  provider(step: PlanStepOf<'create-dask-cluster'>, ctx: StepContext): Promise<ClusterProvider>;
}

/** Creates the cluster and sizes it; a cluster that cannot be sized is stopped again, so a failure leaves nothing behind. */
export function daskClusterStep(deps: DaskStepDeps): StepRunner<'create-dask-cluster'> {
  return async (step, ctx) => {
    const provider = await deps.provider(step, ctx);
    if (step.provider === 'scheduler') {
      // Attaching creates nothing: the cluster is the one at the address (the editor's provider lists every attached one).
      const cluster = step.url ? await provider.get(step.url, ctx.signal) : (await provider.list(ctx.signal))[0];
      if (!cluster) throw new Error(`No scheduler answers at ${step.url ?? 'the preset\'s address'}.`);
      ctx.state[CLUSTER_KEY] = cluster;
      return;
    }
    ctx.report(`Creating a ${provider.label} cluster`);
    const created: ClusterSummary = await provider.create(step.options as ClusterOptionValues, ctx.signal);
    try {
      if (step.adapt) {
        await provider.adapt(created.id, step.adapt.minimum, step.adapt.maximum, ctx.signal);
      } else if (step.workers !== undefined) {
        ctx.report(`Scaling ${created.name} to ${step.workers} workers`);
        await provider.scale(created.id, step.workers, ctx.signal);
      }
      ctx.state[CLUSTER_KEY] = await provider.get(created.id, ctx.signal);
    } catch (e) {
      await provider.stop(created.id).catch(() => undefined);
      throw e;
    }
  };
}
