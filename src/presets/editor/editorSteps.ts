// The preset steps that need the editor's live features: hub sign-in through the user's own sign-in flow, the Dask
// provider a preset names, kernel selection, and "export current setup" from what is connected now.
import type * as vscode from 'vscode';
import type { HubService } from '../../hubs/editor/hubService';
import { parseHubUrl } from '../../hubs/hubUrl';
import { loadFeature } from '../../core/chunks';
import type * as PresetActions from './presetActions';
import type { StepImplementations } from '../applyPreset';
import type { ProviderStore } from '../../dask/editor/providerStore';
import { InvalidInputError } from '../../core/http/errors';
import { readSetting } from '../../editor/settings';
import { JupyterServerClient } from '../../jupyterServer/jupyterServerClient';
import { controllerIdFor } from '../../kernels/controllerId';
import type { CurrentSetup } from './module';
import type { OptionValue } from '../presetTypes';

/** The hub and Dask steps' code loads with the presets chunk, when a preset is applied. */
const presetChunk = () => loadFeature<typeof PresetActions>('presets');

export interface EditorStepDeps {
  vs: typeof vscode;
  hubs: HubService;
  dask: ProviderStore;
  extensionId: string;
}

export function editorPresetSteps(d: EditorStepDeps): () => StepImplementations {
  const { vs, hubs, dask } = d;
  const sessions = hubs.sessions;
  return () => withHubRefresh(hubs, {
    ...presetChunk().hubSteps({
      // Signs in through the user's own flow (token, password or browser): a preset never carries credentials.
      session: async (hubUrl) => {
        const base = parseHubUrl(hubUrl).base;
        if (!sessions.hub(base)?.user) {
          const signedIn = await vs.commands.executeCommand<string | undefined>('pangeo.hubs.add', hubUrl);
          if (!signedIn) throw new InvalidInputError(`Not signed in to ${hubUrl}.`, 'Sign in when asked, then retry this step.');
        }
        const user = sessions.hub(base)!.user!;
        return { client: sessions.client(base), user };
      },
      spawnTimeoutMs: readSetting(vs, 'pangeo.hubs.spawnTimeoutMinutes') * 60_000,
    }),
    'create-dask-cluster': presetChunk().daskClusterStep({ provider: (step) => dask.providerAt(step.provider, { url: step.url, workspace: step.workspace }) }),
    'select-kernel': async (step, ctx) => {
      await hubs.refresh();
      const ready = presetChunk().startedServer(hubs.readyServers(), ctx.state);
      if (!ready?.server.url) throw new InvalidInputError('No ready server to take the kernel from.', 'Start the server, then retry.');
      const specs = await new JupyterServerClient(ready.server.url, ready.client.http).getKernelSpecs(ctx.signal);
      if (!specs.specs.some((s) => s.name === step.kernelName)) {
        throw new InvalidInputError(`The server has no kernel "${step.kernelName}" (it has ${specs.specs.map((s) => s.name).join(', ')}).`, 'Ask the instructor to fix the preset.');
      }
      const editor = vs.window.activeNotebookEditor;
      if (editor) {
        await vs.commands.executeCommand('notebook.selectKernel', { id: controllerIdFor(ready.hubId, ready.server.name, step.kernelName), extension: d.extensionId });
        ctx.report(`Selected ${step.kernelName} on ${ready.hubLabel}`);
      } else {
        ctx.report(`${step.kernelName} on ${ready.hubLabel} is offered in the kernel picker when you open a notebook`);
      }
    },
  });
}

/** The Hubs view shows the started server at once (not at its next poll): refresh after "start-server". */
function withHubRefresh(hubs: HubService, impls: StepImplementations): StepImplementations {
  const start = impls['start-server'];
  if (!start) return impls;
  return {
    ...impls,
    'start-server': async (step, ctx) => {
      await start(step, ctx);
      await hubs.refresh(parseHubUrl(step.hubUrl).base).catch(() => undefined);
    },
  };
}

/** "Export current setup": the first signed-in hub with a ready server, its options, and the cost settings. */
export function currentSetupFrom(vs: typeof vscode, hubs: HubService): () => Promise<CurrentSetup | undefined> {
  return async () => {
    const ready = hubs.readyServers()[0];
    const signedIn = hubs.sessions.hubs().find((h) => h.user);
    const setup: CurrentSetup = {};
    if (ready || signedIn) {
      const base = ready?.hubId ?? signedIn!.base;
      const options = (ready?.server.userOptions ?? hubs.sessions.lastOptions(base, '') ?? {}) as Record<string, OptionValue>;
      setup.hub = {
        url: base,
        ...(ready?.server.name ? { serverName: ready.server.name } : {}),
        ...(typeof options.profile === 'string' ? { profile: options.profile } : {}),
        ...(Object.keys(options).length ? { userOptions: options } : {}),
      };
    }
    const limit = readSetting(vs, 'pangeo.cost.budget.limitUsd');
    if (limit > 0) setup.cost = { budget: { amount: limit, period: readSetting(vs, 'pangeo.cost.budget.period') } };
    return Object.keys(setup).length ? setup : undefined;
  };
}
