// Typed errors every protocol client throws: each says what went wrong and what the user can do next.

export type ErrorKind =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  | 'Unreachable'
  | 'Timeout'
  | 'Tls'
  | 'Cancelled'
  | 'UnexpectedResponse'
  | 'InvalidInput'
  | 'XsrfRejected';

export class PangeoError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** What the user can do about it, shown beside the message. */
    readonly hint: string,
    readonly details: { status?: number; url?: string; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(message);
    this.name = `${kind}Error`;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get serverMessage(): string | undefined {
    return this.details.serverMessage;
  }
  /** One line for a notification or the CLI: message, then the hint. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export class UnauthorizedError extends PangeoError {
  constructor(url: string, serverMessage?: string, status = 401) {
    super('Unauthorized', `Not signed in to ${url}${serverMessage ? `: ${serverMessage}` : ''}.`,
      'Your token is missing, expired or revoked: sign in again.', { status, url, serverMessage });
  }
}

export class ForbiddenError extends PangeoError {
  constructor(url: string, serverMessage?: string) {
    super('Forbidden', `Access to ${url} was refused (403)${serverMessage ? `: ${serverMessage}` : ''}.`,
      'Sign in again, or ask the hub admin for a token with the needed scopes.', { status: 403, url, serverMessage });
  }
}

export class NotFoundError extends PangeoError {
  constructor(url: string, serverMessage?: string) {
    super('NotFound', `Not found: ${url}${serverMessage ? ` (${serverMessage})` : ''}.`,
      'Check the address, or refresh: the resource may have been removed.', { status: 404, url, serverMessage });
  }
}

export class ConflictError extends PangeoError {
  constructor(url: string, status: number, serverMessage?: string) {
    super('Conflict', serverMessage ?? `The request to ${url} conflicts with the current state (${status}).`,
      'Refresh and try again.', { status, url, serverMessage });
  }
}

export class UnreachableError extends PangeoError {
  constructor(url: string, code?: string, cause?: unknown) {
    super('Unreachable', `Cannot reach ${url}${code ? ` (${code})` : ''}.`,
      'Check the address and your network connection, then retry.', { url, cause });
  }
}

export class TimeoutError extends PangeoError {
  constructor(url: string, ms: number) {
    super('Timeout', `${url} did not answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}.`,
      'The server may be busy or down: retry, or raise the timeout in settings.', { url });
  }
}

/** The headers came in time but the whole body did not: a server trickling bytes cannot hold a download open. */
export class BodyTimeoutError extends PangeoError {
  constructor(url: string, ms: number, receivedBytes: number) {
    super('Timeout', `${url} did not send its whole answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} (${receivedBytes} bytes arrived); the download was stopped.`,
      'The server is sending very slowly (overloaded, or on purpose): retry later, or get the file from another address.', { url });
  }
}

/** A body longer than the caller's limit: the rest is never downloaded. */
export class BodyTooLargeError extends PangeoError {
  constructor(url: string, readonly maxBytes: number) {
    super('UnexpectedResponse', `${url} sent more than ${maxBytes} bytes, the limit for this answer; the download was stopped.`,
      'Check the address: it does not point to what was expected, or the file is larger than allowed.', { url });
  }
}

export class TlsError extends PangeoError {
  constructor(url: string, code: string, cause?: unknown) {
    super('Tls', `The TLS certificate of ${url} was rejected (${code}).`,
      'Check the hub address; if the hub uses a private CA, set NODE_EXTRA_CA_CERTS to its certificate.', { url, cause });
  }
}

export class CancelledError extends PangeoError {
  constructor(what = 'The operation') {
    super('Cancelled', `${what} was cancelled.`, '');
  }
}

export class UnexpectedResponseError extends PangeoError {
  constructor(url: string, status: number, serverMessage?: string) {
    super('UnexpectedResponse',
      `${url} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}.`,
      status >= 500 ? 'The server had an error: retry later or tell its admin.' : 'Check the request and try again.',
      { status, url, serverMessage });
  }
}

export class InvalidInputError extends PangeoError {
  constructor(message: string, hint = '') {
    super('InvalidInput', message, hint);
  }
}

/** The hub refused a login form's XSRF check: not a wrong password and not an expired token. */
export class XsrfRejectedError extends PangeoError {
  constructor(url: string, serverMessage?: string) {
    super('XsrfRejected', `The hub refused the login form at ${url} because its XSRF check failed${serverMessage ? ` (${serverMessage})` : ''}; your username and password were not checked.`,
      'Retry in a moment. If it keeps happening, something between you and the hub (a proxy) drops cookies or changes the User-Agent: tell the hub admin, or sign in with an API token from the hub\'s Token page.',
      { status: 403, url, serverMessage });
  }
}

export function isPangeoError(e: unknown, kind?: ErrorKind): e is PangeoError {
  return e instanceof PangeoError && (kind === undefined || e.kind === kind);
}

/** Auth failures are the ones that call for a fresh sign-in. */
export function isAuthError(e: unknown): e is PangeoError {
  return isPangeoError(e, 'Unauthorized') || isPangeoError(e, 'Forbidden');
}

/** A PangeoError's fields, as they cross to another thread (structured cloning keeps no class). */
export interface PangeoErrorFields {
  kind: ErrorKind;
  message: string;
  hint: string;
  status?: number;
  url?: string;
  serverMessage?: string;
}

export function pangeoErrorFields(e: PangeoError): PangeoErrorFields {
  return { kind: e.kind, message: e.message, hint: e.hint, status: e.status, url: e.details.url, serverMessage: e.serverMessage };
}

/** The class each kind's errors are thrown as, so an error rebuilt from its fields passes the same `instanceof` checks. */
const CLASS_OF_KIND: Partial<Record<ErrorKind, { prototype: PangeoError }>> = {
  Unauthorized: UnauthorizedError, Forbidden: ForbiddenError, NotFound: NotFoundError, Conflict: ConflictError,
  Unreachable: UnreachableError, Timeout: TimeoutError, Tls: TlsError, Cancelled: CancelledError,
  UnexpectedResponse: UnexpectedResponseError, InvalidInput: InvalidInputError, XsrfRejected: XsrfRejectedError,
};

/** The typed error another thread threw, from pangeoErrorFields (its message and URL were redacted there). */
export function pangeoErrorFromFields(f: PangeoErrorFields): PangeoError {
  const e = new PangeoError(f.kind, f.message, f.hint, { status: f.status, url: f.url, serverMessage: f.serverMessage });
  const cls = CLASS_OF_KIND[f.kind];
  if (cls) Object.setPrototypeOf(e, cls.prototype);
  return e;
}
