// $/h per hub profile (`pangeo.cost.hubProfilePrices`, also written by presets): `{"https://hub.example.org/":
// {"large": 0.77}}`. Hub keys match with or without the trailing slash.

export type HubProfilePrices = Record<string, Record<string, number>>;

const hubKey = (url: string) => url.trim().replace(/\/*$/, '/').toLowerCase();

export function profilePrice(prices: HubProfilePrices | undefined, hubBase: string, profile: string): number | undefined {
  if (!prices || typeof prices !== 'object') return undefined;
  for (const [hub, table] of Object.entries(prices)) {
    if (hubKey(hub) !== hubKey(hubBase) || !table || typeof table !== 'object') continue;
    const usd = (table as Record<string, unknown>)[profile];
    if (typeof usd === 'number' && Number.isFinite(usd) && usd >= 0) return usd;
  }
  return undefined;
}

/** `current` with the hub's profile prices merged in (for the preset step that writes them). */
export function withProfilePrices(current: HubProfilePrices | undefined, hubBase: string, prices: Record<string, number>): HubProfilePrices {
  const out: HubProfilePrices = { ...(current ?? {}) };
  const existing = Object.keys(out).find((k) => hubKey(k) === hubKey(hubBase));
  const key = existing ?? hubBase;
  out[key] = { ...(existing ? out[existing] : {}), ...prices };
  return out;
}
