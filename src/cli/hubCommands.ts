// `pangeo-compute hub …`: check, login, logout, servers, options, start, stop, share.
import { Command, CommandContext, CommandGroup, describeError, durationSeconds, EXIT, keyValues, optionalString, requireString, UsageError } from './command';
import { share } from './hubShareCommand';
import { cliSecretStore } from './cliSecrets';
import { LoginToken, LoginTokens } from './loginTokens';
import { isAuthError, isPangeoError } from '../core/http/errors';
import { loginForPages } from '../hubs/hubPageLogin';
import { insideHubFor, scopeError, shownServers } from './insideHubCli';
import { HUB_OPTIONS, hubFromContext, listServersOf, PAGE_LOGIN_OPTIONS, signInTarget, tokenUser } from './hubSession';
import { passwordSignIn } from '../hubs/signInMethods';
import { HubClient } from '../hubs/hubClient';
import { parseHubUrl } from '../hubs/hubUrl';
import { choiceFromPairs, toUserOptions, validateChoice } from '../hubs/optionsForm';
import { SpawnFailedError } from '../hubs/spawnProgress';
import { HubServer } from '../hubs/hubModels';
import { toPairsText } from '../hubs/rememberedOptions';

const check: Command = {
  summary: 'Detect the hub, print its version and the token\'s user',
  usage: '--url URL',
  options: HUB_OPTIONS,
  async run(ctx) {
    const hub = await hubFromContext(ctx, { needToken: false });
    const version = await hub.getVersion(ctx.signal);
    const hasToken = !!ctx.io.env.JUPYTERHUB_API_TOKEN || ctx.values['token-stdin'];
    const user = hasToken ? await hub.getCurrentUser(ctx.signal) : undefined;
    ctx.print(`JupyterHub ${version} at ${hub.base}${user ? `\nsigned in as ${user.name}${user.admin ? ' (admin)' : ''}` : '\nno token given: set JUPYTERHUB_API_TOKEN to check sign-in'}`,
      { url: hub.base, version, user: user?.name ?? null, admin: user?.admin ?? null });
  },
};

const login: Command = {
  summary: 'Print an API token for username + password (password read from stdin): reuses the valid one an earlier login made, else mints one (24 h unless --expires-in); `hub logout` revokes them',
  usage: '--url URL --username U [--expires-in SECONDS|30m|8h|7d] [--new-token] [--note TEXT]',
  options: { ...HUB_OPTIONS, username: { type: 'string' }, 'expires-in': { type: 'string' }, 'new-token': { type: 'boolean' }, note: { type: 'string' } },
  async run(ctx) {
    const base = parseHubUrl(requireString(ctx, 'url')).base;
    const timeoutMs = secondsOption(ctx, 'timeout');
    const hub = new HubClient(base, { logger: ctx.logger, timeoutMs: timeoutMs && timeoutMs * 1000 });
    const username = requireString(ctx, 'username');
    const lifetimeText = optionalString(ctx, 'expires-in');
    const lifetime = lifetimeText === undefined ? undefined : durationSeconds(lifetimeText, '--expires-in');
    const password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new UsageError('Pipe the password on stdin (it is never taken from argv).');
    await hub.getVersion(ctx.signal);
    const store = new LoginTokens(cliSecretStore(ctx.io.env));
    const logout = `\`pangeo-compute hub logout --url ${hub.base}\``;
    // A lifetime asked for, or --new-token, is a new token; otherwise a valid one we made before is enough.
    if (lifetime === undefined && !ctx.values['new-token']) {
      const kept = await reusableToken(ctx, hub, store, username, password);
      if (kept) {
        ctx.note(`reusing the token an earlier \`hub login\` made for ${kept.user} (${expiryText(kept.expiresAt)}); --new-token makes another, ${logout} revokes it.`);
        ctx.print(kept.token, { token: kept.token, id: kept.id, expires_at: kept.expiresAt ?? null, user: kept.user, reused: true });
        return;
      }
    }
    const seconds = lifetime ?? DEFAULT_LOGIN_SECONDS;
    const minted = await passwordSignIn.signIn(signInTarget(ctx, hub.base, timeoutMs && timeoutMs * 1000), {
      username, password, note: optionalString(ctx, 'note') ?? 'pangeo-compute CLI', lifetimeSeconds: seconds > 0 ? seconds : undefined, pageLogin: false,
    }, ctx.signal);
    const record = { id: minted.mintedTokenId!, token: minted.token, user: minted.user, expiresAt: minted.expiresAt?.toISOString() };
    await store.add(hub.base, record);
    ctx.note(`new token for ${record.user} (${expiryText(record.expiresAt)}${lifetime === undefined ? '; --expires-in sets another lifetime' : ''}); the next \`hub login\` reuses it, ${logout} revokes it.`);
    ctx.print(minted.token, { token: minted.token, id: record.id, expires_at: record.expiresAt ?? null, user: minted.user, reused: false });
  },
};

const DEFAULT_LOGIN_SECONDS = 86_400;
/** A kept token is reused only while it has at least this long to live. */
const REUSE_MIN_LEFT_MS = 3_600_000;

/**
 * The newest token we minted for `username` that the hub still takes (GET /hub/api/user) and that lives another hour,
 * once the password is proven by the hub's login form (which leaves no token behind). Expired or revoked ones are
 * forgotten on the way.
 */
async function reusableToken(ctx: CommandContext, hub: HubClient, store: LoginTokens, username: string, password: string): Promise<LoginToken | undefined> {
  const stale: string[] = [];
  let found: LoginToken | undefined;
  for (const kept of await store.list(hub.base, username)) {
    if (kept.expiresAt && Date.parse(kept.expiresAt) - Date.now() < REUSE_MIN_LEFT_MS) {
      if (Date.parse(kept.expiresAt) <= Date.now()) stale.push(kept.id);
      continue;
    }
    try {
      const user = await new HubClient(hub.base, { token: kept.token, logger: ctx.logger }).getCurrentUser(ctx.signal);
      if (user.name === username) {
        found = kept;
        break;
      }
    } catch (e) {
      if (!isAuthError(e)) throw e;
      stale.push(kept.id); // revoked on the hub (its Token page, or an admin)
    }
  }
  if (stale.length) await store.remove(hub.base, stale);
  if (!found) return undefined;
  try {
    await loginForPages(hub.http, username, password, ctx.signal);
  } catch (e) {
    if (isPangeoError(e, 'Unauthorized')) throw e; // the password is wrong: no token, kept or new
    ctx.logger.warn(`the hub's login form could not check the password (${describeError(e)}): minting a new token instead`);
    return undefined;
  }
  return found;
}

function expiryText(expiresAt: string | undefined): string {
  if (!expiresAt) return 'it does not expire';
  const hours = (Date.parse(expiresAt) - Date.now()) / 3_600_000;
  return `expires ${expiresAt.replace(/\.\d+Z$/, 'Z')}, in ${hours >= 1 ? `${Math.round(hours)} h` : `${Math.max(1, Math.round(hours * 60))} min`}`;
}

function secondsOption(ctx: CommandContext, name: string): number | undefined {
  const v = Number(optionalString(ctx, name));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

const logout: Command = {
  summary: 'Revoke the tokens `hub login` made for this hub (all of its users, or --username\'s) and forget them',
  usage: '--url URL [--username U]',
  options: { ...HUB_OPTIONS, username: { type: 'string' } },
  async run(ctx) {
    const base = parseHubUrl(requireString(ctx, 'url')).base;
    const store = new LoginTokens(cliSecretStore(ctx.io.env));
    const kept = await store.list(base, optionalString(ctx, 'username'));
    if (!kept.length) {
      ctx.print(`no token from \`hub login\` is kept for ${base}: nothing to revoke (tokens made on the hub's Token page are revoked there)`, { revoked: [] });
      return;
    }
    const timeoutMs = secondsOption(ctx, 'timeout');
    const revoked: Array<{ id: string; user: string; already_invalid: boolean }> = [];
    for (const t of kept) {
      // Each token revokes itself: no other credential is needed.
      const hub = new HubClient(base, { token: t.token, logger: ctx.logger, timeoutMs: timeoutMs && timeoutMs * 1000 });
      let alreadyInvalid = false;
      try {
        await hub.revokeToken(t.user, t.id, ctx.signal);
      } catch (e) {
        if (!isAuthError(e)) throw e; // the hub is down: keep it, to revoke it later
        alreadyInvalid = true; // expired or revoked on the hub already
      }
      await store.remove(base, [t.id]);
      revoked.push({ id: t.id, user: t.user, already_invalid: alreadyInvalid });
    }
    const users = [...new Set(revoked.map((r) => r.user))].join(', ');
    ctx.print(`revoked ${revoked.length} token${revoked.length === 1 ? '' : 's'} of ${users} at ${base}`, { revoked });
  },
};

function describeServer(s: HubServer): string {
  const name = s.name || '(default)';
  const profile = typeof s.userOptions.profile === 'string' ? ` profile=${s.userOptions.profile}` : '';
  const activity = s.lastActivity ? ` last activity ${s.lastActivity.toISOString()}` : '';
  const here = 'thisServer' in s ? ' (this server)' : '';
  return `${name.padEnd(16)} ${s.state.padEnd(9)}${s.url ? ` ${s.url}` : ''}${profile}${activity}${here}`;
}

function serverJson(s: HubServer & { thisServer?: true }) {
  return { name: s.name, state: s.state, url: s.url ?? null, ...(s.thisServer ? { this_server: true } : {}), user_options: s.userOptions, started: s.started?.toISOString() ?? null,
    last_activity: s.lastActivity?.toISOString() ?? null };
}

const servers: Command = {
  summary: 'List the token user\'s servers (default and named) with their state',
  usage: '--url URL',
  options: HUB_OPTIONS,
  async run(ctx) {
    const hub = await hubFromContext(ctx);
    const me = await tokenUser(hub, ctx);
    const list = shownServers(ctx, await listServersOf(ctx, hub, me.name));
    ctx.print(list.map(describeServer).join('\n'), { user: me.name, servers: list.map(serverJson) });
  },
};

const options: Command = {
  summary: 'Show the hub\'s spawn options (profiles and fields); the form page needs a password login (stdin). A hub without a form starts the server when asked, as JupyterHub does',
  usage: '--url URL --username U --password-stdin [--server NAME]   (JUPYTERHUB_API_TOKEN optional: the password is enough)',
  options: { ...HUB_OPTIONS, ...PAGE_LOGIN_OPTIONS, server: { type: 'string' } },
  async run(ctx) {
    const hub = await hubFromContext(ctx);
    const me = await tokenUser(hub, ctx);
    const result = await hub.getOptionsForm(me.name, optionalString(ctx, 'server') ?? '', ctx.signal);
    if (result.kind === 'login-required') {
      throw new UsageError('The hub shows its options form only to a browser login: pass --username U --password-stdin (password on stdin). On OAuth hubs, copy the options from the spawn page and use `hub start --option key=value`.');
    }
    if (result.kind !== 'form') {
      const why = result.kind === 'running' ? 'the server is running: stop it to see the form' : 'this hub has no options form (the hub started the server with its defaults)';
      ctx.print(why, { form: null, reason: result.kind });
      return;
    }
    const { form } = result;
    const lines: string[] = [];
    for (const p of form.profiles) {
      lines.push(`profile ${p.slug}${p.isDefault ? ' (default)' : ''}: ${p.displayName}${p.description ? ` — ${p.description}` : ''}`);
      for (const o of p.options) {
        lines.push(`  ${o.key}: ${o.choices.map((c) => `${c.value}${c.isDefault ? '*' : ''}`).join(', ')}${o.unlistedChoice ? ' (or free text via --option ' + o.key + '--unlisted-choice=…)' : ''}`);
      }
    }
    for (const f of form.fields.filter((x) => x.type !== 'hidden')) {
      const choices = f.choices.length ? `: ${f.choices.map((c) => `${c.value}${c.isDefault ? '*' : ''}`).join(', ')}` : '';
      lines.push(`${f.name} (${f.type}${f.defaultValue ? `, default ${f.defaultValue}` : ''})${choices}`);
    }
    ctx.print(lines.join('\n') || 'the form has no fields', { form });
  },
};

const start: Command = {
  summary: 'Start the default or a named server with options (without --option: the options it last ran with); prints progress; exit 0 when ready, 1 on spawn failure',
  usage: '--url URL [--server NAME] [--option key=value]... [--default-options] [--spawn-timeout SECONDS] [--username U --password-stdin]',
  options: {
    ...HUB_OPTIONS, ...PAGE_LOGIN_OPTIONS, server: { type: 'string' }, option: { type: 'string', multiple: true }, 'default-options': { type: 'boolean' },
    'spawn-timeout': { type: 'string' },
  },
  async run(ctx) {
    // A token minted from the password must outlive the spawn it waits for.
    const hub = await hubFromContext(ctx, { tokenSeconds: Number(optionalString(ctx, 'spawn-timeout') ?? 600) + 300 });
    const me = await tokenUser(hub, ctx);
    const serverName = optionalString(ctx, 'server') ?? '';
    const pairs = keyValues(ctx, 'option');
    let userOptions: Record<string, unknown> = {};
    const current = await hub.getServer(me.name, serverName, ctx.signal);
    if (current.state === 'ready') {
      ctx.print(`already running: ${current.url}`, { ...serverJson(current), already_running: true });
      return;
    }
    if (Object.keys(pairs).length && current.state === 'stopped') {
      // Validate against the hub's own form so a typo fails before anything starts.
      const formResult = await hub.getOptionsForm(me.name, serverName, ctx.signal);
      if (formResult.kind === 'form') {
        const choice = choiceFromPairs(formResult.form, pairs);
        const problems = validateChoice(formResult.form, choice);
        if (problems.length) throw new UsageError(problems.join('\n'));
        userOptions = toUserOptions(formResult.form, choice);
      } else if (formResult.kind === 'login-required') {
        // Without the form the options go as given (the hub or its spawner validates them).
        ctx.note('note: options sent unchecked (add --username U --password-stdin to check them against the hub\'s form)');
        userOptions = pairs;
      } else {
        ctx.note('the hub has no options form: the server starts with its defaults');
      }
    } else if (!Object.keys(pairs).length && !ctx.values['default-options'] && Object.keys(current.userOptions).length) {
      // The hub keeps each server's last user_options (also from its web page): restart it as it was.
      userOptions = current.userOptions;
      ctx.note(`starting ${serverName || '(default)'} with its last options: ${toPairsText(userOptions)} (--default-options starts it with the hub's defaults)`);
    }
    const timeoutSec = Number(optionalString(ctx, 'spawn-timeout') ?? 600);
    try {
      const server = await hub.startAndWait(me.name, serverName, userOptions, {
        timeoutMs: timeoutSec * 1000, signal: ctx.signal,
        onProgress: (e) => {
          if (ctx.json) ctx.printJsonLine('stderr', { progress: e.progress, message: e.message });
          else ctx.note(`[${String(e.progress).padStart(3)}%] ${e.message}`);
        },
      });
      ctx.print(`ready: ${server.url}`, serverJson(server));
    } catch (e) {
      if (e instanceof SpawnFailedError) {
        ctx.io.stderr(`error: ${e.userMessage}\n`);
        if (ctx.json) ctx.printJsonLine('stdout', { error: e.message, kind: 'SpawnFailed' });
        return EXIT.failure;
      }
      throw e;
    }
  },
};

const stop: Command = {
  summary: 'Stop the default or a named server and wait until it is stopped',
  usage: '--url URL [--server NAME]',
  options: { ...HUB_OPTIONS, server: { type: 'string' } },
  async run(ctx) {
    const hub = await hubFromContext(ctx);
    const me = await tokenUser(hub, ctx);
    const serverName = optionalString(ctx, 'server') ?? '';
    const result = await hub.stopServer(me.name, serverName, ctx.signal).catch((e: unknown) => {
      throw scopeError(e, insideHubFor(ctx), 'stopping a server', `delete:servers!user=${me.name}`);
    });
    if (result === 'stopping') {
      ctx.note('stopping…');
      await hub.waitForStop(me.name, serverName, 300_000, ctx.signal);
    }
    ctx.print(`stopped ${serverName || '(default)'}`, { name: serverName, state: 'stopped' });
  },
};

export const hubCommands: CommandGroup = {
  name: 'hub',
  summary: 'JupyterHub: sign-in, servers, options, progress, sharing',
  commands: { check, login, logout, servers, options, start, stop, share },
};

