// Parses a hub's spawn options form (KubeSpawner profile_list markup or a plain Spawner.options_form) into data,
// and turns the user's choices back into the `user_options` JupyterHub expects.
import { HTMLElement, parse } from 'node-html-parser';

export interface Choice {
  value: string;
  label: string;
  isDefault: boolean;
}

export interface ProfileOption {
  /** The option's key in user_options (e.g. "image"). */
  key: string;
  label: string;
  choices: Choice[];
  /** KubeSpawner's free-text "Other…" choice, sent as `<key>--unlisted-choice`. */
  unlistedChoice: boolean;
}

export interface Profile {
  slug: string;
  displayName: string;
  description: string;
  isDefault: boolean;
  options: ProfileOption[];
}

export type FieldType = 'select' | 'multiselect' | 'text' | 'number' | 'checkbox' | 'radio' | 'textarea' | 'hidden';

export interface FormField {
  name: string;
  label: string;
  type: FieldType;
  choices: Choice[];
  /** Default value as the form shows it (checkbox: "true"/"" ; multiselect: comma-joined). */
  defaultValue: string;
  min?: number;
  max?: number;
  step?: number;
  required: boolean;
  placeholder?: string;
}

export interface OptionsForm {
  /** KubeSpawner profiles (empty for plain forms). */
  profiles: Profile[];
  /** Plain inputs outside the profile list. */
  fields: FormField[];
}

const PROFILE_OPTION = /^profile-option-(.+?)--(.+)$/;
const IGNORED_NAMES = new Set(['_xsrf']);

export function parseOptionsForm(html: string): OptionsForm {
  const root = parse(html, { comment: false });
  // On the full /hub/spawn page the form is #spawn_form; a bare options_form fixture has no wrapper.
  const scope = root.querySelector('#spawn_form') ?? root.querySelector('form') ?? root;
  const labels = collectLabels(scope);
  const profiles = parseProfiles(scope, labels);
  const fields = parseFields(scope, labels);
  return { profiles, fields };
}

function collectLabels(scope: HTMLElement): Map<string, string> {
  const map = new Map<string, string>();
  for (const label of scope.querySelectorAll('label')) {
    const target = label.getAttribute('for');
    const text = clean(label.querySelector('h3')?.text ?? label.text);
    if (target && text) map.set(target, text);
  }
  return map;
}

function parseProfiles(scope: HTMLElement, labels: Map<string, string>): Profile[] {
  const radios = scope.querySelectorAll('input[type=radio]').filter((r) => r.getAttribute('name') === 'profile');
  const profiles: Profile[] = [];
  for (const radio of radios) {
    const slug = radio.getAttribute('value') ?? '';
    if (!slug) continue;
    const id = radio.getAttribute('id');
    const container = closestProfileContainer(radio);
    const heading = clean(container?.querySelector('h3')?.text ?? '');
    const description = clean(container?.querySelector('p')?.text ?? '');
    profiles.push({
      slug,
      displayName: heading || (id ? labels.get(id) : undefined) || slug,
      description,
      isDefault: radio.hasAttribute('checked'),
      options: [],
    });
  }
  if (profiles.length && !profiles.some((p) => p.isDefault)) profiles[0]!.isDefault = true;
  const bySlug = new Map(profiles.map((p) => [p.slug, p]));
  for (const select of scope.querySelectorAll('select')) {
    const m = PROFILE_OPTION.exec(select.getAttribute('name') ?? '');
    if (!m) continue;
    const profile = bySlug.get(m[1]!);
    if (!profile) continue;
    const choices = optionChoices(select).filter((c) => c.value !== 'unlisted-choice');
    const unlisted = select.querySelectorAll('option').some((o) => o.getAttribute('value') === 'unlisted-choice') ||
      unlistedInputs(scope).has(`${select.getAttribute('name')}--unlisted-choice`);
    profile.options.push({
      key: m[2]!,
      label: labels.get(select.getAttribute('id') ?? '') ?? labels.get(select.getAttribute('name') ?? '') ?? m[2]!,
      choices,
      unlistedChoice: unlisted,
    });
  }
  // Profiles whose options are free text only (no select): KubeSpawner renders just the text input.
  for (const [name, input] of unlistedInputs(scope)) {
    const m = /^profile-option-(.+?)--(.+)--unlisted-choice$/.exec(name);
    if (!m) continue;
    const profile = bySlug.get(m[1]!);
    if (profile && !profile.options.some((o) => o.key === m[2])) {
      profile.options.push({ key: m[2]!, label: labels.get(input.getAttribute('id') ?? '') ?? m[2]!, choices: [], unlistedChoice: true });
    }
  }
  return profiles;
}

// KubeSpawner gives the free-text input only a data-name (its script swaps it to name when "Other" is picked).
function unlistedInputs(scope: HTMLElement): Map<string, HTMLElement> {
  const map = new Map<string, HTMLElement>();
  for (const input of scope.querySelectorAll('input')) {
    const name = input.getAttribute('name') ?? input.getAttribute('data-name') ?? '';
    if (name.endsWith('--unlisted-choice')) map.set(name, input);
  }
  return map;
}

function closestProfileContainer(radio: HTMLElement): HTMLElement | undefined {
  // KubeSpawner wraps each profile in a <label> (older) or <div class="profile"> (newer).
  let node: HTMLElement | null = radio.parentNode;
  for (let depth = 0; node && depth < 4; depth++, node = node.parentNode) {
    if (node.tagName === 'LABEL' || node.classList?.contains('profile')) return node;
  }
  return radio.parentNode ?? undefined;
}

function parseFields(scope: HTMLElement, labels: Map<string, string>): FormField[] {
  const fields = new Map<string, FormField>();
  const labelFor = (el: HTMLElement, name: string) =>
    labels.get(el.getAttribute('id') ?? '') ?? clean(wrappingLabel(el)) ?? name;
  for (const el of scope.querySelectorAll('input, select, textarea')) {
    const name = el.getAttribute('name') ?? '';
    if (!name || IGNORED_NAMES.has(name) || name === 'profile' || name.startsWith('profile-option-')) continue;
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') ?? 'text').toLowerCase();
    if (tag === 'input' && (type === 'submit' || type === 'button' || type === 'reset' || type === 'file')) continue;
    const existing = fields.get(name);
    if (tag === 'select') {
      const choices = optionChoices(el);
      const multiple = el.hasAttribute('multiple');
      fields.set(name, {
        name, label: labelFor(el, name), type: multiple ? 'multiselect' : 'select', choices,
        defaultValue: (multiple ? choices.filter((c) => c.isDefault) : [choices.find((c) => c.isDefault) ?? choices[0]])
          .filter(Boolean).map((c) => c!.value).join(','),
        required: el.hasAttribute('required'),
      });
    } else if (tag === 'textarea') {
      fields.set(name, { name, label: labelFor(el, name), type: 'textarea', choices: [], defaultValue: el.text, required: el.hasAttribute('required') });
    } else if (type === 'radio') {
      const choice = { value: el.getAttribute('value') ?? 'on', label: labelFor(el, el.getAttribute('value') ?? name), isDefault: el.hasAttribute('checked') };
      const field = existing ?? { name, label: name, type: 'radio' as const, choices: [], defaultValue: '', required: el.hasAttribute('required') };
      field.choices.push(choice);
      if (choice.isDefault) field.defaultValue = choice.value;
      fields.set(name, field);
    } else if (type === 'checkbox') {
      fields.set(name, { name, label: labelFor(el, name), type: 'checkbox', choices: [], defaultValue: el.hasAttribute('checked') ? 'true' : '', required: false });
    } else {
      const numeric = type === 'number' || type === 'range';
      fields.set(name, {
        name, label: labelFor(el, name), type: type === 'hidden' ? 'hidden' : numeric ? 'number' : 'text', choices: [],
        defaultValue: el.getAttribute('value') ?? '',
        min: num(el.getAttribute('min')), max: num(el.getAttribute('max')), step: num(el.getAttribute('step')),
        required: el.hasAttribute('required'), placeholder: el.getAttribute('placeholder') ?? undefined,
      });
    }
  }
  for (const f of fields.values()) {
    if (f.type === 'radio' && !f.defaultValue && f.choices[0]) f.defaultValue = f.choices[0].value;
  }
  return [...fields.values()];
}

function optionChoices(select: HTMLElement): Choice[] {
  return select.querySelectorAll('option').map((o) => ({
    value: o.getAttribute('value') ?? clean(o.text),
    label: clean(o.text) || (o.getAttribute('value') ?? ''),
    isDefault: o.hasAttribute('selected'),
  }));
}

function wrappingLabel(el: HTMLElement): string | undefined {
  let node = el.parentNode;
  for (let depth = 0; node && depth < 3; depth++, node = node.parentNode) {
    if (node.tagName === 'LABEL') return node.text;
  }
  return undefined;
}

function clean(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A user's answers: the chosen profile, its options, and plain field values (all as form strings). */
export interface OptionsChoice {
  profile?: string;
  /** option key → chosen value; the special value `{unlisted: text}` is the free-text choice. */
  profileOptions?: Record<string, string | { unlisted: string }>;
  fields?: Record<string, string | string[] | boolean>;
}

/** Builds `user_options` the way KubeSpawner and plain spawners read them from the API body. */
export function toUserOptions(form: OptionsForm, choice: OptionsChoice): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (form.profiles.length) {
    const profile = form.profiles.find((p) => p.slug === choice.profile) ?? form.profiles.find((p) => p.isDefault)!;
    out.profile = profile.slug;
    for (const option of profile.options) {
      const picked = choice.profileOptions?.[option.key];
      if (picked && typeof picked === 'object') {
        // KubeSpawner reads the free text from "<key>--unlisted-choice" and prefers it over "<key>".
        out[`${option.key}--unlisted-choice`] = picked.unlisted;
      } else {
        out[option.key] = picked ?? option.choices.find((c) => c.isDefault)?.value ?? option.choices[0]?.value;
      }
    }
  }
  for (const field of form.fields) {
    const v = choice.fields?.[field.name];
    if (field.type === 'checkbox') out[field.name] = v === undefined ? field.defaultValue === 'true' : v === true || v === 'true';
    else if (field.type === 'multiselect') out[field.name] = Array.isArray(v) ? v : v !== undefined ? String(v).split(',').filter(Boolean) : field.defaultValue.split(',').filter(Boolean);
    else out[field.name] = v !== undefined ? String(v) : field.defaultValue;
  }
  return out;
}

/** Reads `--option key=value` pairs (CLI, presets) against a form: "profile" picks the profile, the rest match option keys or fields. */
export function choiceFromPairs(form: OptionsForm, pairs: Record<string, string>): OptionsChoice {
  const choice: OptionsChoice = { profileOptions: {}, fields: {} };
  for (const [key, value] of Object.entries(pairs)) {
    if (key === 'profile') choice.profile = value;
    else if (key.endsWith('--unlisted-choice')) choice.profileOptions![key.slice(0, -'--unlisted-choice'.length)] = { unlisted: value };
    else if (form.fields.some((f) => f.name === key)) choice.fields![key] = value;
    else choice.profileOptions![key] = value;
  }
  return choice;
}

/** Checks a choice against the form: unknown profiles/options/choices and out-of-range numbers are reported. */
export function validateChoice(form: OptionsForm, choice: OptionsChoice): string[] {
  const problems: string[] = [];
  const profile = form.profiles.length
    ? form.profiles.find((p) => p.slug === (choice.profile ?? form.profiles.find((q) => q.isDefault)?.slug))
    : undefined;
  if (form.profiles.length && !profile) {
    problems.push(`Unknown profile "${choice.profile}"; the hub offers: ${form.profiles.map((p) => p.slug).join(', ')}.`);
  }
  for (const [key, value] of Object.entries(choice.profileOptions ?? {})) {
    const option = profile?.options.find((o) => o.key === key);
    if (!option) {
      problems.push(`Unknown option "${key}"${profile ? ` for profile "${profile.slug}"` : ''}.`);
      continue;
    }
    if (typeof value === 'object') {
      if (!option.unlistedChoice) problems.push(`Option "${key}" does not accept free text.`);
    } else if (!option.choices.some((c) => c.value === value)) {
      problems.push(`"${value}" is not a choice of "${key}" (${option.choices.map((c) => c.value).join(', ')}).`);
    }
  }
  for (const [name, value] of Object.entries(choice.fields ?? {})) {
    const field = form.fields.find((f) => f.name === name);
    if (!field) {
      problems.push(`Unknown field "${name}".`);
      continue;
    }
    if ((field.type === 'select' || field.type === 'radio') && !field.choices.some((c) => c.value === String(value))) {
      problems.push(`"${value}" is not a choice of "${name}" (${field.choices.map((c) => c.value).join(', ')}).`);
    }
    if (field.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) problems.push(`"${name}" must be a number.`);
      else if ((field.min !== undefined && n < field.min) || (field.max !== undefined && n > field.max)) {
        problems.push(`"${name}" must be between ${field.min ?? '-∞'} and ${field.max ?? '∞'}.`);
      }
    }
  }
  return problems;
}
