// The walkthrough's hub steps: "Laptop, hub or remote" and "Connect to a hub" when a hub is signed in (inside a hub's
// server that is at once: the server signs it in), "Pick a remote kernel" when a server is ready.
import type * as vscode from 'vscode';
import type { HubService } from './hubService';
import { completeWalkthroughStep } from '../../editor/walkthrough';

export function trackHubWalkthroughSteps(vs: typeof vscode, service: HubService): vscode.Disposable {
  const check = () => {
    if (service.sessions.hubs().some((h) => service.isSignedIn(h.base))) {
      completeWalkthroughStep(vs, 'places');
      completeWalkthroughStep(vs, 'connect');
    }
    if (service.readyServers().length) completeWalkthroughStep(vs, 'kernel');
  };
  check();
  return service.onDidChangeServers(check);
}
