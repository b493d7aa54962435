// REST answers are checked where they enter the program, like webview messages: a body of the wrong shape becomes a
// typed error naming the endpoint, never a TypeError three calls later. Built on the webviews' dependency-free checks,
// with types added so the compiler holds each check to the interface it proves.
import * as check from '../../shared/validate';
import { PangeoError } from './errors';
import type { HttpClient, HttpRequest, HttpResponse } from './httpClient';
import { redactUrl } from './redact';

/** A runtime check that proves `T`. */
export type Guard<T> = (v: unknown) => v is T;

export const str = check.isStr as Guard<string>;
export const num = check.isFiniteNum as Guard<number>;
export const bool = check.isBool as Guard<boolean>;
export const unknownValue = ((_v: unknown) => true) as Guard<unknown>;
export const plainObject = check.isObj as Guard<Record<string, unknown>>;
export const optional = <T>(g: Guard<T>) => check.optional(g) as Guard<T | undefined>;
export const nullable = <T>(g: Guard<T>) => check.nullable(g) as Guard<T | null>;
/** Absent or null: what JSON APIs send for "no value" in either spelling. */
export const maybe = <T>(g: Guard<T>) => check.optional(check.nullable(g)) as Guard<T | null | undefined>;
export const arrayOf = <T>(g: Guard<T>) => check.arrayOf(g) as Guard<T[]>;
export const recordOf = <T>(g: Guard<T>) => check.recordOf(g) as Guard<Record<string, T>>;
export const oneOf = <const T extends readonly (string | number | boolean | null)[]>(...values: T) => check.oneOf(...values) as Guard<T[number]>;
export const either = <A, B>(a: Guard<A>, b: Guard<B>) => ((v: unknown) => a(v) || b(v)) as Guard<A | B>;

/** An object whose fields pass their guards: one guard per field of `T`, so a field added to `T` must be checked. */
export function shape<T extends object>(fields: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  return check.shape(fields) as Guard<T>;
}

/** Who answered and what it should be, for the error: "The hub" / "Is https://x/ a JupyterHub?". */
export interface Answerer {
  /** Capitalised, e.g. "The hub", "The Jupyter server". */
  who: string;
  /** What the user can check or do, e.g. "Is https://hub.example.org/ a JupyterHub? Check the address." */
  hint: string;
}

/** A 2xx answer whose body is not what the API documents (a proxy's page, another service, an incompatible version). */
export class UnexpectedBodyError extends PangeoError {
  constructor(readonly answerer: Answerer, url: string, status: number, what = 'an unexpected body') {
    super('UnexpectedResponse', `${answerer.who} answered ${pathOf(url)} with ${what}.`, answerer.hint, { status, url });
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** Returns `body` as `T`, or throws UnexpectedBodyError. The body itself is never put in the error (it may hold tokens). */
export function checkBody<T>(body: unknown, guard: Guard<T>, answerer: Answerer, url: string, status = 200): T {
  if (!guard(body)) throw new UnexpectedBodyError(answerer, redactUrl(url), status);
  return body;
}

/** Reads a response's JSON body and checks it; a body that is not JSON at all is the same kind of error. */
export async function checkedBody<T>(res: HttpResponse, guard: Guard<T>, answerer: Answerer, url = res.url): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UnexpectedBodyError(answerer, redactUrl(url), res.status, text.trim() ? 'a body that is not JSON' : 'an empty body');
  }
  return checkBody(body, guard, answerer, url, res.status);
}

/** GET/POST/... whose JSON answer is checked against `guard`; undefined only where the request allows 204. */
export async function checkedJson<T>(http: HttpClient, req: HttpRequest, guard: Guard<T>, answerer: Answerer): Promise<T> {
  const res = await http.request({ ...req, headers: { Accept: 'application/json', ...req.headers } });
  return checkedBody(res, guard, answerer, res.url || http.resolve(req.path, req.query).toString());
}
