// A CONTRACT test server for JupyterHub 5's sharing REST API, written from its published documentation:
//   - docs/source/reference/sharing.md ("Sharing access to user servers": shares, share codes, the models)
//   - docs/source/_static/rest-api.yml (/shares/{owner}/{server_name}, /share-codes/{owner}/{server_name},
//     the Share, ShareCode and PaginatedList schemas), and docs/source/rbac/scopes.md (the `shares` scope family)
// as JupyterHub 5.5.1 serves them (checked by hand against it: see the sharing section of the README). It answers
// `GET hub/api` (version), `GET hub/api/user` (the token's owner with its scopes), `GET hub/api/users/{name}` (no scopes) and the sharing calls, checks scopes
// the way the hub does (403 "requires any of [...]" without the scope, 404 when a filtered scope does not cover the
// server), pages lists, and keeps JupyterHub's limits (a share names exactly one user or group; a code lives 60 s to
// one year). The older hub answers 404 to all sharing paths, as JupyterHub 4 does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface SharingHubUser {
  servers: string[];
  groups?: string[];
}

export interface SharingHubOptions {
  version?: string;
  /** The hub's base_url, with slashes on both ends. */
  baseUrl?: string;
  users?: Record<string, SharingHubUser>;
  groups?: string[];
  /** API tokens: whose they are and their (expanded) scopes, as `GET /hub/api/user` lists them. */
  tokens?: Record<string, { user: string; scopes: string[] }>;
  /** JupyterHub.public_url: when set, new codes carry `full_accept_url`. */
  publicUrl?: string;
  /** The hub's api_page_max_limit (small values make lists span pages). */
  pageLimit?: number;
  now?: () => number;
  /** A misbehaving hub's accept_url for a new code (tests of what the client refuses). */
  acceptUrlOf?: (code: string) => string;
}

interface Share { owner: string; server: string; kind: 'user' | 'group'; name: string; scopes: string[]; created: number }
interface Code { id: number; owner: string; server: string; code: string; scopes: string[]; created: number; expires: number; exchanges: number }

export interface SharingHub {
  url: string;
  base: string;
  shares: Share[];
  codes: Code[];
  /** Every request as "METHOD path?query", to check what the client sent. */
  requests: string[];
  /** Bodies of the requests, by the same index as `requests` (undefined when none). */
  bodies: unknown[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Scopes that grant `name` (the hub expands `shares` into its subscopes). */
const GRANTED_BY: Record<string, string[]> = {
  shares: ['shares'], 'read:shares': ['read:shares', 'shares'], 'access:servers': ['access:servers', 'shares'],
  'read:users:name': ['read:users:name', 'read:users', 'list:users', 'read:servers'], 'read:servers': ['read:servers', 'servers', 'admin:servers'], 'read:groups:name': ['read:groups:name', 'read:groups', 'list:groups'],
};

export async function startSharingHub(opts: SharingHubOptions = {}): Promise<SharingHub> {
  const version = opts.version ?? '5.5.1';
  const baseUrl = opts.baseUrl ?? '/jhub/';
  const users = opts.users ?? { alice: { servers: ['', 'gpu'] }, bob: { servers: [''] } };
  const groups = new Set(opts.groups ?? ['course']);
  const tokens = opts.tokens ?? {};
  const pageLimit = opts.pageLimit ?? 200;
  const now = opts.now ?? (() => Date.now());
  const shares: Share[] = [];
  const codes: Code[] = [];
  const requests: string[] = [];
  const bodies: unknown[] = [];
  let nextCodeId = 1;
  const api = `${baseUrl}hub/api`;

  const iso = (ms: number) => new Date(ms).toISOString();
  const serverModel = (owner: string, server: string) => ({ user: { name: owner }, name: server, url: `${baseUrl}user/${owner}/${server}`, ready: false });
  const shareModel = (s: Share) => ({
    server: serverModel(s.owner, s.server), scopes: s.scopes, user: s.kind === 'user' ? { name: s.name } : null,
    group: s.kind === 'group' ? { name: s.name } : null, kind: s.kind, created_at: iso(s.created),
  });
  const codeModel = (c: Code) => ({
    server: serverModel(c.owner, c.server), scopes: c.scopes, id: `sc_${c.id}`, created_at: iso(c.created),
    expires_at: iso(c.expires), exchange_count: c.exchanges, last_exchanged_at: null,
  });

  /** Does the token hold `scope` on `filter` (server=owner/name, user=name or group=name)? */
  const holds = (scopes: string[], scope: string, filter?: string): boolean => scopes.some((s) => {
    const [name, f] = s.split('!', 2) as [string, string | undefined];
    if (!(GRANTED_BY[scope] ?? [scope]).includes(name)) return false;
    if (!f || !filter) return !f;
    if (f === filter) return true;
    return f.startsWith('user=') && filter.startsWith('server=') && filter.slice('server='.length).split('/')[0] === f.slice('user='.length);
  });

  /** JupyterHub's needs_scope: 404 when a filtered scope of that name exists but does not cover it, else 403. */
  const need = (scopes: string[], scope: string, filter: string) => {
    if (holds(scopes, scope, filter)) return;
    if (scopes.some((s) => (GRANTED_BY[scope] ?? [scope]).includes(s.split('!')[0]!))) throw new HttpError(404, 'No access to resources or resources not found');
    throw new HttpError(403, `Action is not authorized with current scopes; requires any of [${scope}]`);
  };

  const spawner = (owner: string, server: string) => {
    if (!users[owner]?.servers.includes(server)) throw new HttpError(404, `No such server: ${owner}/${server}`);
  };

  /** Every scope a share or code grants must be filtered to this server (Share._apply_filter). */
  const filtered = (scopes: unknown, owner: string, server: string): string[] => {
    if (scopes !== undefined && scopes !== null && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) throw new HttpError(400, 'scopes must be a list of strings');
    const list = (scopes)?.length ? (scopes) : [`access:servers!server=${owner}/${server}`];
    for (const s of list) {
      const f = s.split('!', 2)[1];
      if (f && f !== `server=${owner}/${server}`) throw new HttpError(400, `Cannot apply filter server=${owner}/${server} to scope ${s}`);
    }
    return list.map((s) => (s.includes('!') ? s : `${s}!server=${owner}/${server}`));
  };

  const onlyKeys = (body: Record<string, unknown>, allowed: string[]) => {
    const extra = Object.keys(body).filter((k) => !allowed.includes(k));
    if (extra.length) throw new HttpError(400, `1 validation error: Extra inputs are not permitted [${extra.join(', ')}]`);
  };

  const page = (url: URL, items: unknown[], total: number, offset: number, limit: number) => {
    const nextOffset = offset + limit;
    let next: unknown = null;
    if (nextOffset < total) {
      const u = new URL(url);
      u.searchParams.set('offset', String(nextOffset));
      u.searchParams.set('limit', String(limit));
      next = { offset: nextOffset, limit, url: u.toString() };
    }
    return { items, _pagination: { offset, limit, total, next } };
  };

  const pagination = (url: URL) => {
    const offset = Math.abs(Number.parseInt(url.searchParams.get('offset') ?? '0', 10));
    const limit = Math.min(pageLimit, Math.max(1, Math.abs(Number.parseInt(url.searchParams.get('limit') ?? String(pageLimit), 10))));
    if (!Number.isFinite(offset) || !Number.isFinite(limit)) throw new HttpError(400, 'Invalid argument type, offset and limit must be integers');
    return { offset, limit };
  };

  async function handle(req: IncomingMessage, url: URL, body: unknown): Promise<{ status: number; json?: unknown }> {
    const path = url.pathname;
    if (path === api || path === `${api}/`) return { status: 200, json: { version } };
    if (!path.startsWith(`${api}/`)) throw new HttpError(404, 'Not Found');
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const who = auth ? tokens[auth] : undefined;
    if (!who) throw new HttpError(403, 'Missing or invalid credentials.');
    const rest = path.slice(api.length + 1).split('/').map(decodeURIComponent);
    const method = req.method ?? 'GET';

    const userModel = (name: string) => {
      const u = users[name]!;
      return { kind: 'user', name, admin: false, groups: u.groups ?? [], servers: Object.fromEntries(u.servers.map((s) => [s, { name: s, ready: false, pending: null, url: `${baseUrl}user/${name}/${s}`, user_options: {} }])) };
    };
    if (rest.length === 1 && rest[0] === 'user' && method === 'GET') return { status: 200, json: { ...userModel(who.user), scopes: who.scopes } };
    // `GET /users/{name}` (how the Hubs view lists servers): the user model without `scopes`, which only /user carries.
    if (rest.length === 2 && rest[0] === 'users' && method === 'GET') {
      if (!users[rest[1]!]) throw new HttpError(404, 'Not Found');
      need(who.scopes, 'read:servers', `user=${rest[1]!}`);
      return { status: 200, json: userModel(rest[1]!) };
    }
    // JupyterHub 4 has no sharing routes at all.
    if (Number.parseInt(version, 10) < 5) throw new HttpError(404, 'Not Found');
    const [kind, owner, server] = rest as [string, string | undefined, string | undefined];
    if ((kind !== 'shares' && kind !== 'share-codes') || owner === undefined || rest.length > 3) throw new HttpError(404, 'Not Found');
    if (server === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'Method Not Allowed');
      throw new HttpError(501, 'the contract server lists shares per server only');
    }
    const filter = `server=${owner}/${server}`;
    const b = (body ?? {}) as Record<string, unknown>;

    if (kind === 'shares') {
      if (method === 'GET') {
        need(who.scopes, 'read:shares', filter);
        spawner(owner, server);
        const { offset, limit } = pagination(url);
        const all = shares.filter((s) => s.owner === owner && s.server === server);
        return { status: 200, json: page(url, all.slice(offset, offset + limit).map(shareModel), all.length, offset, limit) };
      }
      need(who.scopes, 'shares', filter);
      if (method === 'DELETE') {
        spawner(owner, server);
        for (let i = shares.length - 1; i >= 0; i--) if (shares[i]!.owner === owner && shares[i]!.server === server) shares.splice(i, 1);
        return { status: 204 };
      }
      if (method !== 'POST' && method !== 'PATCH') throw new HttpError(405, 'Method Not Allowed');
      onlyKeys(b, ['scopes', 'user', 'group']);
      if (b.user && b.group) throw new HttpError(400, 'Expected exactly one of `user` or `group`, not both.');
      if ((b.user ?? null) === null && (b.group ?? null) === null) throw new HttpError(400, 'Specify exactly one of `user` or `group`');
      const targetKind: 'user' | 'group' = b.user ? 'user' : 'group';
      const name = String(b.user ?? b.group);
      if (method === 'POST') {
        const scopes = filtered(b.scopes, owner, server);
        spawner(owner, server);
        for (const s of scopes) if (!holds(who.scopes, s.split('!')[0]!, filter)) throw new HttpError(403, `Do not have permission to grant share with scope ${s}`);
        if (!holds(who.scopes, `read:${targetKind}s:name`, `${targetKind}=${name}`)) throw new HttpError(403, `Need scope 'read:${targetKind}s:name' to share with ${targetKind}s by name`);
        if (targetKind === 'user' ? !users[name] : !groups.has(name)) throw new HttpError(400, `No such ${targetKind}: ${name}`);
        let share = shares.find((s) => s.owner === owner && s.server === server && s.kind === targetKind && s.name === name);
        if (share) share.scopes = [...new Set([...share.scopes, ...scopes])];
        else shares.push(share = { owner, server, kind: targetKind, name, scopes, created: now() });
        return { status: 200, json: shareModel(share) };
      }
      spawner(owner, server);
      const i = shares.findIndex((s) => s.owner === owner && s.server === server && s.kind === targetKind && s.name === name);
      if (i < 0) return { status: 200, json: {} };
      const revoke = Array.isArray(b.scopes) && b.scopes.length ? (b.scopes as string[]) : undefined;
      const share = shares[i]!;
      share.scopes = revoke ? share.scopes.filter((s) => !revoke.includes(s)) : [];
      if (share.scopes.length) return { status: 200, json: shareModel(share) };
      shares.splice(i, 1);
      return { status: 200, json: {} };
    }

    // share-codes
    if (method === 'GET') {
      need(who.scopes, 'read:shares', filter);
      spawner(owner, server);
      const { offset, limit } = pagination(url);
      const all = codes.filter((c) => c.owner === owner && c.server === server);
      // Expired codes are counted but not listed, as the hub does.
      return { status: 200, json: page(url, all.slice(offset, offset + limit).filter((c) => c.expires > now()).map(codeModel), all.length, offset, limit) };
    }
    need(who.scopes, 'shares', filter);
    if (method === 'POST') {
      onlyKeys(b, ['scopes', 'expires_in']);
      const expiresIn = b.expires_in ?? 86400;
      if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 60 || expiresIn > 525600 * 60) {
        throw new HttpError(400, '1 validation error for ShareCodeGrantRequest\nexpires_in\n  Input should be greater than or equal to 60 and less than or equal to 31536000');
      }
      const scopes = filtered(b.scopes, owner, server);
      for (const s of scopes) if (!holds(who.scopes, s.split('!')[0]!, filter)) throw new HttpError(403, `Do not have permission to grant share with scope ${s}`);
      spawner(owner, server);
      const code: Code = { id: nextCodeId++, owner, server, code: randomBytes(24).toString('base64url'), scopes, created: now(), expires: now() + expiresIn * 1000, exchanges: 0 };
      codes.push(code);
      const acceptUrl = opts.acceptUrlOf?.(code.code) ?? `${baseUrl}hub/accept-share?code=${encodeURIComponent(code.code)}`;
      return { status: 200, json: { ...codeModel(code), code: code.code, accept_url: acceptUrl, full_accept_url: opts.publicUrl ? new URL(acceptUrl, opts.publicUrl).toString() : null } };
    }
    if (method === 'DELETE') {
      spawner(owner, server);
      const byCode = url.searchParams.get('code');
      const byId = url.searchParams.get('id');
      const mine = (c: Code) => c.owner === owner && c.server === server;
      if (byCode || byId) {
        const i = codes.findIndex((c) => mine(c) && (byCode ? c.code === byCode : `sc_${c.id}` === byId));
        if (i < 0) throw new HttpError(404, byCode ? 'No matching code found' : `No code found matching id=${byId}`);
        codes.splice(i, 1);
      } else for (let i = codes.length - 1; i >= 0; i--) if (mine(codes[i]!)) codes.splice(i, 1);
      return { status: 204 };
    }
    throw new HttpError(405, 'Method Not Allowed');
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, json === undefined ? {} : { 'Content-Type': 'application/json' });
        res.end(json === undefined ? undefined : JSON.stringify(json));
      };
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        bodies.push(undefined);
        send(400, { status: 400, message: 'Invalid JSON in body of request' });
        return;
      }
      bodies.push(body);
      handle(req, url, body).then(({ status, json }) => send(status, json), (e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        send(status, { status, message: e instanceof Error ? e.message : String(e) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url, base: `${url}${baseUrl}`, shares, codes, requests, bodies,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
