// Parses a hub's spawn options form (KubeSpawner profile_list markup or a plain Spawner.options_form) into data,
// and turns the user's choices back into the `user_options` JupyterHub expects.
import { profileSizeFromText, type ProfileSize } from './profileSize';
import { byTag, findAll, findFirst, HtmlElement, parseHtml, textOf } from './miniHtml';

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
  /** Cores/memory named in the profile's text ("4 CPU, 32 GB"), for pricing; absent when it names none. */
  size?: ProfileSize;
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
  const root = parseHtml(html);
  // On the full /hub/spawn page the form is #spawn_form; a bare options_form fixture has no wrapper.
  const scope = findFirst(root, (e) => e.tag === 'form' && e.attrs.id === 'spawn_form') ?? findFirst(root, byTag('form')) ?? root;
  const labels = collectLabels(scope);
  const profiles = parseProfiles(scope, labels);
  const fields = parseFields(scope, labels);
  return { profiles, fields };
}

function collectLabels(scope: HtmlElement): Map<string, string> {
  const map = new Map<string, string>();
  for (const label of findAll(scope, byTag('label'))) {
    const target = label.attrs.for;
    const h3 = findFirst(label, byTag('h3'));
    const text = clean(h3 ? textOf(h3) : textOf(label));
    if (target && text) map.set(target, text);
  }
  return map;
}

function parseProfiles(scope: HtmlElement, labels: Map<string, string>): Profile[] {
  const radios = findAll(scope, (e) => e.tag === 'input' && e.attrs.type?.toLowerCase() === 'radio' && e.attrs.name === 'profile');
  const profiles: Profile[] = [];
  for (const radio of radios) {
    const slug = radio.attrs.value ?? '';
    if (!slug) continue;
    const id = radio.attrs.id;
    const container = closestProfileContainer(radio);
    const h3 = container && findFirst(container, byTag('h3'));
    const p = container && findFirst(container, byTag('p'));
    const heading = clean(h3 ? textOf(h3) : '');
    const description = clean(p ? textOf(p) : '');
    profiles.push({
      slug,
      displayName: heading || (id ? labels.get(id) : undefined) || slug,
      description,
      isDefault: 'checked' in radio.attrs,
      options: [],
      ...sizeOf(`${heading} ${description}`),
    });
  }
  if (profiles.length && !profiles.some((p) => p.isDefault)) profiles[0]!.isDefault = true;
  const bySlug = new Map(profiles.map((p) => [p.slug, p]));
  for (const select of findAll(scope, byTag('select'))) {
    const m = PROFILE_OPTION.exec(select.attrs.name ?? '');
    if (!m) continue;
    const profile = bySlug.get(m[1]!);
    if (!profile) continue;
    const choices = optionChoices(select).filter((c) => c.value !== 'unlisted-choice');
    const unlisted = findAll(select, byTag('option')).some((o) => o.attrs.value === 'unlisted-choice') ||
      unlistedInputs(scope).has(`${select.attrs.name}--unlisted-choice`);
    profile.options.push({
      key: m[2]!,
      label: labels.get(select.attrs.id ?? '') ?? labels.get(select.attrs.name ?? '') ?? m[2]!,
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
      profile.options.push({ key: m[2]!, label: labels.get(input.attrs.id ?? '') ?? labels.get(name) ?? m[2]!, choices: [], unlistedChoice: true });
    }
  }
  return profiles;
}

// KubeSpawner gives the free-text input only a data-name (its script swaps it to name when "Other" is picked).
function unlistedInputs(scope: HtmlElement): Map<string, HtmlElement> {
  const map = new Map<string, HtmlElement>();
  for (const input of findAll(scope, byTag('input'))) {
    const name = input.attrs.name ?? input.attrs['data-name'] ?? '';
    if (name.endsWith('--unlisted-choice')) map.set(name, input);
  }
  return map;
}

function closestProfileContainer(radio: HtmlElement): HtmlElement | undefined {
  // KubeSpawner wraps each profile in a <label> (older) or <div class="profile"> (newer).
  let node = radio.parent;
  for (let depth = 0; node && depth < 4; depth++, node = node.parent) {
    if (node.tag === 'label' || (node.attrs.class ?? '').split(/\s+/).includes('profile')) return node;
  }
  return radio.parent;
}

function parseFields(scope: HtmlElement, labels: Map<string, string>): FormField[] {
  const fields = new Map<string, FormField>();
  const labelFor = (el: HtmlElement, name: string) =>
    labels.get(el.attrs.id ?? '') || clean(wrappingLabel(el)) || name;
  for (const el of findAll(scope, byTag('input', 'select', 'textarea'))) {
    const name = el.attrs.name ?? '';
    if (!name || IGNORED_NAMES.has(name) || name === 'profile' || name.startsWith('profile-option-')) continue;
    const tag = el.tag;
    const type = (el.attrs.type ?? 'text').toLowerCase();
    if (tag === 'input' && (type === 'submit' || type === 'button' || type === 'reset' || type === 'file')) continue;
    const existing = fields.get(name);
    if (tag === 'select') {
      const choices = optionChoices(el);
      const multiple = 'multiple' in el.attrs;
      fields.set(name, {
        name, label: labelFor(el, name), type: multiple ? 'multiselect' : 'select', choices,
        defaultValue: (multiple ? choices.filter((c) => c.isDefault) : [choices.find((c) => c.isDefault) ?? choices[0]])
          .filter(Boolean).map((c) => c!.value).join(','),
        required: 'required' in el.attrs,
      });
    } else if (tag === 'textarea') {
      fields.set(name, { name, label: labelFor(el, name), type: 'textarea', choices: [], defaultValue: textOf(el), required: 'required' in el.attrs });
    } else if (type === 'radio') {
      const choice = { value: el.attrs.value ?? 'on', label: labelFor(el, el.attrs.value ?? name), isDefault: 'checked' in el.attrs };
      const field = existing ?? { name, label: name, type: 'radio' as const, choices: [], defaultValue: '', required: 'required' in el.attrs };
      field.choices.push(choice);
      if (choice.isDefault) field.defaultValue = choice.value;
      fields.set(name, field);
    } else if (type === 'checkbox') {
      fields.set(name, { name, label: labelFor(el, name), type: 'checkbox', choices: [], defaultValue: 'checked' in el.attrs ? 'true' : '', required: false });
    } else {
      const numeric = type === 'number' || type === 'range';
      fields.set(name, {
        name, label: labelFor(el, name), type: type === 'hidden' ? 'hidden' : numeric ? 'number' : 'text', choices: [],
        defaultValue: el.attrs.value ?? '',
        min: num(el.attrs.min), max: num(el.attrs.max), step: num(el.attrs.step),
        required: 'required' in el.attrs, placeholder: el.attrs.placeholder,
      });
    }
  }
  for (const f of fields.values()) {
    if (f.type === 'radio' && !f.defaultValue && f.choices[0]) f.defaultValue = f.choices[0].value;
  }
  return [...fields.values()];
}

function optionChoices(select: HtmlElement): Choice[] {
  return findAll(select, byTag('option')).map((o) => ({
    value: o.attrs.value ?? clean(textOf(o)),
    label: clean(textOf(o)) || (o.attrs.value ?? ''),
    isDefault: 'selected' in o.attrs,
  }));
}

function wrappingLabel(el: HtmlElement): string | undefined {
  let node = el.parent;
  for (let depth = 0; node && depth < 3; depth++, node = node.parent) {
    if (node.tag === 'label') return textOf(node);
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
      problems.push(`"${String(value)}" is not a choice of "${name}" (${field.choices.map((c) => c.value).join(', ')}).`);
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

/** `{size}` when a profile's text names cores or memory (src/hubs/profileSize.ts), else nothing. */
function sizeOf(text: string): { size?: ProfileSize } {
  const size = profileSizeFromText(text);
  return size ? { size } : {};
}
