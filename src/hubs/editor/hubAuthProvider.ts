// JupyterHub sign-in as a VS Code AuthenticationProvider: one session per signed-in hub, shown in the Accounts menu.
import type * as vscode from 'vscode';
import { HubRecord, HubSessions } from '../hubSessions';
import { Disposable } from '../../core/lifecycle';

export const AUTH_PROVIDER_ID = 'pangeo-jupyterhub';

/** The Accounts menu lists accounts by label and signs out of the sessions whose label matches: one spelling everywhere. */
export function hubAccount(record: Pick<HubRecord, 'base' | 'label'> & { user: string }): vscode.AuthenticationSessionAccountInformation {
  return { id: `${record.user}@${record.base}`, label: `${record.user} @ ${record.label}` };
}

interface KnownSession {
  account: vscode.AuthenticationSessionAccountInformation;
  /** Changes when the token changes (renewal, another sign-in). */
  version: string;
}

export class HubAuthProvider extends Disposable implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter: vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;
  readonly onDidChangeSessions: vscode.Event<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>;
  private known = new Map<string, KnownSession>();

  constructor(
    vs: typeof vscode,
    private readonly sessions: HubSessions,
    /** Runs the interactive sign-in for a hub base (or asks for a hub when none is given). */
    private readonly signIn: (base?: string) => Promise<string | undefined>,
    /** The same sign-out as the Hubs tree's (ends kernels, revokes our token); the default only forgets the session. */
    private readonly signOut: (base: string) => Promise<unknown> = (base) => sessions.signOut(base),
  ) {
    super();
    this.emitter = this._register(new vs.EventEmitter());
    this.onDidChangeSessions = this.emitter.event;
    this.known = this.snapshot();
    this._register(sessions.onDidChange(() => this.diff()));
  }

  private snapshot(): Map<string, KnownSession> {
    const out = new Map<string, KnownSession>();
    for (const h of this.sessions.hubs()) {
      if (h.user) out.set(h.base, { account: hubAccount({ ...h, user: h.user }), version: `${h.user}|${h.mintedTokenId ?? ''}|${h.expiresAt ?? ''}` });
    }
    return out;
  }

  /** Change events carry the accounts getSessions returns (the Accounts menu is built from them); tokens are left out. */
  private diff(): void {
    const now = this.snapshot();
    const session = (id: string, k: KnownSession): vscode.AuthenticationSession => ({ id, accessToken: '', account: k.account, scopes: [id] });
    const added = [...now].filter(([id]) => !this.known.has(id)).map(([id, k]) => session(id, k));
    const removed = [...this.known].filter(([id]) => !now.has(id)).map(([id, k]) => session(id, k));
    const changed: vscode.AuthenticationSession[] = [];
    for (const [id, k] of now) {
      const before = this.known.get(id);
      if (!before || before.version === k.version) continue;
      // Another user on the same hub is another account: the old one leaves the menu.
      if (before.account.id !== k.account.id) {
        removed.push(session(id, before));
        added.push(session(id, k));
      } else changed.push(session(id, k));
    }
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
      out.push({ id: h.base, accessToken: token, account: hubAccount({ ...h, user: h.user }), scopes: [h.base] });
    }
    return out;
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const base = await this.signIn(scopes[0]);
    const session = base ? (await this.getSessions([base]))[0] : undefined;
    if (!session) throw new Error('Sign-in was cancelled.');
    return session;
  }

  /** Accounts menu → Sign Out: the session id is the hub base. */
  async removeSession(sessionId: string): Promise<void> {
    await this.signOut(sessionId);
  }
}
