// The adaptive bounds we asked a Dask Gateway for, kept outside the process (editor globalState, or the CLI's state
// file): the gateway's REST API and the scheduler serve no route that reports them, so a later call or a reload
// could not show them otherwise.
import type { KeyValueStore } from '../../core/keyValueStore';

/** null: the cluster adapts, but the gateway changed a bound in a way we could not read. */
export interface AdaptiveBounds {
  minimum: number | null;
  maximum: number | null;
}

const KEY = 'pangeo.dask.gatewayAdaptive';

export class AdaptiveMemory {
  constructor(private readonly store: KeyValueStore, private readonly gatewayUrl: string) {}

  private all(): Record<string, AdaptiveBounds> {
    return { ...(this.store.get<Record<string, AdaptiveBounds>>(KEY) ?? {}) };
  }

  private key(cluster: string): string {
    return `${this.gatewayUrl}#${cluster}`;
  }

  get(cluster: string): AdaptiveBounds | undefined {
    return this.all()[this.key(cluster)];
  }

  async set(cluster: string, bounds: AdaptiveBounds): Promise<void> {
    await this.store.update(KEY, { ...this.all(), [this.key(cluster)]: bounds });
  }

  async forget(cluster: string): Promise<void> {
    const all = this.all();
    if (!(this.key(cluster) in all)) return;
    delete all[this.key(cluster)];
    await this.store.update(KEY, all);
  }

  /** Drops this gateway's entries for clusters that are no longer active. */
  async keepOnly(active: Set<string>): Promise<void> {
    const all = this.all();
    const prefix = `${this.gatewayUrl}#`;
    const stale = Object.keys(all).filter((k) => k.startsWith(prefix) && !active.has(k.slice(prefix.length)));
    if (!stale.length) return;
    for (const k of stale) delete all[k];
    await this.store.update(KEY, all);
  }
}

/**
 * The bounds the gateway used, from its answer to an adapt request that exceeded its limit
 * ("… Using `maximum=4, minimum=1` instead."), or undefined when the answer does not say.
 */
export function boundsFromGatewayMessage(message: string): AdaptiveBounds | undefined {
  const used = /Using\s+`?maximum=(\d+),\s*minimum=(\d+)`?\s+instead/i.exec(message);
  return used ? { minimum: Number(used[2]), maximum: Number(used[1]) } : undefined;
}

/** The worker count the gateway scaled to instead ("… Scaling to 4 instead."), or undefined. */
export function countFromGatewayMessage(message: string): number | undefined {
  const m = /Scaling to (\d+) instead/i.exec(message);
  return m ? Number(m[1]) : undefined;
}
