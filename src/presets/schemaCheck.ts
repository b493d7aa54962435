// Checks a parsed preset against the shipped JSON Schema with ajv and words each error for people.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadChunk } from '../core/chunks';
import presetSchema from '../../schemas/preset.schema.json';
import { pointerSegments } from './jsonLocation';
import { settingRefusal } from './settingsPolicy';
import type { ProblemCode } from './presetTypes';

export interface SchemaIssue {
  /** Pointer segments of the place (for `at: 'key'`, including the key itself). */
  segments: string[];
  at: 'value' | 'key';
  message: string;
  code: ProblemCode;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // strictTypes off: union types with per-type keywords (maxLength on string|array) are intended.
    // ajv loads from its own chunk on first use: it is needed only when a preset is checked.
    const { Ajv } = loadChunk<typeof import('../chunks/ajv')>('ajv');
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
    // VS Code's JSON language service reads these keywords (messages, snippets); ajv only has to accept them.
    ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'defaultSnippets', schemaType: 'array' });
    compiled = ajv.compile(presetSchema);
  }
  return compiled;
}

export function presetSchemaObject(): unknown {
  return presetSchema;
}

export function checkSchema(value: unknown): SchemaIssue[] {
  const validate = validator();
  if (validate(value)) return [];
  const issues: SchemaIssue[] = [];
  for (const e of validate.errors ?? []) {
    const issue = describe(e);
    if (issue) issues.push(issue);
  }
  return issues;
}

function describe(e: ErrorObject): SchemaIssue | undefined {
  const segments = pointerSegments(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  // A bad property name is reported twice (the name's own keyword, then propertyNames): keep the second.
  if (e.propertyName !== undefined && e.keyword !== 'propertyNames') return undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { segments: [...segments, key], at: 'key', code: 'unknown-key', message: `unknown key "${key}"` };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const inSettings = segments.length === 1 && segments[0] === 'settings';
      const message = inSettings
        ? settingRefusal(key) ?? `setting "${key}" is refused`
        : `key "${key}" ${namePatternMessage(e) ?? 'is not allowed here'}`;
      return { segments: [...segments, key], at: 'key', code: inSettings ? 'forbidden-setting' : 'schema', message };
    }
    case 'required': {
      const key = String(params.missingProperty);
      return { segments, at: 'value', code: 'missing-key', message: `missing required key "${key}"` };
    }
    case 'type': {
      const types = String(params.type).split(',');
      return { segments, at: 'value', code: 'wrong-type', message: `must be ${types.map(article).join(' or ')}` };
    }
    case 'const':
      return { segments, at: 'value', code: 'schema', message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { segments, at: 'value', code: 'schema', message: `must be one of ${allowed}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const negative = e.keyword === 'minimum' && params.limit === 0;
      return { segments, at: 'value', code: negative ? 'negative' : 'schema', message: `must be ${String(params.comparison)} ${String(params.limit)}` };
    }
    case 'pattern': {
      const custom = typeof parent.patternErrorMessage === 'string' ? parent.patternErrorMessage : undefined;
      return { segments, at: 'value', code: 'schema', message: custom ?? `must match ${String(params.pattern)}` };
    }
    case 'minLength':
      return { segments, at: 'value', code: 'schema', message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'maxLength':
      return { segments, at: 'value', code: 'schema', message: `must be at most ${String(params.limit)} characters` };
    case 'maxItems':
      return { segments, at: 'value', code: 'schema', message: `must have at most ${String(params.limit)} items` };
    case 'maxProperties':
      return { segments, at: 'value', code: 'schema', message: `must have at most ${String(params.limit)} keys` };
    case 'uniqueItems':
      return { segments, at: 'value', code: 'schema', message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)` };
    default:
      return { segments, at: 'value', code: 'schema', message: e.message ?? `fails the schema's "${e.keyword}" rule` };
  }
}

function namePatternMessage(e: ErrorObject): string | undefined {
  const names = (e.parentSchema?.propertyNames ?? {}) as Record<string, unknown>;
  const custom = names.patternErrorMessage;
  return typeof custom === 'string' ? `is not allowed: ${custom}` : undefined;
}

function article(type: string): string {
  switch (type) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'integer': return 'an integer';
    case 'null': return 'null';
    default: return `a ${type}`;
  }
}
