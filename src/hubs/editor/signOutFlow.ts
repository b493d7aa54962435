// Signing out of a hub, the same from the Hubs tree and from the Accounts menu: say which notebooks lose their kernel,
// end those kernels while the token still works, then revoke the token the extension created and forget it.
import type * as vscode from 'vscode';
import type { HubService } from './hubService';
import { notificationText } from '../../shared/text/untrustedText';

const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';

export interface SignOutOptions {
  /**
   * 'always': the tree's Sign Out asks every time. 'never': the Accounts menu, where the editor has asked "sign out?"
   * already; asking again was one question too many, so the notice afterwards names the notebooks that lost their kernel.
   */
  confirm: 'always' | 'never';
}

/** The question, in one notification: what happens to the notebooks using this hub and to the token. */
export function signOutQuestion(label: string, notebooks: string[], revokes: boolean, viaJupyterExtension = false): string {
  // Kernels the Jupyter extension runs on our servers are not visible to us (its API asks the user's consent first).
  const jupyter = viaJupyterExtension ? ' Notebooks on its servers through the Jupyter extension keep their open kernel connection but cannot reconnect until you sign in again.' : '';
  const kernels = notebooks.length
    ? `${notebooks.join(', ')} ${notebooks.length === 1 ? 'loses its kernel' : 'lose their kernels'} (they run again after you sign in).${jupyter}`
    : viaJupyterExtension ? jupyter.trim() : 'No open notebook uses a kernel there.';
  const token = revokes ? 'The token Pangeo Compute created is revoked;' : 'Pangeo Compute forgets your token;';
  return `Sign out of ${label}? ${kernels} ${token} servers keep running.`;
}

/**
 * Returns true when signed out, false when the user kept the session. The question is a notification, not a modal
 * dialog: the editor refuses modal dialogs to extensions under test, and dismissing it safely keeps the session.
 */
export async function signOutOfHub(vs: typeof vscode, service: HubService, base: string, opts: SignOutOptions): Promise<boolean> {
  const sessions = service.sessions;
  const record = sessions.hub(base);
  if (!record?.user) return false;
  const notebooks = service.notebooksOn(base);
  if (opts.confirm === 'always') {
    const action = 'Sign Out';
    const viaJupyter = !!vs.extensions?.getExtension(JUPYTER_EXTENSION_ID);
    if ((await vs.window.showWarningMessage(notificationText(signOutQuestion(record.label, notebooks, !!record.mintedTokenId, viaJupyter)).text, action)) !== action) return false;
  }
  await service.releaseKernels(base);
  const { revoked } = await sessions.signOut(base);
  const lost = notebooks.length ? ` ${notebooks.join(', ')} ${notebooks.length === 1 ? 'lost its kernel; it runs' : 'lost their kernels; they run'} again after you sign in.` : '';
  void vs.window.showInformationMessage(notificationText(`Signed out of ${record.label}${revoked ? '; the token Pangeo Compute created was revoked' : ''}.${lost}`).text);
  return true;
}
