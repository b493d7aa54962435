// How CLI commands get a hub client: URL from --url, token from JUPYTERHUB_API_TOKEN or --token-stdin (never argv).
import { CommandContext, describeError, optionalString, OptionSpec, requireString, UsageError } from './command';
import { JupyterServerClient } from '../jupyterServer/jupyterServerClient';
import { HubClient } from '../hubs/hubClient';
import { parseHubUrl } from '../hubs/hubUrl';
import { forgetSecret, registerSecret } from '../core/http/redact';
import { PangeoError } from '../core/http/errors';
import { HubServer, HubUser } from '../hubs/hubModels';
import { loginForPages } from '../hubs/hubPageLogin';
import { passwordSignIn, type SignInTarget } from '../hubs/signInMethods';
import { insideHubClient, insideHubFor, insideServers } from './insideHubCli';

export const HUB_OPTIONS: OptionSpec = {
  url: { type: 'string' },
  'token-stdin': { type: 'boolean' },
  timeout: { type: 'string' },
};

export async function readToken(ctx: CommandContext, required = true): Promise<string | undefined> {
  let token: string | undefined;
  if (ctx.values['token-stdin']) token = (await ctx.io.readStdin()).trim();
  else token = ctx.io.env.JUPYTERHUB_API_TOKEN?.trim();
  if (!token && required) {
    throw new UsageError('No token: set JUPYTERHUB_API_TOKEN or pipe it with --token-stdin (tokens are never taken from argv).');
  }
  registerSecret(token);
  return token || undefined;
}

/**
 * The hub client for a command. With `--username U --password-stdin` (commands that read the options form) it also
 * logs in to the hub's pages, and when no token was given it mints one that lives `tokenSeconds` and is revoked when
 * the command ends: a password is enough.
 */
export async function hubFromContext(ctx: CommandContext, opts: { needToken?: boolean; tokenSeconds?: number } = {}): Promise<HubClient> {
  const inside = ctx.values['token-stdin'] || ctx.values['password-stdin'] ? undefined : insideHubFor(ctx);
  // Inside a hub server without --url: that hub's API, with the server's own token.
  if (inside) return insideHubClient(ctx, inside, timeoutOf(ctx));
  const parsed = parseHubUrl(requireString(ctx, 'url'));
  if (ctx.values['token-stdin'] && ctx.values['password-stdin']) throw new UsageError('Use either --token-stdin or --password-stdin, not both.');
  let token = await readToken(ctx, (opts.needToken ?? true) && !ctx.values['password-stdin']);
  if (parsed.insecure) ctx.note(`warning: ${parsed.base} uses plain http: the token travels unencrypted.`);
  const timeoutMs = timeoutOf(ctx);
  let cookie: string | undefined;
  const client: HubClient = new HubClient(parsed.base, {
    token: () => token, logger: ctx.logger, timeoutMs, pageCookie: () => cookie,
  });
  // First, that a hub answers here: a wrong prefix is then "no hub at …; did you mean …?", not a 404 of some call.
  await client.getVersion(ctx.signal);
  // The options form lives on an HTML page that refuses API tokens: a password login (stdin) opens it.
  if (ctx.values['password-stdin']) {
    const username = typeof ctx.values.username === 'string' ? ctx.values.username : undefined;
    if (!username) throw new UsageError('--password-stdin needs --username.');
    const password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new UsageError('Pipe the password on stdin (it is never taken from argv).');
    try {
      cookie = await loginForPages(client.http, username, password, ctx.signal);
      if (!token) token = await temporaryToken(ctx, signInTarget(ctx, client.base, timeoutMs), username, password, opts.tokenSeconds ?? 300);
    } finally {
      forgetSecret(password);
    }
  }
  return client;
}

function timeoutOf(ctx: CommandContext): number | undefined {
  const timeout = typeof ctx.values.timeout === 'string' ? Number(ctx.values.timeout) * 1000 : undefined;
  return timeout && timeout > 0 ? timeout : undefined;
}

/** The token user's servers; inside a hub server, as far as the server token's scopes allow (missing ones noted on stderr). */
export async function listServersOf(ctx: CommandContext, hub: HubClient, user: string): Promise<HubServer[]> {
  const inside = insideHubFor(ctx);
  return inside && inside.apiBase === hub.base ? insideServers(ctx, hub, inside) : hub.listServers(user, ctx.signal);
}

/** The hub as a sign-in method sees it: clients with the command's timeout and logger. */
export function signInTarget(ctx: CommandContext, base: string, timeoutMs?: number): SignInTarget {
  return { base, logger: ctx.logger, client: (token) => new HubClient(base, { token, logger: ctx.logger, timeoutMs }) };
}

/** Mints a short-lived token from the password (the page login is already done) and revokes it when the command ends. */
async function temporaryToken(ctx: CommandContext, hub: SignInTarget, username: string, password: string, seconds: number): Promise<string> {
  const minted = await passwordSignIn.signIn(hub, { username, password, lifetimeSeconds: seconds, note: 'pangeo-compute CLI (temporary)', pageLogin: false }, ctx.signal);
  ctx.atExit(() => hub.client(minted.token).revokeToken(minted.user, minted.mintedTokenId!).catch((e: unknown) => {
    ctx.note(`warning: could not revoke the temporary token (it expires in ${Math.ceil(seconds / 60)} min): ${describeError(e)}`);
  }));
  return minted.token;
}

/** Options for commands that read the options form: the page login. */
export const PAGE_LOGIN_OPTIONS: OptionSpec = {
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
};

/** The token's user, which must be a person (a service token has no servers). */
export async function tokenUser(hub: HubClient, ctx: CommandContext): Promise<HubUser> {
  const user = await hub.getCurrentUser(ctx.signal);
  if (user.isService) throw new UsageError('This token belongs to a service, not a user: use a user token.');
  return user;
}

/** The Jupyter server client of the `--server` (default: the default server) of the token's user; refuses a server that is not ready. */
export async function readyServerClient(ctx: CommandContext): Promise<JupyterServerClient> {
  const hub = await hubFromContext(ctx);
  const inside = insideHubFor(ctx);
  const serverName = optionalString(ctx, 'server') ?? inside?.serverName ?? '';
  // This server, from inside it: its local address, no hub call (the server token may not read server models).
  if (inside && serverName === inside.serverName) return new JupyterServerClient(inside.localServerUrl, hub.http);
  const me = await tokenUser(hub, ctx);
  const server = inside
    ? (await listServersOf(ctx, hub, me.name)).find((s) => s.name === serverName) ?? { name: serverName, state: 'stopped', userOptions: {} }
    : await hub.getServer(me.name, serverName, ctx.signal);
  if (server.state !== 'ready' || !server.url) throw new ServerNotReadyError(hub.base, serverName, server.state);
  return new JupyterServerClient(server.url, hub.http);
}

/** The command needs a running server and this one is not: nothing answers there (exit 4), and no usage text. */
export class ServerNotReadyError extends PangeoError {
  constructor(base: string, serverName: string, state: string) {
    const start = `pangeo-compute hub start --url ${base}${serverName ? ` --server ${serverName}` : ''}`;
    const name = serverName || '(default)';
    super('Unreachable', state === 'pending'
      ? `The server ${name} is starting: \`${start}\` follows its progress.`
      : `The server ${name} is ${state}: start it with \`${start}\` first.`, '', { url: base });
  }
}
