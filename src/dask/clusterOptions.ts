// Cluster options as Dask Gateway describes them (GET /api/v1/options), reused by every provider's create form,
// with the same checks the gateway applies (dask_gateway_server/options.py) so bad input is caught before a request.
import { InvalidInputError } from '../core/http/errors';

export type OptionTypeSpec =
  | { type: 'string' }
  | { type: 'bool' }
  | { type: 'int'; min?: number | null; max?: number | null }
  | { type: 'float'; min?: number | null; max?: number | null }
  | { type: 'select'; options: string[] }
  | { type: 'mapping' };

export interface ClusterOptionField {
  field: string;
  label: string;
  default: unknown;
  spec: OptionTypeSpec;
}

export type OptionValue = string | boolean | number | Record<string, unknown>;
export type ClusterOptionValues = Record<string, OptionValue>;

/** Parses the server's `cluster_options` list, refusing shapes we cannot render rather than guessing. */
export function parseOptionFields(raw: unknown): ClusterOptionField[] {
  const list = (raw as { cluster_options?: unknown })?.cluster_options;
  if (!Array.isArray(list)) throw new InvalidInputError('The options response has no "cluster_options" list.');
  return list.map((item, i) => {
    const f = item as Record<string, unknown>;
    const spec = f.spec as Record<string, unknown> | undefined;
    if (typeof f.field !== 'string' || !spec || typeof spec.type !== 'string') {
      throw new InvalidInputError(`Cluster option #${i + 1} is malformed.`);
    }
    const label = typeof f.label === 'string' && f.label ? f.label : f.field;
    const bound = (v: unknown) => (typeof v === 'number' ? v : null);
    let parsed: OptionTypeSpec;
    switch (spec.type) {
      case 'string': case 'bool': case 'mapping':
        parsed = { type: spec.type };
        break;
      case 'int': case 'float':
        parsed = { type: spec.type, min: bound(spec.min), max: bound(spec.max) };
        break;
      case 'select':
        if (!Array.isArray(spec.options) || !spec.options.every((o) => typeof o === 'string')) {
          throw new InvalidInputError(`Cluster option ${f.field} has no list of choices.`);
        }
        parsed = { type: 'select', options: spec.options };
        break;
      default:
        throw new InvalidInputError(`Cluster option ${f.field} has an unknown type "${String(spec.type)}".`);
    }
    return { field: f.field, label, default: f.default, spec: parsed };
  });
}

/** Checks one value against its field; returns the normalized value or throws InvalidInputError naming the field. */
export function validateOption(field: ClusterOptionField, value: unknown): OptionValue {
  const { spec } = field;
  const fail = (why: string): never => {
    throw new InvalidInputError(`${field.label} (${field.field}) ${why}.`);
  };
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') fail(`must be text, got ${JSON.stringify(value)}`);
      return value as string;
    case 'bool':
      if (typeof value !== 'boolean') fail(`must be true or false, got ${JSON.stringify(value)}`);
      return value as boolean;
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`must be a number, got ${JSON.stringify(value)}`);
      const n = value as number;
      if (spec.type === 'int' && !Number.isInteger(n)) fail(`must be a whole number, got ${n}`);
      if (spec.min != null && n < spec.min) fail(`must be ≥ ${spec.min}, got ${n}`);
      if (spec.max != null && n > spec.max) fail(`must be ≤ ${spec.max}, got ${n}`);
      return n;
    }
    case 'select':
      if (typeof value !== 'string' || !spec.options.includes(value)) {
        fail(`must be one of ${spec.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(value)}`);
      }
      return value as string;
    case 'mapping':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a mapping (a JSON object)');
      return value as Record<string, unknown>;
  }
}

/** Validates a whole request like the gateway does: unknown fields refused, missing fields take their defaults. */
export function validateOptions(fields: ClusterOptionField[], values: Record<string, unknown>): ClusterOptionValues {
  const known = new Set(fields.map((f) => f.field));
  const extra = Object.keys(values).filter((k) => !known.has(k)).sort();
  if (extra.length) {
    throw new InvalidInputError(`Unknown cluster option${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}.`,
      `Known options: ${[...known].join(', ') || 'none'}.`);
  }
  const out: ClusterOptionValues = {};
  for (const f of fields) {
    if (f.field in values) out[f.field] = validateOption(f, values[f.field]);
  }
  return out;
}

/** Turns text typed by the user (CLI `--option k=v`, an input box) into the field's type, then validates it. */
export function parseOptionText(field: ClusterOptionField, text: string): OptionValue {
  const t = text.trim();
  switch (field.spec.type) {
    case 'string':
    case 'select':
      return validateOption(field, text);
    case 'bool': {
      const lower = t.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(lower)) return true;
      if (['false', 'no', 'off', '0'].includes(lower)) return false;
      return validateOption(field, t);
    }
    case 'int':
    case 'float': {
      const n = t === '' ? NaN : Number(t);
      // Quote what was typed: JSON.stringify(NaN) would print "null".
      if (!Number.isFinite(n)) {
        throw new InvalidInputError(`${field.field} must be a number, got ${JSON.stringify(text)}.`, `${field.label}: ${describeOptionType(field.spec)}.`);
      }
      return validateOption(field, n);
    }
    case 'mapping': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(t || '{}');
      } catch {
        throw new InvalidInputError(`${field.label} (${field.field}) must be a JSON object like {"KEY": "value"}.`);
      }
      return validateOption(field, parsed);
    }
  }
}

/** Parses `k=v` pairs against the schema; every key must be a known field. */
export function parseOptionPairs(fields: ClusterOptionField[], pairs: Record<string, string>): ClusterOptionValues {
  const out: ClusterOptionValues = {};
  for (const [key, text] of Object.entries(pairs)) {
    const field = fields.find((f) => f.field === key);
    if (!field) {
      throw new InvalidInputError(`Unknown cluster option: ${key}.`, `Known options: ${fields.map((f) => f.field).join(', ') || 'none'}.`);
    }
    out[key] = parseOptionText(field, text);
  }
  return out;
}

/** A short human description of a field's type, for prompts and `dask options`. */
export function describeOptionType(spec: OptionTypeSpec): string {
  switch (spec.type) {
    case 'int':
    case 'float': {
      const range = spec.min != null || spec.max != null ? ` ${spec.min ?? '−∞'}…${spec.max ?? '∞'}` : '';
      return `${spec.type === 'int' ? 'integer' : 'number'}${range}`;
    }
    case 'select':
      return `one of ${spec.options.join(' | ')}`;
    case 'mapping':
      return 'JSON object';
    case 'bool':
      return 'true/false';
    default:
      return 'text';
  }
}
