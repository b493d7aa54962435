// "Add Dask provider": a Dask Gateway (hub sign-in token, pasted token, password or none), a Coiled workspace (token
// imported from the Python client's config only with the user's consent), or a scheduler's dashboard address.
import type * as vscode from 'vscode';
import { coiledConfigPaths, COILED_DEFAULT_SERVER, findCoiledCredentials } from '../coiled/coiledCredentials';
import type { ProviderConfig } from './providerStore';

export interface NewProvider {
  config: ProviderConfig;
  secret?: string;
}

const httpUrl = (t: string) => {
  try {
    const u = new URL(t.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http(s) address.';
  } catch {
    return 'Enter a full address, e.g. https://hub.example.org/services/dask-gateway/';
  }
};

/** The hub a Gateway belongs to, when it is the hub's service (…/services/dask-gateway/). */
export function hubOfGateway(gatewayUrl: string): string | undefined {
  const m = /^(.*\/)services\/dask-gateway\/?$/.exec(gatewayUrl.trim());
  return m?.[1];
}

export async function askNewProvider(vs: typeof vscode, opts: { hubSignInAvailable: boolean; env?: NodeJS.ProcessEnv }): Promise<NewProvider | undefined> {
  const kind = await vs.window.showQuickPick([
    { label: '$(cloud) Dask Gateway', detail: 'A gateway, often the hub service at https://<hub>/services/dask-gateway/', which: 'gateway' as const },
    { label: '$(cloud) Coiled', detail: 'Clusters in a Coiled workspace', which: 'coiled' as const },
    { label: '$(plug) Scheduler address', detail: 'A running scheduler, by its dashboard address (http://host:8787)', which: 'scheduler' as const },
  ], { title: 'Add a Dask cluster provider' });
  if (!kind) return undefined;

  if (kind.which === 'scheduler') {
    const url = await vs.window.showInputBox({ title: 'Scheduler dashboard address', value: 'http://127.0.0.1:8787/', validateInput: httpUrl });
    return url ? { config: { kind: 'scheduler', url: url.trim() } } : undefined;
  }

  if (kind.which === 'gateway') {
    const url = await vs.window.showInputBox({ title: 'Dask Gateway address', placeHolder: 'https://hub.example.org/services/dask-gateway/', validateInput: httpUrl, ignoreFocusOut: true });
    if (!url) return undefined;
    const hubUrl = hubOfGateway(url);
    const auth = await vs.window.showQuickPick([
      ...(opts.hubSignInAvailable && hubUrl ? [{ label: 'Use my hub sign-in', detail: `The JupyterHub token of ${hubUrl}`, auth: 'hub' as const }] : []),
      { label: 'JupyterHub API token', detail: 'Paste a token from <hub>/hub/token', auth: 'token' as const },
      { label: 'Username and password', detail: 'Basic authentication', auth: 'basic' as const },
      { label: 'No authentication', auth: 'none' as const },
    ], { title: 'How does this gateway authenticate you?' });
    if (!auth) return undefined;
    if (auth.auth === 'hub') return { config: { kind: 'gateway', url: url.trim(), auth: 'jupyterhub', hubUrl } };
    if (auth.auth === 'none') return { config: { kind: 'gateway', url: url.trim(), auth: 'none' } };
    if (auth.auth === 'token') {
      const token = await vs.window.showInputBox({ title: 'JupyterHub API token', password: true, ignoreFocusOut: true, validateInput: (t) => (t.trim() ? undefined : 'Paste the token.') });
      return token ? { config: { kind: 'gateway', url: url.trim(), auth: 'jupyterhub', hubUrl }, secret: token.trim() } : undefined;
    }
    const username = await vs.window.showInputBox({ title: 'Gateway username', ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await vs.window.showInputBox({ title: `Password for ${username}`, password: true, ignoreFocusOut: true });
    if (password === undefined) return undefined;
    return { config: { kind: 'gateway', url: url.trim(), auth: 'basic', username }, secret: password };
  }

  // Coiled: offer the existing login of the Python client, but only import it if the user says so.
  const env = opts.env ?? process.env;
  const found = findCoiledCredentials(env, coiledConfigPaths(env));
  let token: string | undefined;
  let server = COILED_DEFAULT_SERVER;
  let workspace = found?.workspace;
  if (found) {
    const use = 'Import';
    const pick = await vs.window.showInformationMessage(`A Coiled token was found in ${found.source}. Import it into the editor's secret storage?`, { modal: true }, use, 'Enter Another');
    if (pick === undefined) return undefined;
    if (pick === use) {
      token = found.token;
      server = found.server;
    }
  }
  token ??= (await vs.window.showInputBox({ title: 'Coiled API token', prompt: 'From https://cloud.coiled.io/profile', password: true, ignoreFocusOut: true }))?.trim();
  if (!token) return undefined;
  workspace = (await vs.window.showInputBox({ title: 'Coiled workspace', value: workspace ?? '', validateInput: (t) => (t.trim() ? undefined : 'The workspace (account) slug is required.') }))?.trim();
  if (!workspace) return undefined;
  return { config: { kind: 'coiled', workspace, server }, secret: token };
}
