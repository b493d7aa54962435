// The sign-in conversation: hub URL → detect → token / username+password / browser OAuth. Secrets go to SecretStorage
// through HubSessions; the password lives only for the two requests that need it.
import type * as vscode from 'vscode';
import { HubSessions, HubRecord } from '../hubSessions';
import { authorizeUrl, createPkce, exchangeCode, newState, parseCallback } from '../oauth';
import { CancelledError, isPangeoError } from '../../core/http/errors';
import { HubClient } from '../hubClient';

export const OAUTH_CALLBACK_PATH = '/oauth-callback';

/** One pending browser sign-in per state value, completed by the URI handler. */
export class OAuthCallbacks {
  private readonly pending = new Map<string, (query: string) => void>();
  wait(state: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(state);
        reject(new CancelledError('Browser sign-in (no answer within 5 minutes)'));
      }, timeoutMs);
      this.pending.set(state, (query) => {
        clearTimeout(timer);
        this.pending.delete(state);
        resolve(query);
      });
    });
  }
  /** Returns true when the URI completed a pending sign-in. */
  handle(uri: vscode.Uri): boolean {
    if (uri.path !== OAUTH_CALLBACK_PATH) return false;
    const state = new URLSearchParams(uri.query).get('state') ?? '';
    const resolve = this.pending.get(state);
    resolve?.(uri.query);
    return !!resolve;
  }
}

export interface SignInDeps {
  vs: typeof vscode;
  sessions: HubSessions;
  oauth: OAuthCallbacks;
  extensionId: string;
}

type Method = 'token' | 'password' | 'oauth';

/** Asks for a hub URL (unless given), detects it and adds it; returns the record and any token carried in the link. */
export async function addHubInteractive(d: SignInDeps, initialUrl?: string): Promise<{ record: HubRecord; tokenInLink?: string } | undefined> {
  const { vs } = d;
  const url = initialUrl ?? await vs.window.showInputBox({
    title: 'Add a JupyterHub',
    prompt: 'The hub address, as you would open it in a browser (any page of the hub works)',
    placeHolder: 'https://hub.example.org  ·  https://host/jhub/  ·  a /user/…/lab?token=… link',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter the hub address'),
  });
  if (!url) return undefined;
  const added = await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: 'Contacting the hub…', cancellable: true }, (_p, token) => {
    const ac = new AbortController();
    token.onCancellationRequested(() => ac.abort());
    return d.sessions.addHub(url, ac.signal);
  });
  if (added.insecure) {
    void vs.window.showWarningMessage(`${added.record.label} uses plain http: your token would travel unencrypted. Prefer its https address.`);
  }
  return added;
}

/** Runs the whole sign-in for `base`; returns the signed-in record or undefined when the user backed out. */
export async function signInInteractive(d: SignInDeps, base: string, tokenInLink?: string): Promise<HubRecord | undefined> {
  const { vs } = d;
  const record = d.sessions.hub(base);
  if (!record) return undefined;
  const oauthClientId = oauthClientFor(vs, base);
  const items: Array<vscode.QuickPickItem & { method: Method }> = [
    { method: 'token', label: '$(key) Paste an API token', detail: tokenInLink ? 'Use the token from the link you pasted' : `Create one on ${base}hub/token (works on every hub, including GitHub/CILogon sign-in hubs)` },
    { method: 'password', label: '$(account) Username and password', detail: 'For hubs with a password login: a token with an expiry is created; the password is not stored' },
  ];
  if (oauthClientId) items.push({ method: 'oauth', label: '$(globe) Sign in with the browser', detail: `OAuth with the hub (client ${oauthClientId})` });
  const picked = await vs.window.showQuickPick(items, { title: `Sign in to ${record.label} (JupyterHub ${record.version ?? ''})`, ignoreFocusOut: true });
  if (!picked) return undefined;
  const run = <T>(title: string, work: (signal: AbortSignal) => Promise<T>) =>
    vs.window.withProgress({ location: vs.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return work(ac.signal);
    });

  if (picked.method === 'token') {
    let token = tokenInLink;
    if (!token) {
      const open = 'Open the Token page';
      const input = vs.window.createInputBox();
      token = await new Promise<string | undefined>((resolve) => {
        input.title = `API token for ${record.label}`;
        input.prompt = 'Paste a token from the hub\'s Token page (stored in the OS keychain via VS Code SecretStorage)';
        input.password = true;
        input.ignoreFocusOut = true;
        input.buttons = [{ iconPath: new vs.ThemeIcon('link-external'), tooltip: open }];
        input.onDidTriggerButton(() => void vs.env.openExternal(vs.Uri.parse(`${base}hub/token`)));
        input.onDidAccept(() => { resolve(input.value.trim() || undefined); input.hide(); });
        input.onDidHide(() => { resolve(undefined); input.dispose(); });
        input.show();
      });
    }
    if (!token) return undefined;
    return run(`Checking the token with ${record.label}…`, (signal) => d.sessions.signInWithToken(base, token, signal));
  }

  if (picked.method === 'password') {
    const username = await vs.window.showInputBox({ title: `Sign in to ${record.label}`, prompt: 'Username', ignoreFocusOut: true, value: record.user });
    if (!username) return undefined;
    const password = await vs.window.showInputBox({ title: `Sign in to ${record.label}`, prompt: `Password for ${username} (used once, never stored)`, password: true, ignoreFocusOut: true });
    if (!password) return undefined;
    const hours = vs.workspace.getConfiguration('pangeo.hubs').get<number>('tokenLifetimeHours', 168);
    const pageLoginFailed = (e: unknown) => void vs.window.showWarningMessage(
      `Signed in to ${record.label}, but its page login failed, so the hub's profile list cannot be shown here. ${isPangeoError(e) ? e.userMessage : String(e)}`);
    return run(`Signing in to ${record.label}…`, (signal) => d.sessions.signInWithPassword(base, username, password, Math.max(1, hours) * 3600, signal, pageLoginFailed));
  }

  // Browser OAuth (authorization code + PKCE); the redirect comes back through our URI handler.
  const clientId = oauthClientId!;
  const callback = await vs.env.asExternalUri(vs.Uri.parse(`${vs.env.uriScheme}://${d.extensionId}${OAUTH_CALLBACK_PATH}`));
  const redirectUri = callback.toString(true);
  const pkce = createPkce();
  const state = newState();
  let clientSecret = await d.sessions.oauthClientSecret(base);
  if (clientSecret === undefined) {
    clientSecret = await vs.window.showInputBox({
      title: `OAuth client secret for ${clientId}`, prompt: 'If the hub admin gave you a client secret, paste it (stored in SecretStorage); leave empty for public clients',
      password: true, ignoreFocusOut: true,
    });
    if (clientSecret === undefined) return undefined;
    await d.sessions.setOAuthClientSecret(base, clientSecret);
  }
  const waiting = d.oauth.wait(state, 5 * 60_000);
  await vs.env.openExternal(vs.Uri.parse(authorizeUrl(base, { clientId, redirectUri, state, challenge: pkce.challenge })));
  return Promise.resolve(run(`Waiting for the browser sign-in to ${record.label}…`, async (signal) => {
    const query = await Promise.race([waiting, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError('Sign-in'))))]);
    const code = parseCallback(query, state);
    const token = await exchangeCode(new HubClient(base).http, { clientId, clientSecret: clientSecret || undefined, code, redirectUri, verifier: pkce.verifier }, signal);
    return d.sessions.signInWithOAuthToken(base, token.accessToken, token.expiresAt, signal);
  })).catch(async (e: unknown) => {
    // A rejected client secret is forgotten so the next attempt asks again.
    if (isPangeoError(e, 'Unauthorized')) await d.sessions.setOAuthClientSecret(base, undefined);
    throw e;
  });
}

/** `pangeo.hubs.oauthClients`: {"https://hub.example.org/": "client-id"} registered by the hub admin. */
function oauthClientFor(vs: typeof vscode, base: string): string | undefined {
  const map = vs.workspace.getConfiguration('pangeo.hubs').get<Record<string, string>>('oauthClients', {});
  for (const [url, id] of Object.entries(map)) {
    if (url.replace(/\/?$/, '/') === base) return id;
  }
  return undefined;
}
