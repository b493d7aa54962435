// Composes the extension: logging → hubs (auth, servers) → kernels → Dask → dashboards/cost → AWS → presets → URI handler.
// activate() only registers things; no network I/O happens until the user acts or a view becomes visible.
import * as vscode from 'vscode';
import { createOutputLogger } from './editor/outputLog';
import type { ModuleDeps } from './editor/module';
import { UriRouter } from './editor/uriHandler';
import { registerCommand } from './editor/command';
import { readSetting } from './editor/settings';
import { registerHubs } from './hubs/editor/module';
import { registerJupyterIntegration } from './jupyter/editor/module';
import { registerNotebookKernels } from './kernels/editor/module';
import { registerServerFiles } from './files/editor/module';
import { registerServerTerminals } from './terminals/editor/module';
import { registerDask } from './dask/editor/module';
import { jupyterExtensionRunner } from './dask/editor/notebookClusters';
import { registerDashboards } from './dashboard/editor/module';
import { daskDashboardSources } from './dashboard/editor/daskDashboardSources';
import { dashboardProbeKernels } from './dashboard/editor/probeKernels';
import { registerCost } from './cost/editor/module';
import { daskClusterBillables, hubServerBillables } from './cost/editor/billables';
import { costResourceActions } from './cost/editor/resourceActions';
import { registerAws } from './aws/editor/module';
import { registerCredentialSharing } from './aws/editor/credentialSharing';
import { kernelCredentialTarget } from './kernels/credentialTarget';
import { podWebIdentity, readWebIdentityToken } from './aws/podWebIdentity';
import { handlePresetUri, presetLinkUnderReview, registerPresets } from './presets/editor/module';
import { currentSetupFrom, editorPresetSteps } from './presets/editor/editorSteps';
import { openWalkthroughOnFirstStart } from './editor/walkthrough';
import { registerLanguageModelTools } from './agents/editor/languageModelTools';
import { editorCompute } from './agents/editor/editorCompute';

export function activate(context: vscode.ExtensionContext) {
  const { logger, channel } = createOutputLogger(vscode);
  context.subscriptions.push(channel, registerCommand({ vs: vscode, logger }, 'pangeo.showLog', 'Show Log', () => channel.show()));
  const deps: ModuleDeps = { vs: vscode, context, logger };

  const hubs = registerHubs(deps);
  const jupyter = registerJupyterIntegration(deps, hubs.service);
  const kernels = registerNotebookKernels(deps, hubs.service);
  // The files and a shell of ready hub servers (pangeo-hub: workspace folders, server terminals).
  const serverFiles = registerServerFiles(deps, hubs.service);
  const serverTerminals = registerServerTerminals(deps, hubs.service);
  const aws = registerAws(deps);
  // Short-lived AWS credentials, with the user's consent, into each connected kernel and its Dask workers.
  const awsSharing = registerCredentialSharing(deps, aws);
  context.subscriptions.push(awsSharing, kernels.onDidChangeKernelState((e) => awsSharing.kernelChanged({
    ...e, target: () => kernelCredentialTarget(e.notebook, e.label, e.kernel),
  })));
  const pod = podWebIdentity();
  // A Gateway that is a hub's service reuses that hub's sign-in (Authorization: jupyterhub <token>); local clusters
  // run with a preset's short-lived AWS credentials when one was assumed.
  const dask = registerDask({
    ...deps,
    hubTokenFor: async (_gateway, hubUrl) => (hubUrl ? (await hubs.service.authorizationFor(hubUrl))?.replace(/^token\s+/, '') : undefined),
    localClusterEnv: () => aws.store.env(),
    // Each signed-in hub is asked whether it serves a Dask Gateway, which the Dask view then offers.
    signedInHubs: {
      list: () => hubs.service.allSnapshots().filter((s) => s.record.user).map((s) => ({ url: s.record.base, label: s.record.label })),
      onDidChange: hubs.service.onDidChangeServers,
    },
    gatewayWorkerEnv: (gatewayUrl, hubUrl) => awsSharing.gatewayWorkerEnv(gatewayUrl, hubUrl),
    // Clusters made in notebooks: our own kernels first, else the Jupyter extension's kernels API (asks consent once).
    runInKernel: async (uri, code, token) => (await kernels.runInNotebook(uri, code)) ?? jupyterExtensionRunner(vscode)(uri, code, token),
  });
  // Dashboards resolve the Dask tree's clusters; their occupancy probe runs in our idle kernels (only while idle),
  // besides notebooks where discovery found a Dask client.
  const dashboards = registerDashboards(deps, daskDashboardSources(dask.service, dask.store),
    dashboardProbeKernels(vscode, () => kernels.idleRunners(), dask.service));
  const cost = registerCost(deps, {
    billables: [hubServerBillables(hubs.service, () => readSetting(vscode, 'pangeo.cost.hubProfilePrices'), hubs.service.sessions.inside), daskClusterBillables(dask.service)],
    // The Dask tree looks rates up by the same resource ids the meter gives its clusters.
    onSnapshot: (snapshot) => dask.showCosts(snapshot.resources),
    ...costResourceActions({ vs: vscode, hubs: hubs.service, dask }),
  });
  const presets = registerPresets(deps, editorPresetSteps({ vs: vscode, hubs: hubs.service, dask: dask.store, extensionId: context.extension.id }), {
    aws, currentSetup: currentSetupFrom(vscode, hubs.service),
    // Inside a hub pod with a web-identity role, a preset's "web-identity" step uses the pod's token.
    webIdentityToken: pod ? () => readWebIdentityToken(pod) : undefined,
  });

  // Agents use the same compute: language-model tools over the hubs, clusters, notebooks and cost meter above.
  const agentTools = registerLanguageModelTools(vscode, () => editorCompute({
    hubs: hubs.service, providers: () => dask.store.providers(), refreshDask: () => dask.service.refresh(),
    notebookKernels: () => kernels.connectedKernels(), costSnapshot: () => cost.snapshot(), priceTable: () => cost.priceTable(),
    hubProfilePrices: () => readSetting(vscode, 'pangeo.cost.hubProfilePrices'),
  }), logger);

  // Disposed in reverse: features first, the hubs they build on last.
  context.subscriptions.push(agentTools, presets, aws, cost, dashboards, dask, serverTerminals, serverFiles, kernels, jupyter, hubs);

  // Last, so no deep link arrives before the features that handle it exist.
  const uris = new UriRouter(vscode);
  uris.add((uri) => hubs.oauth.handle(uri));
  uris.add((uri) => handlePresetUri(uri));
  context.subscriptions.push(vscode.window.registerUriHandler(uris));

  void openWalkthroughOnFirstStart(vscode, context, () => presetLinkUnderReview(vscode)).catch((e: unknown) => logger.warn(`Could not open the walkthrough: ${String(e)}`));
  logger.info(`Pangeo Compute ${(context.extension.packageJSON as { version: string }).version} activated`);
  // For tests and other extensions: the live objects, never secrets.
  return { hubs: hubs.service, jupyter: jupyter.registration, dask: { service: dask.service, local: dask.store.local }, agentTools: { confirmation: (name: string, input: unknown) => agentTools.confirmation(name, input) } };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
