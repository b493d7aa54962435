// JupyterHub sign-in as a VS Code AuthenticationProvider: one session per signed-in hub, shown in the Accounts menu.
import type * as vscode from 'vscode';
import { HubSessions } from '../hubSessions';

export const AUTH_PROVIDER_ID = 'pangeo-jupyterhub';

export class HubAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter: vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;
  readonly onDidChangeSessions: vscode.Event<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;
  private known = new Map<string, string>();
  private readonly sub: { dispose(): void };

  constructor(
    vs: typeof vscode,
    private readonly sessions: HubSessions,
    /** Runs the interactive sign-in for a hub base (or asks for a hub when none is given). */
    private readonly signIn: (base?: string) => Promise<string | undefined>,
  ) {
    this.emitter = new vs.EventEmitter();
    this.onDidChangeSessions = this.emitter.event;
    this.known = this.snapshot();
    this.sub = sessions.onDidChange(() => this.diff());
  }

  private snapshot(): Map<string, string> {
    return new Map(this.sessions.hubs().filter((h) => h.user).map((h) => [h.base, `${h.user}|${h.mintedTokenId ?? ''}|${h.expiresAt ?? ''}`]));
  }

  private diff(): void {
    const now = this.snapshot();
    const stub = (id: string) => ({ id, accessToken: '', account: { id, label: id }, scopes: [id] });
    const added = [...now.keys()].filter((k) => !this.known.has(k)).map(stub);
    const removed = [...this.known.keys()].filter((k) => !now.has(k)).map(stub);
    const changed = [...now.keys()].filter((k) => this.known.has(k) && this.known.get(k) !== now.get(k)).map(stub);
    this.known = now;
    if (added.length || removed.length || changed.length) this.emitter.fire({ added, removed, changed });
  }

  /** Scopes are hub base URLs: asking for ["https://hub.example.org/"] gives that hub's session. */
  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const out: vscode.AuthenticationSession[] = [];
    for (const h of this.sessions.hubs()) {
      if (!h.user || (scopes?.length && !scopes.includes(h.base))) continue;
      const token = await this.sessions.token(h.base);
      if (!token) continue;
      out.push({ id: h.base, accessToken: token, account: { id: `${h.user}@${h.base}`, label: `${h.user} @ ${h.label}` }, scopes: [h.base] });
    }
    return out;
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const base = await this.signIn(scopes[0]);
    const session = base ? (await this.getSessions([base]))[0] : undefined;
    if (!session) throw new Error('Sign-in was cancelled.');
    return session;
  }

  async removeSession(sessionId: string): Promise<void> {
    await this.sessions.signOut(sessionId);
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
