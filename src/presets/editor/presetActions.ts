// Feature chunk 'presets' (dist/chunks/presets.js): what the preset commands, links and squiggles do, loaded when one
// is first used; src/presets/editor/module.ts registers them at activation.
import type * as vscode from 'vscode';
import type { ModuleDeps } from '../../editor/module';
import type { StepImplementations } from '../applyPreset';
import { codeServerPresetLink, EXTENSION_ID, MAX_INLINE_LINK_CHARS, parsePresetLink, PRESET_FILE_SCHEME, presetInCodeServerLink, presetLink, studentCodeServerUrl, type UriParts } from '../presetLink';
import { urlProblem } from '../semanticChecks';
import { settingsStep } from '../settingsWriter';
import { budgetStep } from '../budgetStep';
import { cloneIntoWorkspaceStep, openFilesStep } from '../contentSteps';
import { serverContentStep, serverOpenFilesStep } from '../serverContentSteps';
import { InvalidInputError } from '../../core/http/errors';
import { validatePreset } from '../validatePreset';
import { problemText } from '../problemText';
import type { Preset } from '../presetTypes';
import type { AwsModule } from '../../aws/editor/module';
import { isPresetDocument } from '../presetFileNames';
import { PresetFlows } from './presetFlows';
import { WorkspaceSettingsWriter } from './workspaceSettingsWriter';
import { awsRoleStepFor } from '../assumeAwsRoleStep';
import { notificationText } from '../../shared/text/untrustedText';

export { presetDiagnostics } from './presetDiagnostics';
// For editorSteps.ts, which builds the hub and Dask steps when a preset is applied.
export { daskClusterStep, hubSteps, startedServer } from '../hubAndDaskSteps';

/** What "Export Current Setup as Preset" reads: the connected hub, profile, cluster options and budget. */
export type CurrentSetup = Omit<Partial<Preset>, 'version' | 'name' | 'settings'>;

export interface PresetExtras {
  currentSetup?: () => Promise<CurrentSetup | undefined>;
  /** Gives the "assume-aws-role" step; without it a preset with an "aws" section is refused before anything runs. */
  aws?: AwsModule;
  /** The hub's OIDC token, for presets whose AWS identity is "web-identity". */
  webIdentityToken?: () => Promise<string>;
}

/** The bodies of the preset commands, and the review page a preset link opens. */
export interface PresetActions {
  apply(uri?: vscode.Uri): Promise<void>;
  copyLink(uri?: vscode.Uri): Promise<void>;
  exportCurrent(): Promise<void>;
  fromLink(link: UriParts): Promise<void>;
}

/** This code-server's address as students would open it (on a hub, the user-redirect form); undefined on the desktop. */
async function ownCodeServerGuess(vs: typeof vscode): Promise<string | undefined> {
  try {
    // In the browser the editor answers with its own https /callback address; the desktop keeps its own scheme.
    const external = await vs.env.asExternalUri(vs.Uri.parse(`${vs.env.uriScheme}://${EXTENSION_ID}/`));
    return /^https?$/.test(external.scheme) ? studentCodeServerUrl(external.toString(true)) : undefined;
  } catch {
    return undefined;
  }
}

/** A pasted preset link (`<scheme>://pangeo-compute.pangeo-compute/preset?…`) as URI parts, else undefined. */
function asPresetLink(text: string): UriParts | undefined {
  // A code-server link (https://…?payload=…) carries a pangeo-preset:/preset?… link inside.
  const inner = presetInCodeServerLink(text);
  if (inner) {
    const m = /^[^:]+:(\/[^?#]*)(?:\?([^#]*))?/.exec(inner);
    return m ? { scheme: PRESET_FILE_SCHEME, authority: '', path: m[1]!, query: m[2] ?? '' } : undefined;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(text);
  if (!m || /^https?$/i.test(m[1]!) || m[2]!.toLowerCase() !== EXTENSION_ID) return undefined;
  return { scheme: m[1]!, authority: m[2]!, path: m[3]!, query: m[4] ?? '' };
}

/** Why the "Apply Preset from a URL" box cannot use `text`, or undefined. */
function presetAddressProblem(text: string): string | undefined {
  const link = asPresetLink(text);
  if (link) {
    const parsed = parsePresetLink(link);
    return parsed.kind === 'invalid' ? `This preset link cannot be used: ${parsed.reason}.` : undefined;
  }
  return urlProblem(text)?.message;
}

export function createPresetActions(deps: ModuleDeps, steps: () => StepImplementations, extras: PresetExtras): PresetActions {
  const { vs, context, logger } = deps;
  const workspaceContent = cloneIntoWorkspaceStep({
    parentDir: async () => {
      const folder = vs.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      if (!folder) throw new InvalidInputError('There is no local folder open to put the course content in.', 'Open a folder (File > Open Folder…), then apply the preset again.');
      return folder.uri.fsPath;
    },
  });
  const workspaceFiles = openFilesStep({ open: async (path) => { await vs.commands.executeCommand('vscode.open', vs.Uri.file(path)); } });
  const serverContent = serverContentStep();
  const serverFiles = serverOpenFilesStep(async (url) => { await vs.env.openExternal(vs.Uri.parse(url)); });
  const defaults = (): StepImplementations => ({
    'apply-settings': settingsStep(new WorkspaceSettingsWriter(vs)),
    'set-budget': budgetStep(new WorkspaceSettingsWriter(vs)),
    // Content goes into the local workspace, or is pulled on the hub server ("target": "server").
    'get-content': (step, ctx) => (step.target === 'server' ? serverContent(step, ctx) : workspaceContent(step, ctx)),
    'open-files': (step, ctx) => (step.target === 'server' ? serverFiles(step, ctx) : workspaceFiles(step, ctx)),
    'recommend-extensions': async (step) => {
      // Only shown, never installed: the user picks from the Extensions view.
      void vs.window.showInformationMessage(notificationText(`The preset recommends ${step.extensionIds.join(', ')}.`).text, 'Show Extensions').then((picked) => {
        if (picked) void vs.commands.executeCommand('workbench.extensions.action.showExtensionsWithIds', step.extensionIds);
      });
    },
    ...(extras.aws ? { 'assume-aws-role': awsRoleStepFor(extras.aws, extras.webIdentityToken, logger) } : {}),
  });
  const flows = new PresetFlows({ vs, extensionUri: context.extensionUri, logger, steps: () => ({ ...defaults(), ...steps() }) });

  return {
    apply: async (uri?: vscode.Uri) => {
      if (uri) return flows.fromFile(uri);
      const choice = await vs.window.showQuickPick([
        { label: '$(file) From a file…', id: 'file' },
        { label: '$(folder) From this workspace…', id: 'workspace', description: '*.pangeo.json, .vscode/pangeo.json' },
        { label: '$(globe) From a URL…', id: 'url', description: 'an https address, or a preset link' },
      ], { title: 'Apply Preset', placeHolder: 'Where is the preset?' });
      if (!choice) return;
      if (choice.id === 'file') {
        const picked = await vs.window.showOpenDialog({ canSelectMany: false, filters: { 'Pangeo preset': ['json'] }, title: 'Choose a preset' });
        if (picked?.[0]) await flows.fromFile(picked[0]);
      } else if (choice.id === 'workspace') {
        const files = [...await vs.workspace.findFiles('**/*.pangeo.json', '**/node_modules/**', 200), ...await vs.workspace.findFiles('.vscode/pangeo.json', undefined, 1)];
        if (!files.length) {
          await vs.window.showInformationMessage('No preset files (*.pangeo.json or .vscode/pangeo.json) in this workspace.');
          return;
        }
        const file = await vs.window.showQuickPick(files.map((f) => ({ label: vs.workspace.asRelativePath(f), uri: f })), { title: 'Apply Preset' });
        if (file) await flows.fromFile(file.uri);
      } else {
        // The instructor's plain https address, or a preset link pasted whole (any editor's scheme).
        const url = await vs.window.showInputBox({
          title: 'Apply Preset from a URL', prompt: 'The https address of a .pangeo.json file, or a preset link', placeHolder: 'https://example.edu/course.pangeo.json',
          ignoreFocusOut: true,
          validateInput: (v) => (v.trim() ? presetAddressProblem(v.trim()) : undefined),
        });
        const text = url?.trim();
        if (!text) return;
        const link = asPresetLink(text);
        if (link) await flows.fromLink(link);
        else await flows.fromUrl(text);
      }
    },

    copyLink: async (uri?: vscode.Uri) => {
      const target = uri ?? (vs.window.activeTextEditor && isPresetDocument(vs.window.activeTextEditor.document) ? vs.window.activeTextEditor.document.uri : undefined)
        ?? (await vs.window.showOpenDialog({ canSelectMany: false, filters: { 'Pangeo preset': ['json'] }, title: 'Choose the preset to link to' }))?.[0];
      if (!target) return;
      const open = vs.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
      const validation = validatePreset(open ? open.getText() : await vs.workspace.fs.readFile(target));
      if (!validation.ok) {
        const p = validation.problems[0]!;
        await vs.window.showErrorMessage(notificationText(`Fix the preset first: ${problemText(p)}`).text);
        return;
      }
      // Students click the link in the editor they use: desktop VS Code (a vscode:// link its URI handler gets) or
      // code-server in the browser (an https link to their code-server page, which cannot follow code-oss:// links).
      const desktopScheme = /^vscode(-insiders)?$/.test(vs.env.uriScheme) ? vs.env.uriScheme : 'vscode';
      const editor = await vs.window.showQuickPick([
        { label: '$(vm) Desktop VS Code', id: 'desktop', description: `a ${desktopScheme}:// link` },
        { label: '$(globe) code-server in the browser', id: 'code-server', description: 'an https:// link to the students\' code-server, e.g. on a JupyterHub' },
        { label: '$(link) Plain https address of the preset…', id: 'plain', description: 'students paste it into "Pangeo: Apply Preset…" (works in every editor)' },
      ], { title: 'Copy Preset Link', placeHolder: 'Which editor do students open the link in?' });
      if (!editor) return;
      let codeServer: string | undefined;
      if (editor.id === 'code-server') {
        codeServer = (await vs.window.showInputBox({
          title: 'Copy Preset Link: the students\' code-server address', ignoreFocusOut: true,
          prompt: 'Where students open code-server; on a JupyterHub, https://<hub>/hub/user-redirect/<code-server path>/ sends each student to their own',
          placeHolder: 'https://hub.example.edu/hub/user-redirect/vscode/', value: await ownCodeServerGuess(vs),
          validateInput: (v) => (v.trim() ? urlProblem(v.trim())?.message : 'The address is needed'),
        }))?.trim();
        if (!codeServer) return;
      }
      const make = (source: Preset | string) => (codeServer ? codeServerPresetLink(source, codeServer) : presetLink(source, { scheme: desktopScheme }));
      let inline: string | undefined;
      try {
        inline = editor.id === 'plain' ? undefined : make(validation.preset);
      } catch {
        inline = undefined;
      }
      let link = inline;
      const where = editor.id === 'plain' ? undefined : await vs.window.showQuickPick([
        ...(inline ? [{ label: 'Link with the preset inside', id: 'inline', description: `${inline.length} characters` }] : []),
        { label: 'Link to where the preset is hosted (https)…', id: 'url', description: inline ? undefined : `too large to inline (over ${MAX_INLINE_LINK_CHARS} characters)` },
      ], { title: 'Copy Preset Link' });
      if (editor.id !== 'plain' && !where) return;
      if (where?.id !== 'inline') {
        const url = await vs.window.showInputBox({ title: 'Where students download the preset', placeHolder: 'https://example.edu/course.pangeo.json', ignoreFocusOut: true, validateInput: (v) => (v ? urlProblem(v.trim())?.message : undefined) });
        if (!url) return;
        link = editor.id === 'plain' ? new URL(url.trim()).toString() : make(url.trim());
      }
      await vs.env.clipboard.writeText(link!);
      await vs.window.showInformationMessage(notificationText(editor.id === 'plain'
        ? 'Preset address copied. Students run "Pangeo: Apply Preset…", choose "From a URL…" and paste it; they see the review page before anything happens.'
        : editor.id === 'code-server'
          ? 'Preset link copied (https://, opens the preset in the students\' code-server, with Pangeo Compute installed there). They see the review page before anything happens.'
          : `Preset link copied (${desktopScheme}://, opens in desktop VS Code with Pangeo Compute). Anyone opening it sees the review page before anything happens.`).text);
    },

    exportCurrent: async () => {
      const setup = await extras.currentSetup?.();
      if (!setup || !Object.keys(setup).length) {
        await vs.window.showInformationMessage('Nothing to export yet: connect to a hub or create a Dask cluster first.');
        return;
      }
      const name = await vs.window.showInputBox({ title: 'Export Current Setup as Preset', prompt: 'A name students will see', value: 'My course setup', validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
      if (!name) return;
      // No $schema: the file pattern picks the bundled schema, which works offline (a $schema URL would be downloaded).
      const preset = { version: 1, name: name.trim(), ...setup };
      const text = `${JSON.stringify(preset, null, 2)}\n`;
      const validation = validatePreset(text);
      if (!validation.ok) logger.warn(`Exported preset needs fixes: ${validation.problems.map(problemText).join('; ')}`);
      const folder = vs.workspace.workspaceFolders?.[0]?.uri;
      const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'preset';
      const target = await vs.window.showSaveDialog({
        defaultUri: folder ? vs.Uri.joinPath(folder, `${slug}.pangeo.json`) : undefined,
        filters: { 'Pangeo preset': ['json'] }, title: 'Save the preset',
      });
      if (!target) return;
      await vs.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      await vs.window.showTextDocument(target);
    },
    fromLink: (link) => flows.fromLink(link),
  };
}
