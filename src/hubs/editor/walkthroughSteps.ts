// The walkthrough's hub steps: "Connect to a hub" when a hub is signed in, "Pick a remote kernel" when a server is ready.
import type * as vscode from 'vscode';
import type { HubService } from './hubService';
import { completeWalkthroughStep } from '../../editor/walkthrough';

export function trackHubWalkthroughSteps(vs: typeof vscode, service: HubService): vscode.Disposable {
  const check = () => {
    if (service.sessions.hubs().some((h) => service.isSignedIn(h.base))) completeWalkthroughStep(vs, 'connect');
    if (service.readyServers().length) completeWalkthroughStep(vs, 'kernel');
  };
  check();
  return service.onDidChangeServers(check);
}
