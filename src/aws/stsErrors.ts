// Turns AWS SDK errors into the program's typed errors, with a hint the user can act on.
import { PangeoError, CancelledError, ForbiddenError, UnauthorizedError, UnexpectedResponseError, TimeoutError, InvalidInputError } from '../core/http/errors';
import { mapNetworkError, networkErrorCode } from '../core/http/errorMapping';
import { redact } from '../core/http/redact';

interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  code?: string;
}

const AUTH_NAMES = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'UnrecognizedClient', 'IncompleteSignature', 'MissingAuthenticationToken']);
const FORBIDDEN_NAMES = new Set(['AccessDenied', 'InvalidIdentityToken', 'IDPRejectedClaim', 'IDPCommunicationError', 'RegionDisabled']);

export function mapStsError(operation: string, where: string, e: unknown, timeoutMs = 15_000): PangeoError {
  if (e instanceof PangeoError) return e;
  const err = (e ?? {}) as SdkErrorShape;
  // Modeled STS errors arrive as e.g. InvalidIdentityTokenException; unmodeled ones by their bare code.
  const name = (err.name ?? '').replace(/Exception$/, '');
  const message = redact(err.message ?? String(e));
  const target = `AWS STS ${operation} (${where})`;
  if (name === 'AbortError') return new CancelledError(target);
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential.*not found|profile .* could not be found/i.test(message)) {
    return new PangeoError('Unauthorized', `No AWS credentials for ${target}: ${message}.`,
      'Configure credentials (aws configure, AWS_PROFILE, environment variables or SSO login), or name a profile.', { cause: e });
  }
  if (AUTH_NAMES.has(name)) {
    const u = new UnauthorizedError(target, `${name}: ${message}`);
    return new PangeoError('Unauthorized', u.message, 'Your AWS credentials are invalid or expired: refresh them (e.g. aws sso login) and retry.', { cause: e, serverMessage: message });
  }
  if (FORBIDDEN_NAMES.has(name)) {
    const f = new ForbiddenError(target, `${name}: ${message}`);
    return new PangeoError('Forbidden', f.message, 'The role\'s trust policy does not allow this identity, or the token was rejected: ask the role\'s owner.', { cause: e, serverMessage: message });
  }
  if (name === 'ValidationError' || name === 'MalformedPolicyDocument' || name === 'PackedPolicyTooLarge') {
    return new InvalidInputError(`${target} refused the request: ${message}`, 'Check the role ARN, session name and duration.');
  }
  if (name === 'TimeoutError' || (/timed? ?out/i.test(message) && !err.$metadata?.httpStatusCode)) return new TimeoutError(target, timeoutMs);
  const status = err.$metadata?.httpStatusCode;
  if (status) return new UnexpectedResponseError(target, status, `${name}: ${message}`);
  if (networkErrorCode(e)) return mapNetworkError(target, e);
  return new UnexpectedResponseError(target, 0, `${name || 'Error'}: ${message}`);
}
