// Presets in the editor: Apply Preset…, Copy Preset Link, Export Current Setup as Preset, squiggles in preset files,
// and handlePresetUri for the extension's one URI handler. What they do loads when first used (presetActions.ts).
import type * as vscode from 'vscode';
import { DisposableStore, type ModuleDeps } from '../../editor/module';
import { registerCommand } from '../../editor/command';
import { showError } from '../../editor/showError';
import { loadFeature } from '../../core/chunks';
import type { StepImplementations } from '../applyPreset';
import type { UriParts } from '../presetLink';
import { registerPresetDiagnostics } from './presetDocuments';
import { registerPresetFileLinks } from './presetFileLinks';
export { presetLinkUnderReview } from './presetFileLinks';
import type { PresetActions, PresetExtras } from './presetActions';
import type * as PresetActionsModule from './presetActions';

export type { CurrentSetup, PresetExtras } from './presetActions';

export interface PresetsModule extends vscode.Disposable {
  handleUri(uri: UriParts): Promise<void>;
}

let active: PresetsModule | undefined;

/** For the extension's URI handler: routes vscode://…/preset links here (false when presets are not registered). */
export async function handlePresetUri(uri: UriParts): Promise<boolean> {
  if (!active || uri.path.replace(/\/+$/, '') !== '/preset') return false;
  await active.handleUri(uri);
  return true;
}

export function registerPresets(deps: ModuleDeps, steps: () => StepImplementations, extras: PresetExtras = {}): PresetsModule {
  const { vs, logger } = deps;
  const store = new DisposableStore();
  let loaded: PresetActions | undefined;
  const actions = () => (loaded ??= loadFeature<typeof PresetActionsModule>('presets').createPresetActions(deps, steps, extras));
  const fromLink = (link: UriParts) => actions().fromLink(link);

  store.add(registerPresetDiagnostics(vs));
  // code-server's https preset links arrive as a file to open (codeServerPresetLink); desktop links through the URI handler.
  store.add(registerPresetFileLinks(vs, (link) => fromLink(link).catch((e: unknown) => showError(vs, logger, 'Could not open the preset link', e))));

  store.add(registerCommand(deps, 'pangeo.preset.apply', 'Could not apply the preset', (uri?: vscode.Uri) => actions().apply(uri)));
  store.add(registerCommand(deps, 'pangeo.preset.copyLink', 'Could not make a preset link', (uri?: vscode.Uri) => actions().copyLink(uri)));
  store.add(registerCommand(deps, 'pangeo.preset.exportCurrent', 'Could not export the current setup', () => actions().exportCurrent()));

  const module: PresetsModule = {
    handleUri: async (uri) => {
      try {
        await fromLink(uri);
      } catch (e) {
        await showError(vs, logger, 'Could not open the preset link', e);
      }
    },
    dispose: () => {
      if (active === module) active = undefined;
      store.dispose();
    },
  };
  active = module;
  return module;
}
