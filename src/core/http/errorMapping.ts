// Maps fetch failures and HTTP statuses onto the typed errors of errors.ts.
import {
  ConflictError, ForbiddenError, NotFoundError, PangeoError, TlsError, UnauthorizedError,
  UnexpectedResponseError, UnreachableError,
} from './errors';
import { redact } from './redact';

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_NOT_YET_VALID', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** The innermost error code of a failed fetch (undici nests the socket error in `cause`). */
export function networkErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function mapNetworkError(url: string, e: unknown): PangeoError {
  const code = networkErrorCode(e);
  if (code && TLS_CODES.has(code)) return new TlsError(url, code, e);
  return new UnreachableError(url, code ?? (e instanceof Error ? e.message : undefined), e);
}

/** The server's own words: JupyterHub `{message}`, Gateway `{error}`, Django `{detail}`, or a short text body. */
export function extractServerMessage(body: string, contentType: string | null): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  if (contentType?.includes('json') || text.startsWith('{')) {
    try {
      const j = JSON.parse(text) as Record<string, unknown>;
      for (const key of ['message', 'error', 'detail', 'reason']) {
        const v = j[key];
        if (typeof v === 'string' && v) return redact(v);
      }
    } catch {
      // not JSON after all: fall through to text
    }
  }
  if (contentType?.includes('html') || text.startsWith('<')) {
    const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    const h1 = /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1]?.trim();
    const msg = /<p[^>]*class="[^"]*error[^"]*"[^>]*>([\s\S]*?)<\/p>/i.exec(text)?.[1]?.replace(/<[^>]+>/g, '').trim();
    return redact([msg, h1, title].find((s) => s) ?? 'HTML error page');
  }
  return redact(text.length > 300 ? `${text.slice(0, 300)}…` : text);
}

export function mapStatus(url: string, status: number, serverMessage?: string): PangeoError {
  switch (status) {
    case 401: return new UnauthorizedError(url, serverMessage);
    case 403: return new ForbiddenError(url, serverMessage);
    case 404: return new NotFoundError(url, serverMessage);
    case 409: return new ConflictError(url, status, serverMessage);
    default: return new UnexpectedResponseError(url, status, serverMessage);
  }
}
