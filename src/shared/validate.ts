// Small runtime checks for whatever crosses a boundary: webview messages and REST answers (no dependencies: the host
// and the webviews both bundle this).

export type Check = (v: unknown) => boolean;

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNum: Check = (v) => typeof v === 'number' && !Number.isNaN(v);
export const isFiniteNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
export const isStr: Check = (v) => typeof v === 'string';
export const isBool: Check = (v) => typeof v === 'boolean';
export const optional = (c: Check): Check => (v) => v === undefined || c(v);
export const nullable = (c: Check): Check => (v) => v === null || c(v);
export const oneOf = (...values: readonly unknown[]): Check => (v) => values.includes(v);
export const arrayOf = (c: Check): Check => (v) => Array.isArray(v) && v.every(c);
export const recordOf = (c: Check): Check => (v) => isObj(v) && Object.values(v).every(c);
export const isWholeNum: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** An object whose listed fields pass their checks (other fields are allowed and ignored). */
export function shape(fields: Record<string, Check>): Check {
  const entries = Object.entries(fields);
  return (v) => isObj(v) && entries.every(([k, c]) => c(v[k]));
}

/** The same test as isObj, typed as a record for parsers of REST answers. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return isObj(v);
}

/** A finite number, or undefined (JSON nulls, strings and NaN are not numbers here). */
export function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
