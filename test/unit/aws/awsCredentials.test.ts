// Handing credentials on: environment variables, a shell export block that survives any value, and redaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { envFor, exportBlock, registerCredentialSecrets, type AwsCredentials } from '../../../src/aws/awsCredentials';
import { redact } from '../../../src/core/http/redact';

const creds: AwsCredentials = {
  accessKeyId: 'ASIAEXAMPLEKEY123456',
  secretAccessKey: "wJalr/XUtnFEMI+K7MDENG'bPxRfiCY$(reboot)",
  sessionToken: 'FQoGZXIvYXdzEBYaD/token+with=chars',
  expiration: new Date('2026-11-25T18:00:00Z'),
};

test('envFor gives the variables AWS tools read', () => {
  assert.deepEqual(envFor(creds, 'us-west-2'), {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: '2026-11-25T18:00:00.000Z',
    AWS_REGION: 'us-west-2',
    AWS_DEFAULT_REGION: 'us-west-2',
  });
  assert.deepEqual(Object.keys(envFor({ accessKeyId: 'AKIAX', secretAccessKey: 'secretsecret' })), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
});

test('a real shell evaluating the export block gets the exact values back (quotes, $, parentheses)', () => {
  const block = exportBlock(creds, 'eu-central-1');
  assert.match(block, /^# AWS credentials valid until 2026-11-25T18:00:00.000Z$/m);
  const out = execFileSync('/bin/sh', ['-c', `${block}\nprintf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_REGION"`], { encoding: 'utf8', env: {} });
  assert.deepEqual(out.trim().split('\n'), [creds.accessKeyId, creds.secretAccessKey, creds.sessionToken, 'eu-central-1']);
});

test('registered credentials are masked wherever they appear later', () => {
  registerCredentialSecrets(creds);
  const line = redact(`spawned dask with AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey} token ${creds.sessionToken}`);
  assert.ok(!line.includes(creds.secretAccessKey) && !line.includes(creds.sessionToken!), line);
  assert.ok(line.includes('[REDACTED]'));
  // The key id is not a secret (it names the key); it stays readable for support.
  assert.ok(redact(creds.accessKeyId).includes(creds.accessKeyId));
});
