// "Start server…": pick the server (default, named, new), the profile and its options from the hub's own form,
// then follow the hub's spawn progress in a cancellable notification.
import type * as vscode from 'vscode';
import { HubService } from './hubService';
import { OptionsChoice, OptionsForm, FormField, Profile, toUserOptions, validateChoice } from '../optionsForm';
import { SpawnFailedError } from '../spawnProgress';
import { CancelledError } from '../../core/http/errors';
import { HubServer } from '../hubModels';
import { describeAge, latestUsedOptions, optionsExample, toPairsText } from '../rememberedOptions';
import { readSetting } from '../../editor/settings';
import { showUntrustedMessage } from '../../editor/untrustedMarkdown';
import { iconLabel, notificationText, plainLabel } from '../../shared/text/untrustedText';

type Back = typeof BACK;
const BACK = Symbol('back');

/** Asks which server to start; returns its name ('' = default) or undefined. */
export async function pickServerToStart(vs: typeof vscode, service: HubService, base: string): Promise<string | undefined> {
  const snap = service.snapshot(base);
  const servers = snap?.servers ?? (await service.refresh(base), service.snapshot(base)?.servers) ?? [];
  const stopped = servers.filter((s) => s.state === 'stopped');
  const items: Array<vscode.QuickPickItem & { name?: string }> = stopped.map((s) => ({
    name: s.name, label: s.name ? `$(server) ${iconLabel(s.name)}` : '$(server) Default server',
    description: s.lastActivity ? `last active ${s.lastActivity.toLocaleString()}` : undefined,
  }));
  items.push({ label: '$(add) New named server…', alwaysShow: true });
  const picked = await vs.window.showQuickPick(items, { title: `Start a server on ${plainLabel(snap?.record.label ?? '')}`, ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.name !== undefined) return picked.name;
  return vs.window.showInputBox({
    title: 'New named server', prompt: 'A name for the server (letters, digits, - and _)', ignoreFocusOut: true,
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(v) ? (servers.some((s) => s.name === v) ? 'A server with this name exists' : undefined) : 'Letters, digits, - _ and . only'),
  });
}

/** Walks the user through the form: profile, then each option, then plain fields. Undefined when cancelled. */
export async function askOptions(vs: typeof vscode, form: OptionsForm, remembered: Record<string, unknown> | undefined, title: string): Promise<OptionsChoice | undefined> {
  const choice: OptionsChoice = { profileOptions: {}, fields: {} };
  type Step = () => Promise<boolean | Back>;
  const steps: Step[] = [];
  let profile: Profile | undefined;
  if (form.profiles.length) {
    steps.push(async () => {
      const rememberedSlug = typeof remembered?.profile === 'string' ? remembered.profile : undefined;
      const items = form.profiles.map((p) => ({ label: iconLabel(p.displayName), description: p.slug === rememberedSlug ? '(last used)' : p.isDefault ? '(default)' : undefined, detail: p.description ? iconLabel(p.description) : undefined, profile: p }));
      const active = items.find((i) => i.profile.slug === rememberedSlug) ?? items.find((i) => i.profile.isDefault);
      const r = await quickPick(vs, `${title}: profile`, items, active, false);
      if (r === undefined || r === BACK) return r === BACK ? BACK : false;
      profile = r.profile;
      choice.profile = profile.slug;
      return true;
    });
    steps.push(async () => {
      const options = profile?.options ?? [];
      // Back goes to the previous option (the profile list before the first); Escape in "Other…" goes back to its list.
      for (let j = 0; j < options.length;) {
        const option = options[j]!;
        const last = remembered?.profile === profile?.slug ? remembered?.[option.key] : undefined;
        const items: Array<vscode.QuickPickItem & { value?: string }> = option.choices.map((c) => ({ label: iconLabel(c.label), description: last !== undefined && c.value === last ? '(last used)' : c.isDefault ? '(default)' : iconLabel(c.value), value: c.value }));
        if (option.unlistedChoice) items.push({ label: '$(edit) Other…', description: 'type a value' });
        // "Other…" has no value: it is never the remembered or default choice.
        const active = (last !== undefined ? items.find((i) => i.value !== undefined && i.value === last) : undefined)
          ?? items.find((i) => i.value !== undefined && option.choices.find((c) => c.value === i.value)?.isDefault);
        const r = await quickPick(vs, `${title}: ${plainLabel(option.label)}`, items, active, true);
        if (r === undefined) return false;
        if (r === BACK) {
          if (j === 0) return BACK;
          j--;
          continue;
        }
        if (r.value !== undefined) choice.profileOptions![option.key] = r.value;
        else {
          const text = await vs.window.showInputBox({ title: `${title}: ${plainLabel(option.label)}`, prompt: 'Your own value (Escape goes back to the list)', ignoreFocusOut: true, value: String(remembered?.[`${option.key}--unlisted-choice`] ?? '') });
          if (!text) continue;
          choice.profileOptions![option.key] = { unlisted: text };
        }
        j++;
      }
      return true;
    });
  }
  for (const field of form.fields.filter((f) => f.type !== 'hidden')) {
    steps.push(() => askField(vs, field, choice, remembered?.[field.name], title));
  }
  for (let i = 0; i < steps.length;) {
    const r = await steps[i]!();
    if (r === false) return undefined;
    i = r === BACK ? Math.max(0, i - 1) : i + 1;
  }
  return choice;
}

async function askField(vs: typeof vscode, field: FormField, choice: OptionsChoice, last: unknown, title: string): Promise<boolean | Back> {
  const stepTitle = `${title}: ${plainLabel(field.label)}`;
  if (field.type === 'select' || field.type === 'radio') {
    const items = field.choices.map((c) => ({ label: iconLabel(c.label), description: c.value === String(last) ? '(last used)' : c.isDefault ? '(default)' : undefined, value: c.value }));
    const active = items.find((i) => i.value === String(last)) ?? items.find((i) => i.value === field.defaultValue);
    const r = await quickPick(vs, stepTitle, items, active, true);
    if (r === undefined) return false;
    if (r === BACK) return BACK;
    choice.fields![field.name] = r.value;
    return true;
  }
  if (field.type === 'multiselect') {
    const lastList = Array.isArray(last) ? last.map(String) : field.defaultValue.split(',');
    const picked = await vs.window.showQuickPick(field.choices.map((c) => ({ label: iconLabel(c.label), value: c.value, picked: lastList.includes(c.value) })), { title: stepTitle, canPickMany: true, ignoreFocusOut: true });
    if (!picked) return false;
    choice.fields![field.name] = picked.map((p) => p.value);
    return true;
  }
  if (field.type === 'checkbox') {
    const on = last === undefined ? field.defaultValue === 'true' : last === true;
    const r = await quickPick(vs, stepTitle, [{ label: 'Yes', value: true }, { label: 'No', value: false }], on ? { label: 'Yes', value: true } : { label: 'No', value: false }, true);
    if (r === undefined) return false;
    if (r === BACK) return BACK;
    choice.fields![field.name] = r.value;
    return true;
  }
  const value = await vs.window.showInputBox({
    title: stepTitle, ignoreFocusOut: true, value: last !== undefined ? String(last) : field.defaultValue, placeHolder: field.placeholder === undefined ? undefined : plainLabel(field.placeholder),
    validateInput: (v) => {
      if (field.required && !v) return 'Required';
      if (field.type === 'number' && v) {
        const problems = validateChoice({ profiles: [], fields: [field] }, { fields: { [field.name]: v } });
        return problems[0];
      }
      return undefined;
    },
  });
  if (value === undefined) return false;
  choice.fields![field.name] = value;
  return true;
}

/** A quick pick with a Back button; resolves to the item, BACK, or undefined (dismissed). */
function quickPick<T extends vscode.QuickPickItem>(vs: typeof vscode, title: string, items: T[], active: T | undefined, canGoBack: boolean): Promise<T | Back | undefined> {
  return new Promise((resolve) => {
    const qp = vs.window.createQuickPick<T>();
    qp.title = title;
    qp.items = items;
    qp.ignoreFocusOut = true;
    if (active) qp.activeItems = items.filter((i) => i.label === active.label);
    if (canGoBack) qp.buttons = [vs.QuickInputButtons.Back];
    let done = false;
    const finish = (v: T | Back | undefined) => { if (!done) { done = true; resolve(v); qp.hide(); } };
    qp.onDidTriggerButton((b) => { if (b === vs.QuickInputButtons.Back) finish(BACK); });
    qp.onDidAccept(() => finish(qp.selectedItems[0]));
    qp.onDidHide(() => { finish(undefined); qp.dispose(); });
    qp.show();
  });
}

/** Gets user_options: from the hub's form when its pages are open to us, else from memory or typed key=value pairs. */
export async function chooseUserOptions(vs: typeof vscode, service: HubService, base: string, serverName: string): Promise<Record<string, unknown> | undefined> {
  const record = service.sessions.hub(base)!;
  const client = service.sessions.client(base);
  const remembered = service.sessions.lastOptions(base, serverName);
  const title = `Start ${plainLabel(serverName || 'default server')} on ${plainLabel(record.label)}`;
  const result = await client.getOptionsForm(record.user!, serverName);
  if (result.kind === 'form') {
    await service.sessions.rememberForm(base, result.form); // offered later when the form cannot be read
    if (!hasQuestions(result.form)) return {};
    const choice = await askOptions(vs, result.form, remembered, title);
    return choice ? toUserOptions(result.form, choice) : undefined;
  }
  if (result.kind === 'none' || result.kind === 'running') return {}; // the hub already started it (no form) or it runs
  // The form page needs a browser login: offer the form as last read, the options really used last, hub defaults,
  // typed options, or the hub's page.
  const saved = service.sessions.rememberedForm(base);
  const form = saved && hasQuestions(saved.form) ? saved.form : undefined;
  const servers = service.snapshot(base)?.servers ?? (await client.listServers(record.user!).catch(() => []));
  const last = latestUsedOptions(service.sessions.usedOptions(base), servers);
  const items: Array<vscode.QuickPickItem & { id: string }> = [];
  if (form) {
    const what = form.profiles.length ? `${form.profiles.length} profile${form.profiles.length === 1 ? '' : 's'}` : `${form.fields.filter((f) => f.type !== 'hidden').length} options`;
    items.push({ id: 'saved', label: '$(list-selection) Choose from the hub\'s profiles', description: `profiles as read ${describeAge(new Date(saved!.readAt))}`, detail: `${what} from this hub's form; the hub may have changed them since` });
  }
  if (last) {
    const when = last.usedAt.getTime() > 0 ? `, ${describeAge(last.usedAt)}` : '';
    items.push({ id: 'last', label: '$(history) Last used options', description: `${last.serverName ? `server ${iconLabel(last.serverName)}` : 'default server'}${when}`, detail: iconLabel(toPairsText(last.options)) });
  }
  items.push({ id: 'defaults', label: '$(check) Hub defaults', detail: 'Start with the default profile' });
  const example = optionsExample(form, last?.options);
  items.push({ id: 'type', label: '$(edit) Enter options…', detail: example ? `key=value pairs, e.g. ${iconLabel(example)}` : 'key=value pairs, as the hub\'s spawner reads them' });
  items.push({ id: 'browser', label: '$(link-external) Choose on the hub\'s page', detail: 'Opens the spawn page in the browser; the progress shows here' });
  const picked = await vs.window.showQuickPick(items, { title: `${title}: options`, placeHolder: 'The hub shows its profile list only to a browser login (sign in with a password to see it here)', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.id === 'saved') {
    const choice = await askOptions(vs, form!, remembered, title);
    return choice ? toUserOptions(form!, choice) : undefined;
  }
  if (picked.id === 'last') return last!.options;
  if (picked.id === 'defaults') return {};
  if (picked.id === 'browser') {
    await vs.env.openExternal(vs.Uri.parse(`${base}hub/spawn/${encodeURIComponent(record.user!)}${serverName ? `/${encodeURIComponent(serverName)}` : ''}`));
    return undefined;
  }
  const text = await vs.window.showInputBox({
    title: `${title}: options`, prompt: 'Space- or comma-separated key=value pairs (sent as user_options)', ignoreFocusOut: true,
    value: last ? toPairsText(last.options) : example ?? '', placeHolder: example,
    validateInput: (v) => (v.split(/[\s,]+/).filter(Boolean).every((p) => /^[^=]+=.*$/.test(p)) ? undefined : 'Use key=value pairs'),
  });
  if (text === undefined) return undefined;
  return Object.fromEntries(text.split(/[\s,]+/).filter(Boolean).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

/** A form with something to ask (a profile list or a visible field). */
function hasQuestions(form: OptionsForm): boolean {
  return form.profiles.length > 0 || form.fields.some((f) => f.type !== 'hidden');
}

/** Starts the server and follows the hub's progress in a cancellable notification (cancel stops waiting, not the spawn). */
export async function startWithProgress(vs: typeof vscode, service: HubService, base: string, serverName: string, userOptions: Record<string, unknown>): Promise<HubServer | undefined> {
  const record = service.sessions.hub(base)!;
  const label = `${plainLabel(serverName || 'default server')} on ${plainLabel(record.label)}`;
  const timeoutMin = readSetting(vs, 'pangeo.hubs.spawnTimeoutMinutes');
  await service.sessions.rememberOptions(base, serverName, userOptions);
  try {
    const server = await vs.window.withProgress({ location: vs.ProgressLocation.Notification, title: notificationText(`Starting ${label}`).text, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let last = 0;
      let refreshed = false;
      service.markServerState(base, serverName, 'starting'); // the tree shows it at once
      return service.sessions.client(base).startAndWait(record.user!, serverName, userOptions, {
        timeoutMs: timeoutMin * 60_000, signal: ac.signal,
        onProgress: (e) => {
          progress.report({ message: notificationText(`${e.progress}% ${e.message}`).text, increment: Math.max(0, e.progress - last) });
          last = Math.max(last, e.progress);
          // The first event means the hub has the spawn: read its real state (URL, progress) once.
          if (!refreshed && !e.ready) {
            refreshed = true;
            void service.refresh(base);
          }
        },
      });
    });
    await service.refresh(base);
    const open = 'Open in Browser';
    void showUntrustedMessage(vs, 'info', `${serverName ? `Server "${serverName}"` : 'The default server'} on ${record.label} is ready. Pick it in the notebook kernel picker.`, open).then((a) => {
      if (a === open && server.url) void vs.env.openExternal(vs.Uri.parse(server.url));
    });
    return server;
  } catch (e) {
    await service.refresh(base);
    if (e instanceof CancelledError) {
      void showUntrustedMessage(vs, 'info', `Stopped waiting for ${label}; the hub may still be starting it (see the Hubs view).`);
      return undefined;
    }
    if (e instanceof SpawnFailedError) {
      const retry = 'Retry';
      const other = 'Choose Other Options';
      const a = await showUntrustedMessage(vs, 'error', `${label}: ${e.userMessage}`, retry, other);
      if (a === retry) return startWithProgress(vs, service, base, serverName, userOptions);
      if (a === other) {
        const again = await chooseUserOptions(vs, service, base, serverName);
        if (again) return startWithProgress(vs, service, base, serverName, again);
      }
      return undefined;
    }
    throw e;
  }
}

/** One click for a culled/stopped server: the same options as last time, asking first when `ask`; true when it runs. */
export async function startAgainWithLastOptions(vs: typeof vscode, service: HubService, base: string, serverName: string, ask: boolean): Promise<boolean> {
  const record = service.sessions.hub(base);
  if (!record?.user) return false;
  if (ask) {
    const go = 'Start Server';
    const a = await showUntrustedMessage(vs, 'warning', `${serverName || 'The default server'} on ${record.label} is not running.`, go);
    if (a !== go) return false;
  }
  const server = await startWithProgress(vs, service, base, serverName, service.sessions.lastOptions(base, serverName) ?? {});
  return !!server;
}
