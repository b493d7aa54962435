// A hub server's estimated $/h, sized and priced as the cost meter sizes and prices a running one (spawn options,
// the profile's text or a $/h set for the hub's profile; a hub on loopback runs here for $0). For confirmations.
import { hubServerBillables } from '../cost/editor/billables';
import type { HubProfilePrices } from '../cost/hubProfilePrices';
import type { PriceTable } from '../cost/priceTable';
import { rateFor } from '../cost/rate';
import type { HubClient } from '../hubs/hubClient';
import type { InsideHub } from '../hubs/insideHub';

export interface ServerToPrice {
  hubId: string;
  hubLabel: string;
  user: string;
  client: HubClient;
  serverName: string;
  userOptions: Record<string, unknown>;
}

/** Undefined when nothing is known to price it by. */
export async function estimatedServerRate(s: ServerToPrice, table: PriceTable, prices?: HubProfilePrices, inside?: InsideHub): Promise<number | undefined> {
  // Priced as if it ran: the billable source reads only ready servers.
  const running = { hubId: s.hubId, hubLabel: s.hubLabel, user: s.user, client: s.client, server: { name: s.serverName, state: 'ready' as const, userOptions: s.userOptions } };
  const [billable] = await hubServerBillables({ readyServers: () => [running] }, () => prices, inside).list();
  if (!billable) return undefined;
  const rate = rateFor(billable.resource as Parameters<typeof rateFor>[0], table);
  return rate.unpriced ? undefined : rate.usdPerHour;
}
