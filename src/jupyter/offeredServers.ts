// Which servers "Pangeo hubs" lists to the Jupyter extension. It drops a server from its list of used servers (and
// with it the server's kernels and its way back to a running kernel) as soon as a listing lacks it: right after a
// window reload our listing was empty until the hub answered, so the reloaded window never reconnected to the
// notebook's kernel. The servers it used are kept (per workspace) and listed until their hub has answered.

export interface OfferedServer {
  id: string;
  label: string;
}

/** Where the offered servers live between windows (the workspace's storage; ids and labels, no secret). */
export interface UsedServerMemory {
  all(): OfferedServer[];
  add(server: OfferedServer): void;
}

export interface OfferInputs {
  /** Servers the Jupyter extension resolved in this window (listed running or not). */
  used: readonly OfferedServer[];
  /** Ready servers of signed-in hubs. */
  ready: readonly OfferedServer[];
  /** Servers it used in an earlier window of this workspace. */
  remembered: readonly OfferedServer[];
  /** Whether the hub (its base: a server id up to its "#") is still added, and whether it has listed its servers. */
  hubState(hubId: string): 'removed' | 'unanswered' | 'answered';
}

/** A "Pangeo hubs" server id (`<hub base>#<server name>`) as [hub base, server name]. */
export function splitServerId(id: string): [string, string] {
  // The hub base never holds "#" (a URL without fragment); a server name may: split at the first one.
  const i = id.indexOf('#');
  return i < 0 ? [id, ''] : [id.slice(0, i), id.slice(i + 1)];
}

/** Used, then ready, then remembered servers whose hub has not answered yet; each id once. */
export function offeredServers(inputs: OfferInputs): OfferedServer[] {
  const out: OfferedServer[] = [];
  const seen = new Set<string>();
  const offer = (s: OfferedServer) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    out.push(s);
  };
  inputs.used.forEach(offer);
  inputs.ready.forEach(offer);
  inputs.remembered.filter((s) => inputs.hubState(splitServerId(s.id)[0]) === 'unanswered').forEach(offer);
  return out;
}
