// The hubs feature: sessions (SecretStorage), the Accounts-menu auth provider, the Hubs tree, its commands and polling.
import type * as vscode from 'vscode';
import { HubSessions } from '../hubSessions';
import { HubService } from './hubService';
import { HubTreeProvider } from './hubTree';
import { HubAuthProvider, AUTH_PROVIDER_ID } from './hubAuthProvider';
import { OAuthCallbacks } from './signInFlow';
import type * as StartServerFlow from './startServerFlow';
import { loadFeature } from '../../core/chunks';
import { registerHubCommands } from './hubCommands';
import { signOutOfHub } from './signOutFlow';
import { trackHubWalkthroughSteps } from './walkthroughSteps';
import { DisposableStore, ModuleDeps } from '../../editor/module';
import { readSetting } from '../../editor/settings';
import { notificationText } from '../../shared/text/untrustedText';
import { insideHubFromEnv } from '../insideHub';

export interface HubsModule extends vscode.Disposable {
  service: HubService;
  oauth: OAuthCallbacks;
}

export function registerHubs({ vs, context, logger }: ModuleDeps): HubsModule {
  const store = new DisposableStore();
  const sessions = new HubSessions(context.globalState, context.secrets, {
    logger, client: { timeoutMs: readSetting(vs, 'pangeo.hubs.requestTimeoutSeconds') * 1000 },
    // Inside a hub's server (code-server via jupyter-vscode-proxy): that hub, signed in with the server's own token.
    inside: insideHubFromEnv(process.env),
  });
  const oauth = new OAuthCallbacks();
  // Ends its watch of secrets changed by other windows.
  store.add(sessions);
  const signInAgain = (base: string) => {
    const label = sessions.hub(base)?.label ?? base;
    const action = 'Sign In Again';
    void vs.window.showWarningMessage(notificationText(`Your session on ${label} expired or was revoked.`).text, action).then((a) => {
      if (a === action) void vs.commands.executeCommand('pangeo.hubs.signIn', base);
    });
  };
  const service: HubService = store.add(new HubService(vs, sessions, logger, signInAgain, {
    // "Start It Again" for kernels and Jupyter's picker: the Hubs view's flow with the last options (called later, never here).
    restartServer: (hubId, serverName, ask) => loadFeature<typeof StartServerFlow>('startServerFlow').startAgainWithLastOptions(vs, service, hubId, serverName, ask),
  }));
  const tree = store.add(new HubTreeProvider(vs, service));
  store.add(service.onDidChangeServers(() => tree.refresh()));
  store.add(trackHubWalkthroughSteps(vs, service));
  const view = store.add(vs.window.createTreeView('pangeo.hubs', { treeDataProvider: tree, showCollapseAll: true }));
  // Poll only while the view is visible: a hidden sidebar costs the hub nothing.
  const pollMs = () => Math.max(10, readSetting(vs, 'pangeo.hubs.pollSeconds')) * 1000;
  store.add(view.onDidChangeVisibility((e) => service.setPolling(e.visible, pollMs())));
  service.setPolling(view.visible, pollMs());
  store.add(registerHubCommands({ vs, service, oauth, logger, extensionId: context.extension.id }));
  store.add(vs.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'JupyterHub (Pangeo)', store.add(new HubAuthProvider(vs, sessions, (base) =>
    Promise.resolve(vs.commands.executeCommand<string | undefined>(base ? 'pangeo.hubs.signIn' : 'pangeo.hubs.add', base)),
  // The editor has asked "sign out?" already: one question is enough.
  (base) => signOutOfHub(vs, service, base, { confirm: 'never' }))), { supportsMultipleAccounts: true }));
  // Token renewal starts after activation has returned; its first tick only reads local state unless a token is due.
  service.startRenewal(10_000);
  return Object.assign(store, { service, oauth });
}
