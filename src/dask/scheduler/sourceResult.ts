// What a dashboard data source gives back: a value, or why there is none (the route or family is not served, or the
// answer has an unexpected shape) — so a chart can say what is missing instead of drawing an empty plot.

export type SourceResult<T> =
  | { kind: 'ok'; value: T }
  /** The scheduler does not serve this (older/newer Dask, a missing package, a route turned off). */
  | { kind: 'notServed'; reason: string }
  /** Something answered, but not in a shape we know. */
  | { kind: 'malformed'; reason: string };

export function ok<T>(value: T): SourceResult<T> {
  return { kind: 'ok', value };
}

export function notServed<T>(reason: string): SourceResult<T> {
  return { kind: 'notServed', reason };
}

export function malformed<T>(reason: string): SourceResult<T> {
  return { kind: 'malformed', reason };
}
