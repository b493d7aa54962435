// SDK failures become the program's typed errors (and so the CLI's exit codes), with no secret in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapStsError } from '../../../src/aws/stsErrors';
import { exitCodeFor, EXIT } from '../../../src/cli/command';
import { registerSecret } from '../../../src/core/http/redact';

function sdkError(name: string, message: string, status?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

test('each kind of STS failure maps to a kind and an exit code', () => {
  const cases: Array<[unknown, string, number]> = [
    [sdkError('AccessDenied', 'not authorized to perform sts:AssumeRole', 403), 'Forbidden', EXIT.auth],
    [sdkError('InvalidIdentityToken', 'token is not valid', 400), 'Forbidden', EXIT.auth],
    [sdkError('InvalidIdentityTokenException', 'token is not valid', 400), 'Forbidden', EXIT.auth],
    [sdkError('ExpiredTokenException', 'token expired', 400), 'Unauthorized', EXIT.auth],
    [sdkError('IDPRejectedClaimException', 'claim rejected', 403), 'Forbidden', EXIT.auth],
    [sdkError('ExpiredToken', 'The security token included in the request is expired', 400), 'Unauthorized', EXIT.auth],
    [sdkError('InvalidClientTokenId', 'The security token is invalid', 403), 'Unauthorized', EXIT.auth],
    [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'Unauthorized', EXIT.auth],
    [sdkError('ValidationError', '1 validation error detected: roleSessionName', 400), 'InvalidInput', EXIT.usage],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'Unreachable', EXIT.unreachable],
    [sdkError('TimeoutError', 'socket timed out'), 'Timeout', EXIT.unreachable],
    [sdkError('AbortError', 'aborted'), 'Cancelled', EXIT.failure],
    [sdkError('InternalFailure', 'boom', 500), 'UnexpectedResponse', EXIT.failure],
  ];
  for (const [error, kind, exit] of cases) {
    const mapped = mapStsError('AssumeRole', 'http://127.0.0.1:5000', error);
    assert.equal(mapped.kind, kind, `${(error as Error).name}`);
    assert.equal(exitCodeFor(mapped), exit, `${(error as Error).name}`);
    assert.ok(mapped.userMessage.length > 0);
  }
});

test('secrets echoed in an SDK message are masked', () => {
  registerSecret('web-identity-token-0123456789');
  const mapped = mapStsError('AssumeRoleWithWebIdentity', 'sts', sdkError('InvalidIdentityToken', 'bad token web-identity-token-0123456789', 400));
  assert.ok(!mapped.userMessage.includes('web-identity-token-0123456789'), mapped.userMessage);
});
