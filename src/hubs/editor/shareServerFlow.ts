// "Share Server…" in the Hubs view (JupyterHub 5.0+): one quick pick that lists who has access and offers to share with
// a user or group, make a share link (copied to the clipboard, never shown), or revoke. Names from the hub are plain text.
import type * as vscode from 'vscode';
import type { HubService } from './hubService';
import type { HubServer } from '../hubModels';
import { HubShares } from '../hubShares';
import type { ServerShare, ShareCodeInfo, ShareTarget, ShareTargetKind } from '../shareModels';
import { InvalidInputError } from '../../core/http/errors';
import { iconLabel, notificationText, plainLabel } from '../../shared/text/untrustedText';
import { insideWithBrowserAddress } from './insideHubCommands';
import { NO_PUBLIC_URL } from '../insideHub';

/** What a pick in the sharing menu does. */
export type ShareAction =
  | { kind: 'grant'; targetKind: ShareTargetKind }
  | { kind: 'code' }
  | { kind: 'revoke'; target: ShareTarget }
  | { kind: 'revokeCode'; code: ShareCodeInfo }
  | { kind: 'revokeAll' }
  | { kind: 'none' };

export interface ShareMenuItem {
  label: string;
  description?: string;
  detail?: string;
  /** A separator row (vscode.QuickPickItemKind.Separator). */
  separator?: boolean;
  action: ShareAction;
}

/** Share-link lifetimes offered; JupyterHub allows one minute to one year, and defaults to one day. */
export const SHARE_LINK_LIFETIMES: Array<{ label: string; seconds: number }> = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '1 week', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
];

/** The menu: actions first, then everyone with access and every live share link (hub text escaped for quick picks). */
export function shareMenuItems(shares: ServerShare[], codes: ShareCodeInfo[]): ShareMenuItem[] {
  const items: ShareMenuItem[] = [
    { label: '$(person-add) Share with a user…', detail: 'They can open this server and run code in it as you.', action: { kind: 'grant', targetKind: 'user' } },
    { label: '$(organization) Share with a group…', detail: "Every member of the hub's group gets the same access.", action: { kind: 'grant', targetKind: 'group' } },
    { label: '$(link) Make a share link…', detail: 'Anyone signed in to the hub who opens it before it expires gets access. The link is copied to the clipboard.', action: { kind: 'code' } },
  ];
  items.push({ label: 'Who has access', separator: true, action: { kind: 'none' } });
  if (!shares.length && !codes.length) items.push({ label: '$(info) Only you', description: 'no shares and no live share links', action: { kind: 'none' } });
  for (const s of shares) {
    items.push({
      label: `${s.target.kind === 'user' ? '$(person)' : '$(organization)'} ${iconLabel(s.target.name)}`,
      description: iconLabel([s.target.kind, s.createdAt ? `since ${s.createdAt.toLocaleDateString()}` : undefined].filter(Boolean).join(' · ')),
      detail: iconLabel(`${s.scopes.join(', ')} — pick to revoke`),
      action: { kind: 'revoke', target: s.target },
    });
  }
  for (const c of codes) {
    items.push({
      label: `$(key) Share link ${iconLabel(c.id)}`,
      description: iconLabel([c.expiresAt ? `expires ${c.expiresAt.toLocaleString()}` : undefined, `accepted ${c.exchangeCount} time${c.exchangeCount === 1 ? '' : 's'}`].filter(Boolean).join(' · ')),
      detail: 'Pick to revoke the link (people who accepted it keep their access until revoked above).',
      action: { kind: 'revokeCode', code: c },
    });
  }
  if (shares.length || codes.length) items.push({ label: '$(circle-slash) Revoke all access…', detail: 'Every share and every share link of this server.', action: { kind: 'revokeAll' } });
  return items;
}

function serverLabel(server: HubServer, hubLabel: string): string {
  return `${server.name ? `server ${server.name}` : 'the default server'} on ${hubLabel}`;
}

/** Runs the sharing menu for one of the signed-in user's servers. */
export async function shareServerInteractive(vs: typeof vscode, service: HubService, base: string, server: HubServer): Promise<void> {
  const sessions = service.sessions;
  const record = sessions.hub(base);
  if (!record?.user) throw new InvalidInputError(`Sign in to ${base} before sharing a server there.`);
  const owner = record.user;
  const shares = new HubShares(sessions.client(base));
  const label = serverLabel(server, record.label);
  const note = (text: string) => void vs.window.showInformationMessage(notificationText(text).text);
  const progress = <T>(title: string, task: () => Promise<T>) =>
    vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(title).text }, task);

  // Version and scope first: a refusal comes before any question, and names the scope.
  const current = await progress(`Reading who has access to ${label}…`, async () => {
    await shares.ensureSupported();
    await shares.ensureMayShare(owner, server.name);
    const [list, codes] = await Promise.all([shares.list(owner, server.name), shares.listCodes(owner, server.name)]);
    return { list, codes };
  });
  const items = shareMenuItems(current.list, current.codes).map((i) => ({ ...i, kind: i.separator ? vs.QuickPickItemKind.Separator : undefined }));
  const picked = await vs.window.showQuickPick(items, { title: iconLabel(`Share ${label}`), placeHolder: 'Share, make a link, or pick someone to revoke', matchOnDescription: true });
  const action = picked?.action;
  if (!action || action.kind === 'none') return;

  switch (action.kind) {
    case 'grant': {
      const kind = action.targetKind;
      const name = await vs.window.showInputBox({
        title: plainLabel(`Share ${label} with a ${kind}`),
        prompt: kind === 'user' ? "The user's name on the hub (their login name)" : "The group's name on the hub",
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : `Type the ${kind}'s name.`),
      });
      if (!name?.trim()) return;
      await progress(`Sharing ${label} with ${kind} ${name.trim()}…`, () => shares.grant(owner, server.name, { kind, name: name.trim() }));
      note(`Shared ${label} with ${kind} ${name.trim()}: ${kind === 'user' ? 'they' : 'its members'} can open it and run code in it as you until you revoke it.`);
      return;
    }
    case 'code': {
      const lifetime = await vs.window.showQuickPick(SHARE_LINK_LIFETIMES.map((l) => ({ ...l, description: l.seconds === 86_400 ? "the hub's default" : undefined })), { title: 'The share link expires after' });
      if (!lifetime) return;
      // Inside a hub server a link on the hub's internal address is useless to others: made public, or revoked again.
      const publicLink = await publicLinkMapper(vs, service, base);
      const made = await progress(`Making a share link for ${label}…`, async () => {
        const code = await shares.createCode(owner, server.name, lifetime.seconds);
        try {
          return { ...code, link: publicLink(code.link) };
        } catch (e) {
          await shares.revokeCode(owner, server.name, code.id).catch(() => undefined);
          throw e;
        }
      });
      await vs.env.clipboard.writeText(made.link);
      note(`Share link for ${label} copied to the clipboard. Anyone signed in to ${record.label} who opens it before ${made.expiresAt?.toLocaleString() ?? 'it expires'} gets access to the server.`);
      return;
    }
    case 'revoke': {
      const who = `${action.target.kind} ${action.target.name}`;
      const ok = await vs.window.showWarningMessage(notificationText(`Revoke ${who}'s access to ${label}?`).text, { modal: true, detail: 'Open pages of theirs may keep working for a few minutes (the server caches its access checks).' }, 'Revoke');
      if (ok !== 'Revoke') return;
      await progress(`Revoking ${who}'s access…`, () => shares.revoke(owner, server.name, action.target));
      note(`Revoked ${who}'s access to ${label}.`);
      return;
    }
    case 'revokeCode': {
      const ok = await vs.window.showWarningMessage(notificationText(`Revoke share link ${action.code.id} of ${label}?`).text, { modal: true, detail: 'The link stops working. People who already accepted it keep their access until you revoke it.' }, 'Revoke Link');
      if (ok !== 'Revoke Link') return;
      await progress('Revoking the share link…', () => shares.revokeCode(owner, server.name, action.code.id));
      note(`Revoked share link ${action.code.id} of ${label}.`);
      return;
    }
    case 'revokeAll': {
      const ok = await vs.window.showWarningMessage(notificationText(`Revoke all access to ${label}?`).text, { modal: true, detail: 'Every share and every share link of this server is removed.' }, 'Revoke All');
      if (ok !== 'Revoke All') return;
      await progress(`Revoking all access to ${label}…`, () => shares.revokeAll(owner, server.name));
      note(`Only you have access to ${label} now.`);
      return;
    }
  }
}

/**
 * The link as a browser elsewhere opens it. Inside a hub server the API runs on the hub's internal address: a link
 * built on it moves to the hub's public base (from the environment or this editor's address), or throws when none is
 * known. A link on the hub's public_url (JupyterHub's full_accept_url) stays as it is.
 */
async function publicLinkMapper(vs: typeof vscode, service: HubService, base: string): Promise<(link: string) => string> {
  const inside = service.sessions.inside;
  if (!inside || inside.id !== base) return (link) => link;
  const publicBase = (await insideWithBrowserAddress(vs, inside))?.publicBase;
  return (link) => {
    if (!link.startsWith(inside.apiBase)) return link;
    if (!publicBase) throw new InvalidInputError(NO_PUBLIC_URL);
    return new URL(link.slice(inside.apiBase.length), publicBase).toString();
  };
}
