// `pangeo-compute hub share`: who has access to one of your servers (JupyterHub 5.0+), share it with a user or group,
// make a share link, revoke. One action per run; without one it lists.
import { Command, CommandContext, durationSeconds, optionalString, UsageError } from './command';
import { HUB_OPTIONS, hubFromContext, tokenUser } from './hubSession';
import { HubShares } from '../hubs/hubShares';
import type { ShareTarget } from '../hubs/shareModels';

const ACTIONS = ['user', 'group', 'link', 'revoke-user', 'revoke-group', 'revoke-link', 'revoke-all'] as const;

const DEFAULT_LINK_SECONDS = 86_400;

function iso(d: Date | undefined): string | null {
  return d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : null;
}

export const share: Command = {
  summary: 'Share a server (JupyterHub 5.0+): list who has access, --user/--group grants access, --link prints a share link (--expires-in, default 1d), --revoke-user/--revoke-group/--revoke-link ID/--revoke-all',
  usage: '--url URL [--server NAME] [--user U | --group G | --link [--expires-in 1d] | --revoke-user U | --revoke-group G | --revoke-link sc_N | --revoke-all]',
  options: {
    ...HUB_OPTIONS, server: { type: 'string' }, user: { type: 'string' }, group: { type: 'string' }, link: { type: 'boolean' },
    'expires-in': { type: 'string' }, 'revoke-user': { type: 'string' }, 'revoke-group': { type: 'string' }, 'revoke-link': { type: 'string' },
    'revoke-all': { type: 'boolean' },
  },
  async run(ctx) {
    const given = ACTIONS.filter((a) => ctx.values[a] !== undefined && ctx.values[a] !== false);
    if (given.length > 1) throw new UsageError(`Give one action at a time, not ${given.map((a) => `--${a}`).join(' and ')}.`);
    if (ctx.values['expires-in'] !== undefined && given[0] !== 'link') throw new UsageError('--expires-in goes with --link.');
    const lifetime = given[0] === 'link' ? durationSeconds(optionalString(ctx, 'expires-in') ?? String(DEFAULT_LINK_SECONDS), '--expires-in') : undefined;
    const hub = await hubFromContext(ctx);
    const me = await tokenUser(hub, ctx);
    const server = optionalString(ctx, 'server') ?? '';
    const shown = server || '(default)';
    const shares = new HubShares(hub);
    await shares.ensureSupported(ctx.signal);
    const action = given[0];
    // Changes need `shares`: checked first, so a refusal names it before anything is sent.
    if (action) await shares.ensureMayShare(me.name, server, ctx.signal);
    switch (action) {
      case undefined:
        return list(ctx, shares, me.name, server);
      case 'user':
      case 'group': {
        const granted = await shares.grant(me.name, server, { kind: action, name: String(ctx.values[action]) }, ctx.signal);
        ctx.print(`shared ${shown} with ${action} ${granted.target.name} (${granted.scopes.join(', ')})`, { server, shared_with: granted.target, scopes: granted.scopes });
        return;
      }
      case 'link': {
        const made = await shares.createCode(me.name, server, lifetime!, ctx.signal);
        ctx.note(`share link ${made.id} for ${shown}: anyone signed in to the hub who opens it before ${iso(made.expiresAt) ?? 'it expires'} gets access (revoke with --revoke-link ${made.id})`);
        ctx.print(made.link, { server, link: made.link, id: made.id, expires_at: iso(made.expiresAt) });
        return;
      }
      case 'revoke-user':
      case 'revoke-group': {
        const target: ShareTarget = { kind: action === 'revoke-user' ? 'user' : 'group', name: String(ctx.values[action]) };
        await shares.revoke(me.name, server, target, ctx.signal);
        ctx.print(`revoked ${target.kind} ${target.name}'s access to ${shown}`, { server, revoked: target });
        return;
      }
      case 'revoke-link': {
        const id = String(ctx.values['revoke-link']);
        await shares.revokeCode(me.name, server, id, ctx.signal);
        ctx.print(`revoked share link ${id} of ${shown}`, { server, revoked_link: id });
        return;
      }
      case 'revoke-all':
        await shares.revokeAll(me.name, server, ctx.signal);
        ctx.print(`revoked all access to ${shown}`, { server, revoked_all: true });
        return;
    }
  },
};

async function list(ctx: CommandContext, shares: HubShares, owner: string, server: string): Promise<void> {
  const [people, links] = await Promise.all([shares.list(owner, server, ctx.signal), shares.listCodes(owner, server, ctx.signal)]);
  const lines = [
    ...people.map((p) => `${p.target.kind} ${p.target.name}${p.createdAt ? ` since ${iso(p.createdAt)}` : ''}: ${p.scopes.join(', ')}`),
    ...links.map((l) => `link ${l.id}: expires ${iso(l.expiresAt) ?? '?'}, accepted ${l.exchangeCount} time${l.exchangeCount === 1 ? '' : 's'}`),
  ];
  ctx.print(lines.join('\n') || `only you have access to ${server || '(default)'}`, {
    server,
    shares: people.map((p) => ({ kind: p.target.kind, name: p.target.name, scopes: p.scopes, created_at: iso(p.createdAt) })),
    links: links.map((l) => ({ id: l.id, expires_at: iso(l.expiresAt), exchange_count: l.exchangeCount, scopes: l.scopes })),
  });
}
