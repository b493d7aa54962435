// The tokens `hub login` minted, kept in the CLI's secret store per hub, so the next login reuses a valid one instead
// of leaving another on the hub, and `hub logout` can revoke them.
import type { SecretStore } from '../core/keyValueStore';
import { registerSecret } from '../core/http/redact';

export interface LoginToken {
  /** The hub's id for the token (to revoke it). */
  id: string;
  token: string;
  user: string;
  /** ISO time; absent when the token never expires. */
  expiresAt?: string;
}

const keyOf = (base: string) => `hub-login-tokens ${base}`;

export class LoginTokens {
  constructor(private readonly secrets: SecretStore) {}

  /** The hub's tokens we minted, newest expiry first, `user`'s only when given. */
  async list(base: string, user?: string): Promise<LoginToken[]> {
    const all = await this.read(base);
    const expiry = (t: LoginToken) => (t.expiresAt ? Date.parse(t.expiresAt) : Infinity);
    return all.filter((t) => user === undefined || t.user === user).sort((a, b) => expiry(b) - expiry(a));
  }

  async add(base: string, token: LoginToken): Promise<void> {
    await this.write(base, [...(await this.read(base)).filter((t) => t.id !== token.id), token]);
  }

  async remove(base: string, ids: string[]): Promise<void> {
    await this.write(base, (await this.read(base)).filter((t) => !ids.includes(t.id)));
  }

  private async read(base: string): Promise<LoginToken[]> {
    const text = await this.secrets.get(keyOf(base));
    if (!text) return [];
    try {
      const parsed = JSON.parse(text) as unknown;
      const list = Array.isArray(parsed) ? parsed.filter(isLoginToken) : [];
      for (const t of list) registerSecret(t.token);
      return list;
    } catch {
      return [];
    }
  }

  private async write(base: string, list: LoginToken[]): Promise<void> {
    if (list.length) await this.secrets.store(keyOf(base), JSON.stringify(list));
    else await this.secrets.delete(keyOf(base));
  }
}

function isLoginToken(v: unknown): v is LoginToken {
  const t = v as Partial<LoginToken> | null;
  return !!t && typeof t.id === 'string' && typeof t.token === 'string' && typeof t.user === 'string' &&
    (t.expiresAt === undefined || typeof t.expiresAt === 'string');
}
