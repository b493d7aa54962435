// Validates preset bytes or text: size, UTF-8, nesting, JSON syntax, schema, then semantic rules.
// Pure and total: it never throws, and every problem it reports has a JSON path and a line:column.
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { locate, pathText } from './jsonLocation';
import { checkSchema } from './schemaCheck';
import { checkSemantics } from './semanticChecks';
import { firstInvalidUtf8, firstTooDeep, LineIndex, textBefore } from './textScan';
import { PRESET_VERSION, type Preset, type PresetProblem, type PresetValidation, type ProblemCode } from './presetTypes';

export const PRESET_LIMITS = {
  /** Bytes; a course preset is a few KiB. */
  maxBytes: 64 * 1024,
  /** Nested objects/arrays; a valid preset needs about 5. */
  maxDepth: 16,
};

export interface ValidateOptions {
  now?: Date;
  maxBytes?: number;
  maxDepth?: number;
}

export function validatePreset(input: string | Uint8Array, options: ValidateOptions = {}): PresetValidation {
  try {
    return validateUnsafe(input, options);
  } catch (e) {
    // A bug here must surface as a problem, never as an exception in the caller.
    return fail([{ path: '$', line: 1, column: 1, offset: 0, length: 0, code: 'schema', message: `internal validator error: ${(e as Error)?.message ?? String(e)}` }]);
  }
}

function fail(problems: PresetProblem[], text?: string): PresetValidation {
  return { ok: false, problems, text };
}

function validateUnsafe(input: string | Uint8Array, options: ValidateOptions): PresetValidation {
  const maxBytes = options.maxBytes ?? PRESET_LIMITS.maxBytes;
  const maxDepth = options.maxDepth ?? PRESET_LIMITS.maxDepth;
  const now = options.now ?? new Date();
  const at0 = (code: ProblemCode, message: string): PresetProblem => ({ path: '$', line: 1, column: 1, offset: 0, length: 0, code, message });

  let text: string;
  if (typeof input === 'string') {
    const size = Buffer.byteLength(input, 'utf8');
    if (size > maxBytes) return fail([at0('too-large', `preset is ${size} bytes; the limit is ${maxBytes}`)]);
    text = input;
  } else {
    if (input.byteLength > maxBytes) return fail([at0('too-large', `preset is ${input.byteLength} bytes; the limit is ${maxBytes}`)]);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const bad = Math.max(0, firstInvalidUtf8(input));
      const before = textBefore(input, bad);
      const pos = new LineIndex(before).position(before.length);
      return fail([{ path: '$', ...pos, offset: before.length, length: 1, code: 'invalid-utf8', message: `invalid UTF-8 at byte ${bad}: presets must be UTF-8 text` }]);
    }
  }
  // A byte-order mark is tolerated (editors on Windows write one); offsets then count from after it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = new LineIndex(text);
  const problemAt = (path: string, offset: number, length: number, code: ProblemCode, message: string): PresetProblem =>
    ({ path, ...lines.position(offset), offset, length, code, message });

  const deep = firstTooDeep(text, maxDepth);
  if (deep >= 0) return fail([problemAt('$', deep, 1, 'too-deep', `nesting deeper than ${maxDepth} levels`)], text);

  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (parseErrors.length) {
    // Only the first: the parser's recovery makes the later ones echoes of it.
    return fail(parseErrors.slice(0, 1).map((e) => problemAt('$', e.offset, e.length, 'syntax', `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}`)), text);
  }
  const duplicates = duplicateKeys(root);
  if (duplicates.length) {
    return fail(duplicates.map(({ segments, node }) =>
      problemAt(pathText(segments), node.offset, node.length, 'duplicate-key', `key "${String(segments[segments.length - 1])}" appears more than once`)), text);
  }
  // JSON.parse keeps "__proto__" as an own key (so the schema rejects it) where a tree walk would not.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // The tolerant tree parser accepted something strict JSON does not (e.g. a leading zero).
    const m = /position (\d+)/.exec((e as Error).message);
    const offset = m ? Math.min(Number(m[1]), text.length) : 0;
    return fail([problemAt('$', offset, 1, 'syntax', `JSON syntax error: ${(e as Error).message}`)], text);
  }

  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value === 'object' && value !== null && typeof version === 'number' && version !== PRESET_VERSION) {
    const loc = locate(root, ['version']);
    return fail([problemAt('$.version', loc.offset, loc.length, 'unsupported-version',
      `preset version ${version} is not supported: this extension reads version ${PRESET_VERSION}; update the extension or ask for a version ${PRESET_VERSION} preset`)], text);
  }

  const problems: PresetProblem[] = [];
  const seen = new Set<string>();
  for (const issue of checkSchema(value)) {
    const loc = locate(root, issue.segments, issue.at);
    const path = pathText(loc.segments);
    seen.add(path);
    problems.push(problemAt(path, loc.offset, loc.length, issue.code, issue.message));
  }
  for (const issue of checkSemantics(value, now)) {
    const loc = locate(root, issue.segments, issue.at);
    const path = pathText(loc.segments);
    // The schema already said what is wrong here; one message per place is enough.
    if (seen.has(path)) continue;
    problems.push(problemAt(path, loc.offset, loc.length, issue.code, issue.message));
  }
  if (problems.length) return fail(dedupe(problems).sort((a, b) => a.offset - b.offset), text);
  return { ok: true, preset: value as Preset, problems: [], text };
}

function dedupe(problems: PresetProblem[]): PresetProblem[] {
  const keys = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (keys.has(k)) return false;
    keys.add(k);
    return true;
  });
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'expected a key in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected text after the end',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'unfinished comment',
    UnexpectedEndOfString: 'unfinished string',
    UnexpectedEndOfNumber: 'unfinished number',
    InvalidUnicode: 'invalid \\u escape',
    InvalidEscapeCharacter: 'invalid escape',
    InvalidCharacter: 'control character in a string',
  };
  return words[code] ?? code;
}

function duplicateKeys(root: JsonNode | undefined): Array<{ segments: Array<string | number>; node: JsonNode }> {
  const out: Array<{ segments: Array<string | number>; node: JsonNode }> = [];
  const walk = (node: JsonNode | undefined, segments: Array<string | number>) => {
    if (!node) return;
    if (node.type === 'object') {
      const names = new Set<string>();
      for (const prop of node.children ?? []) {
        const keyNode = prop.children?.[0];
        const key = String(keyNode?.value);
        if (names.has(key) && keyNode) out.push({ segments: [...segments, key], node: keyNode });
        names.add(key);
        walk(prop.children?.[1], [...segments, key]);
      }
    } else if (node.type === 'array') {
      node.children?.forEach((child, i) => walk(child, [...segments, i]));
    }
  };
  walk(root, []);
  return out;
}
