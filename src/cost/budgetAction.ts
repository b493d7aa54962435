// The budget's action at 100 % on each running resource, reported per resource: what it did, or why it could not
// (e.g. a read-only scheduler cannot be scaled), so nothing fails silently while money is still being spent.
import { capabilitiesOf, type ClusterProvider, type ClusterSummary } from '../dask/clusterProvider';
import { descriptorFor } from '../dask/providerTable';
import type { ResourceCost } from './costMeter';
import type { BillableRef, ClusterRef, ServerRef } from '../shared/resourceIds';

export type BudgetAction = 'scaleClustersToZero' | 'stopAll';

export interface ActionOutcome {
  status: 'done' | 'not-needed' | 'cannot' | 'failed';
  message: string;
  /** What the user can still do when scaling was not possible. */
  remedies?: Array<'stop' | 'detach'>;
}

export interface ResourceActionReport {
  label: string;
  ref?: BillableRef;
  outcome: ActionOutcome;
}

export interface BudgetActionHandlers {
  scaleClusterToZero?(ref: ClusterRef): Promise<ActionOutcome>;
  stopServer?(ref: ServerRef): Promise<ActionOutcome>;
}

const errorText = (e: unknown) => (e instanceof Error ? ((e as { userMessage?: string }).userMessage ?? e.message) : String(e));

/** Runs the action on every resource of the last snapshot, one after the other; never throws. */
export async function runBudgetAction(resources: readonly ResourceCost[], action: BudgetAction, handlers: BudgetActionHandlers): Promise<ResourceActionReport[]> {
  const reports: ResourceActionReport[] = [];
  for (const r of resources) {
    const ref = r.ref;
    let outcome: ActionOutcome;
    try {
      if (r.kind === 'cluster') {
        outcome = ref?.kind === 'cluster' && handlers.scaleClusterToZero
          ? await handlers.scaleClusterToZero(ref)
          : { status: 'cannot', message: 'not known to the Dask view, so it cannot be scaled from here' };
      } else if (action === 'stopAll') {
        outcome = ref?.kind === 'server' && handlers.stopServer
          ? await handlers.stopServer(ref)
          : { status: 'cannot', message: 'not known to the Hubs view, so it cannot be stopped from here' };
      } else {
        continue; // servers are only stopped by "stopAll"
      }
    } catch (e) {
      outcome = { status: 'failed', message: errorText(e) };
    }
    reports.push({ label: r.label, ref, outcome });
  }
  return reports;
}

/** How a Dask cluster is scaled to zero through its provider, or why it cannot be. */
export async function scaleClusterToZero(
  lookup: { provider(id: string): ClusterProvider | undefined },
  ref: ClusterRef,
  signal?: AbortSignal,
): Promise<ActionOutcome> {
  const provider = lookup.provider(ref.providerId);
  if (!provider) return { status: 'cannot', message: 'its provider is no longer in the Dask view' };
  let cluster: ClusterSummary;
  try {
    cluster = await provider.get(ref.clusterId, signal);
  } catch (e) {
    return { status: 'failed', message: `could not be read: ${errorText(e)}` };
  }
  if (cluster.workers === 0 && !cluster.adaptive) return { status: 'not-needed', message: 'already has 0 workers' };
  const caps = capabilitiesOf(provider, cluster);
  // Detaching is offered where the tree offers it: for clusters that are a shared provider's configurations.
  const detachable = descriptorFor(provider.kind).instances === 'shared';
  const remedies: Array<'stop' | 'detach'> = [...(caps.stop ? ['stop' as const] : []), ...(detachable ? ['detach' as const] : [])];
  if (!caps.scaleDown) {
    const why = provider.kind === 'scheduler'
      ? 'is a read-only scheduler (it does not serve /api/v1/retire_workers), so it cannot be scaled from here; its workers keep running'
      : `cannot be scaled down through ${provider.label}`;
    return { status: 'cannot', message: why, remedies };
  }
  try {
    await provider.scale(ref.clusterId, 0, signal);
    return { status: 'done', message: 'scaled to 0 workers' };
  } catch (e) {
    return { status: 'failed', message: errorText(e), remedies };
  }
}

/** "2 of 3 done" style summary lines for a notification, one per resource. */
export function reportLines(reports: readonly ResourceActionReport[]): string[] {
  return reports.map((r) => `${r.label}: ${r.outcome.message}`);
}
