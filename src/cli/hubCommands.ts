// `pangeo-compute hub …`: check, login, servers, options, start, stop.
import { Command, CommandGroup, EXIT, keyValues, optionalString, requireString, UsageError } from './command';
import { HUB_OPTIONS, hubFromContext, PAGE_LOGIN_OPTIONS, signInTarget, tokenUser } from './hubSession';
import { passwordSignIn } from '../hubs/signInMethods';
import { HubClient } from '../hubs/hubClient';
import { parseHubUrl } from '../hubs/hubUrl';
import { choiceFromPairs, toUserOptions, validateChoice } from '../hubs/optionsForm';
import { SpawnFailedError } from '../hubs/spawnProgress';
import { HubServer } from '../hubs/hubModels';

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
  summary: 'Mint an API token from username + password (password read from stdin), print it',
  usage: '--url URL --username U [--expires-in SECONDS] [--note TEXT]',
  options: { ...HUB_OPTIONS, username: { type: 'string' }, 'expires-in': { type: 'string' }, note: { type: 'string' } },
  async run(ctx) {
    const hub = new HubClient(parseHubUrl(requireString(ctx, 'url')).base, { logger: ctx.logger });
    const username = requireString(ctx, 'username');
    const password = (await ctx.io.readStdin()).replace(/\r?\n$/, '');
    if (!password) throw new UsageError('Pipe the password on stdin (it is never taken from argv).');
    await hub.getVersion(ctx.signal);
    const expires = Number(optionalString(ctx, 'expires-in') ?? 86_400);
    const minted = await passwordSignIn.signIn(signInTarget(ctx, hub.base), {
      username, password, note: optionalString(ctx, 'note') ?? 'pangeo-compute CLI', lifetimeSeconds: expires > 0 ? expires : undefined, pageLogin: false,
    }, ctx.signal);
    ctx.print(minted.token, { token: minted.token, id: minted.mintedTokenId, expires_at: minted.expiresAt?.toISOString() ?? null, user: minted.user });
  },
};

function describeServer(s: HubServer): string {
  const name = s.name || '(default)';
  const profile = typeof s.userOptions.profile === 'string' ? ` profile=${s.userOptions.profile}` : '';
  const activity = s.lastActivity ? ` last activity ${s.lastActivity.toISOString()}` : '';
  return `${name.padEnd(16)} ${s.state.padEnd(9)}${s.url ? ` ${s.url}` : ''}${profile}${activity}`;
}

function serverJson(s: HubServer) {
  return { name: s.name, state: s.state, url: s.url ?? null, user_options: s.userOptions, started: s.started?.toISOString() ?? null,
    last_activity: s.lastActivity?.toISOString() ?? null };
}

const servers: Command = {
  summary: 'List the token user\'s servers (default and named) with their state',
  usage: '--url URL',
  options: HUB_OPTIONS,
  async run(ctx) {
    const hub = await hubFromContext(ctx);
    const me = await tokenUser(hub, ctx);
    const list = await hub.listServers(me.name, ctx.signal);
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
  summary: 'Start the default or a named server with options; prints progress; exit 0 when ready, 1 on spawn failure',
  usage: '--url URL [--server NAME] [--option key=value]... [--spawn-timeout SECONDS] [--username U --password-stdin]',
  options: { ...HUB_OPTIONS, ...PAGE_LOGIN_OPTIONS, server: { type: 'string' }, option: { type: 'string', multiple: true }, 'spawn-timeout': { type: 'string' } },
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
    const result = await hub.stopServer(me.name, serverName, ctx.signal);
    if (result === 'stopping') {
      ctx.note('stopping…');
      await hub.waitForStop(me.name, serverName, 300_000, ctx.signal);
    }
    ctx.print(`stopped ${serverName || '(default)'}`, { name: serverName, state: 'stopped' });
  },
};

export const hubCommands: CommandGroup = {
  name: 'hub',
  summary: 'JupyterHub: sign-in, servers, options, progress',
  commands: { check, login, servers, options, start, stop },
};

