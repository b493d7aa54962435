// What the start dialog can offer when the hub's options form cannot be read (a pasted token: JupyterHub shows the
// form only to a page login): the form as last read from this hub, the options really used last, and a key=value
// example in this hub's own keys.
import type { HubServer } from './hubModels';
import type { OptionsForm } from './optionsForm';

/** A hub's options form as it was read, kept per hub (non-secret state). */
export interface RememberedForm {
  form: OptionsForm;
  /** ISO time the form was read. */
  readAt: string;
}

export interface UsedOptions {
  serverName: string;
  options: Record<string, unknown>;
  usedAt: Date;
  /** 'extension': started from here; 'hub': the hub's record of the server (also starts from its web page). */
  source: 'extension' | 'hub';
}

/** The most recently used non-empty options among what we remembered and what the hub records for each server. */
export function latestUsedOptions(ours: UsedOptions[], servers: HubServer[]): UsedOptions | undefined {
  const fromHub: UsedOptions[] = servers.flatMap((s) => {
    const usedAt = s.started ?? s.lastActivity;
    return usedAt && Object.keys(s.userOptions).length ? [{ serverName: s.name, options: s.userOptions, usedAt, source: 'hub' as const }] : [];
  });
  const all = [...ours, ...fromHub].filter((u) => Object.keys(u.options).length);
  // On a tie (the hub's record of our own start) prefer ours: it is what the user picked, before any spawner rewrite.
  return all.sort((a, b) => b.usedAt.getTime() - a.usedAt.getTime() || (a.source === 'extension' ? -1 : 1))[0];
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function describeAge(then: Date, now: Date = new Date()): string {
  const s = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`;
  if (s < 60) return 'just now';
  if (s < 3600) return unit(Math.floor(s / 60), 'minute');
  if (s < 86_400) return unit(Math.floor(s / 3600), 'hour');
  return unit(Math.floor(s / 86_400), 'day');
}

/** Options as `key=value` pairs, the way the typed-options box reads them. */
export function toPairsText(options: Record<string, unknown>): string {
  return Object.entries(options).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ');
}

/**
 * An example for the typed-options box in this hub's own keys: from its form (profile slug and an option, or plain
 * fields with their defaults), else the keys last used; undefined when nothing about the hub is known.
 */
export function optionsExample(form: OptionsForm | undefined, lastUsed: Record<string, unknown> | undefined): string | undefined {
  if (form?.profiles.length) {
    const profile = form.profiles.find((p) => p.isDefault) ?? form.profiles[0]!;
    const option = profile.options.find((o) => o.choices.length);
    const choice = option && (option.choices.find((c) => c.isDefault) ?? option.choices[0]!);
    return [`profile=${profile.slug}`, ...(option && choice ? [`${option.key}=${choice.value}`] : [])].join(' ');
  }
  const fields = (form?.fields ?? []).filter((f) => f.type !== 'hidden').slice(0, 3);
  if (fields.length) return fields.map((f) => `${f.name}=${f.type === 'checkbox' ? 'true' : f.defaultValue || f.choices[0]?.value || '…'}`).join(' ');
  if (lastUsed && Object.keys(lastUsed).length) return toPairsText(lastUsed);
  return undefined;
}
