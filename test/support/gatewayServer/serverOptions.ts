// The test gateway's cluster options, declared and checked like dask_gateway_server/options.py (same JSON spec, same
// error texts, Python's repr for values), so the client meets the real server's 422 messages.

export type ServerField =
  | { kind: 'String'; field: string; label?: string; default?: string }
  | { kind: 'Bool'; field: string; label?: string; default?: boolean }
  | { kind: 'Integer' | 'Float'; field: string; label?: string; default?: number; min?: number; max?: number }
  | { kind: 'Select'; field: string; label?: string; options: string[]; default?: string }
  | { kind: 'Mapping'; field: string; label?: string; default?: Record<string, unknown> };

export const DEFAULT_FIELDS: ServerField[] = [
  { kind: 'Integer', field: 'worker_cores', label: 'Worker Cores', default: 1, min: 1, max: 4 },
  { kind: 'Float', field: 'worker_memory', label: 'Worker Memory (GiB)', default: 0.5, min: 0.25, max: 8 },
  { kind: 'Select', field: 'profile', label: 'Profile', options: ['small', 'large'] },
  { kind: 'String', field: 'image', label: 'Image', default: 'pangeo/pangeo-notebook:2024.11.11' },
  { kind: 'Bool', field: 'debug', label: 'Debug logs', default: false },
  { kind: 'Mapping', field: 'environment', label: 'Environment variables' },
];

function defaultOf(f: ServerField): unknown {
  switch (f.kind) {
    case 'String': return f.default ?? '';
    case 'Bool': return f.default ?? false;
    case 'Integer': case 'Float': return f.default ?? 0;
    case 'Select': return f.default ?? f.options[0];
    case 'Mapping': return f.default ?? {};
  }
}

/** Field.json_spec() */
export function specOf(f: ServerField): unknown {
  const base = { field: f.field, label: f.label ?? f.field, default: defaultOf(f) };
  switch (f.kind) {
    case 'String': return { ...base, spec: { type: 'string' } };
    case 'Bool': return { ...base, spec: { type: 'bool' } };
    case 'Integer': return { ...base, spec: { type: 'int', min: f.min ?? null, max: f.max ?? null } };
    case 'Float': return { ...base, spec: { type: 'float', min: f.min ?? null, max: f.max ?? null } };
    case 'Select': return { ...base, spec: { type: 'select', options: f.options } };
    case 'Mapping': return { ...base, spec: { type: 'mapping' } };
  }
}

/** Python's repr() of a JSON value, as the upstream messages show it. */
export function pyRepr(x: unknown): string {
  if (x === null || x === undefined) return 'None';
  if (typeof x === 'boolean') return x ? 'True' : 'False';
  if (typeof x === 'string') return `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof x === 'number') return Number.isInteger(x) && !Object.is(x, -0) ? String(x) : String(x);
  if (Array.isArray(x)) return `[${x.map(pyRepr).join(', ')}]`;
  return `{${Object.entries(x).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

const fmtF = (n: number) => n.toFixed(6);

function validate(f: ServerField, x: unknown): unknown {
  switch (f.kind) {
    case 'String':
      if (typeof x !== 'string') throw new Error(`${f.field} must be a string, got ${pyRepr(x)}`);
      return x;
    case 'Bool':
      if (typeof x !== 'boolean') throw new Error(`${f.field} must be a bool, got ${pyRepr(x)}`);
      return x;
    case 'Integer':
    case 'Float': {
      // In Python, bool is an int; JSON numbers without a fraction arrive as int.
      const isInt = typeof x === 'boolean' || (typeof x === 'number' && Number.isInteger(x));
      if (f.kind === 'Integer' && !isInt) throw new Error(`${f.field} must be an integer, got ${pyRepr(x)}`);
      if (f.kind === 'Float' && typeof x !== 'number' && typeof x !== 'boolean') throw new Error(`${f.field} must be a float, got ${pyRepr(x)}`);
      const n = Number(x);
      if (f.min !== undefined && n < f.min) throw new Error(`${f.field} must be >= ${fmtF(f.min)}, got ${pyRepr(x)}`);
      if (f.max !== undefined && n > f.max) throw new Error(`${f.field} must be <= ${fmtF(f.max)}, got ${pyRepr(x)}`);
      return n;
    }
    case 'Select':
      if (typeof x !== 'string') throw new Error(`${f.field} must be a string, got ${pyRepr(x)}`);
      if (!f.options.includes(x)) throw new Error(`${pyRepr(x)} is not a valid option for ${f.field}`);
      return x;
    case 'Mapping':
      if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${f.field} must be a mapping, got ${pyRepr(x)}`);
      return x;
  }
}

/** Options.parse_options(): a dict, no unknown fields, every field validated (defaults filled in). Throws the upstream text. */
export function parseOptions(fields: ServerField[], request: unknown): Record<string, unknown> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new Error(`options must be a dict, got ${Array.isArray(request) ? 'list' : typeof request}`);
  }
  const extra = Object.keys(request).filter((k) => !fields.some((f) => f.field === k)).sort();
  if (extra.length) throw new Error(`Unknown fields ${pyRepr(extra)}`);
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const r = request as Record<string, unknown>;
    out[f.field] = validate(f, f.field in r ? r[f.field] : defaultOf(f));
  }
  return out;
}
