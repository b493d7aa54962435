// Signing out of a hub, the same from the Hubs tree and from the Accounts menu: say which notebooks lose their kernel,
// end those kernels while the token still works, then revoke the token the extension created and forget it.
import type * as vscode from 'vscode';
import type { HubService } from './hubService';

export interface SignOutOptions {
  /**
   * 'always': the tree's Sign Out asks every time. 'ifNotebooks': the Accounts menu, where the editor has already
   * asked "sign out?", asks again only to name the notebooks that would lose their kernel.
   */
  confirm: 'always' | 'ifNotebooks';
}

/** The confirmation's text: what happens to the token and to the notebooks using this hub. */
export function signOutQuestion(label: string, notebooks: string[], revokes: boolean): { message: string; detail: string } {
  const token = revokes ? 'The token Pangeo Compute created is revoked on the hub.' : 'Pangeo Compute forgets the token you gave it (revoke it on the hub\'s Token page if you like).';
  const kernels = notebooks.length
    ? `${notebooks.length === 1 ? 'This notebook loses its kernel' : 'These notebooks lose their kernels'}: ${notebooks.join(', ')}. They stay open and run again after you sign in.`
    : 'No open notebook uses a kernel on this hub.';
  return { message: `Sign out of ${label}?`, detail: `${kernels}\n\n${token} Servers on the hub keep running.` };
}

/** Returns true when signed out, false when the user kept the session. */
export async function signOutOfHub(vs: typeof vscode, service: HubService, base: string, opts: SignOutOptions): Promise<boolean> {
  const sessions = service.sessions;
  const record = sessions.hub(base);
  if (!record?.user) return false;
  const notebooks = service.notebooksOn(base);
  if (opts.confirm === 'always' || notebooks.length) {
    const { message, detail } = signOutQuestion(record.label, notebooks, !!record.mintedTokenId);
    const action = 'Sign Out';
    if ((await vs.window.showWarningMessage(message, { modal: true, detail }, action)) !== action) return false;
  }
  await service.releaseKernels(base);
  const { revoked } = await sessions.signOut(base);
  void vs.window.showInformationMessage(`Signed out of ${record.label}${revoked ? '; the token Pangeo Compute created was revoked' : ''}.`);
  return true;
}
