// The sign-in conversation: hub URL → detect → one of the sign-in methods (signInMethods.ts: token, username+password,
// browser OAuth), each listed once below with the questions that make its input. Secrets go to SecretStorage through
// HubSessions; the password lives only for the requests that need it.
import type * as vscode from 'vscode';
import { HubSessions, HubRecord } from '../hubSessions';
import { CancelledError, isPangeoError } from '../../core/http/errors';
import { untilAborted } from '../../core/abort';
import { readSetting } from '../../editor/settings';
import { browserSignIn, passwordSignIn, tokenSignIn, type BrowserInput, type PasswordInput, type SignInMethod } from '../signInMethods';
import { notificationText } from '../../shared/text/untrustedText';

export const OAUTH_CALLBACK_PATH = '/oauth-callback';

/** One pending browser sign-in per state value, completed by the URI handler. */
export class OAuthCallbacks {
  private readonly pending = new Map<string, (query: string) => void>();
  wait(state: string, timeoutMs: number): Promise<string> {
    const answered = new Promise<string>((resolve) => this.pending.set(state, (query) => {
      this.pending.delete(state);
      resolve(query);
    }));
    return untilAborted(answered, [AbortSignal.timeout(timeoutMs)],
      () => new CancelledError(`Browser sign-in (no answer within ${Math.round(timeoutMs / 60_000)} minutes)`)).finally(() => this.pending.delete(state));
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
    void vs.window.showWarningMessage(notificationText(`${added.record.label} uses plain http: your token would travel unencrypted. Prefer its https address.`).text);
  }
  return added;
}

/** What a sign-in choice needs to ask its questions. */
export interface SignInAsk {
  d: SignInDeps;
  record: HubRecord;
  tokenInLink?: string;
  oauthClientId?: string;
}

/** One way to sign in as the editor offers it: the method, when it is offered, and the questions that make its input. */
interface EditorSignIn<Input> {
  method: SignInMethod<Input>;
  icon: string;
  offered(a: SignInAsk): boolean;
  detail(a: SignInAsk): string;
  /** The method's input, asked of the user; undefined when they back out. */
  ask(a: SignInAsk): Promise<Input | undefined>;
  progress(a: SignInAsk): string;
  /** Cleans up after a failed attempt (e.g. forgets a rejected client secret). */
  failed?(a: SignInAsk, e: unknown): Promise<void>;
}

const pastedToken: EditorSignIn<{ token: string }> = {
  method: tokenSignIn,
  icon: 'key',
  offered: () => true,
  detail: (a) => (a.tokenInLink ? 'Use the token from the link you pasted' : `Create one on ${a.record.base}hub/token (works on every hub, including GitHub/CILogon sign-in hubs)`),
  async ask({ d: { vs }, record, tokenInLink }) {
    if (tokenInLink) return { token: tokenInLink };
    const open = 'Open the Token page';
    const input = vs.window.createInputBox();
    const token = await new Promise<string | undefined>((resolve) => {
      input.title = `API token for ${record.label}`;
      input.prompt = 'Paste a token from the hub\'s Token page (stored in the OS keychain via VS Code SecretStorage)';
      input.password = true;
      input.ignoreFocusOut = true;
      input.buttons = [{ iconPath: new vs.ThemeIcon('link-external'), tooltip: open }];
      input.onDidTriggerButton(() => void vs.env.openExternal(vs.Uri.parse(`${record.base}hub/token`)));
      input.onDidAccept(() => { resolve(input.value.trim() || undefined); input.hide(); });
      input.onDidHide(() => { resolve(undefined); input.dispose(); });
      input.show();
    });
    return token ? { token } : undefined;
  },
  progress: (a) => `Checking the token with ${a.record.label}…`,
};

const password: EditorSignIn<PasswordInput> = {
  method: passwordSignIn,
  icon: 'account',
  offered: () => true,
  detail: () => 'For hubs with a password login: a token with an expiry is created; the password is not stored',
  async ask({ d: { vs }, record }) {
    const username = await vs.window.showInputBox({ title: `Sign in to ${record.label}`, prompt: 'Username', ignoreFocusOut: true, value: record.user });
    if (!username) return undefined;
    const password = await vs.window.showInputBox({ title: `Sign in to ${record.label}`, prompt: `Password for ${username} (used once, never stored)`, password: true, ignoreFocusOut: true });
    if (!password) return undefined;
    const hours = readSetting(vs, 'pangeo.hubs.tokenLifetimeHours');
    const onPageLoginFailed = (e: unknown) => void vs.window.showWarningMessage(
      notificationText(`Signed in to ${record.label}, but its page login failed, so the hub's profile list cannot be shown here. ${isPangeoError(e) ? e.userMessage : String(e)}`).text);
    return { username, password, lifetimeSeconds: Math.max(1, hours) * 3600, onPageLoginFailed };
  },
  progress: (a) => `Signing in to ${a.record.label}…`,
};

// Authorization code + PKCE; the redirect comes back through our URI handler.
const browser: EditorSignIn<BrowserInput> = {
  method: browserSignIn,
  icon: 'globe',
  offered: (a) => !!a.oauthClientId,
  detail: (a) => `OAuth with the hub (client ${a.oauthClientId ?? ''})`,
  async ask({ d, record, oauthClientId }) {
    const { vs } = d;
    const clientId = oauthClientId!;
    const callback = await vs.env.asExternalUri(vs.Uri.parse(`${vs.env.uriScheme}://${d.extensionId}${OAUTH_CALLBACK_PATH}`));
    let clientSecret = await d.sessions.oauthClientSecret(record.base);
    if (clientSecret === undefined) {
      clientSecret = await vs.window.showInputBox({
        title: `OAuth client secret for ${clientId}`, prompt: 'If the hub admin gave you a client secret, paste it (stored in SecretStorage); leave empty for public clients',
        password: true, ignoreFocusOut: true,
      });
      if (clientSecret === undefined) return undefined;
      await d.sessions.setOAuthClientSecret(record.base, clientSecret);
    }
    return {
      clientId, clientSecret, redirectUri: callback.toString(true),
      awaitRedirect: (state, signal) => untilAborted(d.oauth.wait(state, 5 * 60_000), [signal], () => new CancelledError('Sign-in')),
      openBrowser: async (url) => void (await vs.env.openExternal(vs.Uri.parse(url))),
    };
  },
  progress: (a) => `Waiting for the browser sign-in to ${a.record.label}…`,
  // A rejected client secret is forgotten so the next attempt asks again.
  async failed(a, e) {
    if (isPangeoError(e, 'Unauthorized')) await a.d.sessions.setOAuthClientSecret(a.record.base, undefined);
  },
};

/** A sign-in choice with its input type hidden, so the choices form one list. */
export interface SignInChoice {
  label: string;
  detail: string;
  run(): Promise<HubRecord | undefined>;
}

/** The choice for `s` when it is offered for this hub. */
function choice<Input>(s: EditorSignIn<Input>): (a: SignInAsk) => SignInChoice | undefined {
  return (a) => s.offered(a) ? {
    label: `$(${s.icon}) ${s.method.label}`,
    detail: s.detail(a),
    async run() {
      const input = await s.ask(a);
      if (input === undefined) return undefined;
      const { vs } = a.d;
      try {
        return await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(s.progress(a)).text, cancellable: true }, (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return a.d.sessions.signIn(a.record.base, s.method, input, ac.signal);
        });
      } catch (e) {
        await s.failed?.(a, e);
        throw e;
      }
    },
  } : undefined;
}

/** Every way to sign in, in the order the choice lists them. */
const SIGN_INS = [choice(pastedToken), choice(password), choice(browser)];

/** The ways to sign in offered for this hub. */
export function signInChoices(a: SignInAsk): SignInChoice[] {
  return SIGN_INS.map((offer) => offer(a)).filter((c): c is SignInChoice => !!c);
}

/** Runs the whole sign-in for `base`; returns the signed-in record or undefined when the user backed out. */
export async function signInInteractive(d: SignInDeps, base: string, tokenInLink?: string): Promise<HubRecord | undefined> {
  const { vs } = d;
  const record = d.sessions.hub(base);
  if (!record) return undefined;
  const ask: SignInAsk = { d, record, tokenInLink, oauthClientId: oauthClientFor(vs, base) };
  const picked = await vs.window.showQuickPick(signInChoices(ask), { title: `Sign in to ${record.label} (JupyterHub ${record.version ?? ''})`, ignoreFocusOut: true });
  return picked?.run();
}

/** `pangeo.hubs.oauthClients`: {"https://hub.example.org/": "client-id"} registered by the hub admin. */
function oauthClientFor(vs: typeof vscode, base: string): string | undefined {
  const map = readSetting(vs, 'pangeo.hubs.oauthClients');
  for (const [url, id] of Object.entries(map)) {
    if (url.replace(/\/?$/, '/') === base) return id;
  }
  return undefined;
}
