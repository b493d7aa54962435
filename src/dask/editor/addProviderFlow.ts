// "Add Dask provider": the user picks a kind from the provider table and answers that descriptor's questions, asked
// here with the editor's input boxes, pick lists and modal messages.
import type * as vscode from 'vscode';
import type { NewProvider, SetupPrompts } from '../providerDescriptor';
import { providerDescriptors, type ProviderConfig } from '../providerTable';
import { iconLabel, notificationText } from '../../shared/text/untrustedText';

export type { NewProvider } from '../providerDescriptor';

/** Every kind the user can add (all but the built-in), and its questions. */
export async function askNewProvider(prompts: SetupPrompts, opts: { hubSignInAvailable: boolean; env?: NodeJS.ProcessEnv }): Promise<NewProvider<ProviderConfig> | undefined> {
  const kinds = providerDescriptors().filter((d) => d.setup !== undefined);
  const descriptor = await prompts.pick('Add a Dask cluster provider', kinds.map((d) => ({ label: `$(${d.icon}) ${d.label}`, detail: d.detail, value: d })));
  return descriptor?.setup?.(prompts, { hubSignInAvailable: opts.hubSignInAvailable, env: opts.env ?? process.env });
}

/** The descriptors' questions as the editor asks them. */
export function editorPrompts(vs: typeof vscode): SetupPrompts {
  return {
    text: (q) => Promise.resolve(vs.window.showInputBox({
      title: q.title, prompt: q.prompt, placeHolder: q.placeHolder, value: q.value, password: q.password, ignoreFocusOut: q.ignoreFocusOut,
      validateInput: q.validate ? (t) => q.validate?.(t) : undefined,
    })),
    pick: async (title, choices) => (await vs.window.showQuickPick(choices.map((c) => ({ label: iconLabel(c.label), detail: c.detail === undefined ? undefined : iconLabel(c.detail), choice: c })), { title }))?.choice.value,
    ask: (message, answers) => Promise.resolve(vs.window.showInformationMessage(notificationText(message).text, { modal: true }, ...answers)),
  };
}
