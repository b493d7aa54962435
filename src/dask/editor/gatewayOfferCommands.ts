// "Add" on a Gateway the Dask view offers (from Dask's configuration or a signed-in hub): added as is, no question.
import type * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { registerCommand } from '../../editor/command';
import { providerIdOf } from '../providerTable';
import type { ClusterService } from './clusterService';
import type { DaskTreeNode } from './daskTree';
import type { GatewayOffers } from './gatewayOffers';
import type { ProviderStore } from './providerStore';

type OfferNode = Extract<DaskTreeNode, { kind: 'offer' }>;

export function registerGatewayOfferCommands(d: { vs: typeof vscode; logger: Logger; store: ProviderStore; service: ClusterService; offers: GatewayOffers }): vscode.Disposable[] {
  return [
    // Without a node (the palette, a test): the first offer; with an id: that one.
    registerCommand(d, 'pangeo.dask.addOfferedGateway', 'Add offered Dask Gateway', async (node?: OfferNode | string) => {
      const offers = d.offers.offers();
      const offer = typeof node === 'string' ? offers.find((o) => o.id === node) : node?.kind === 'offer' ? node.offer : offers[0];
      if (!offer) {
        void d.vs.window.showInformationMessage('No Dask Gateway is offered: sign in to a hub that serves one, or set DASK_GATEWAY__ADDRESS.');
        return undefined;
      }
      await d.store.add(offer.config);
      await d.service.refresh(providerIdOf(offer.config));
      return providerIdOf(offer.config);
    }),
  ];
}
