import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactUrl, registerSecret } from '../../../src/core/http/redact';

test('registered secrets vanish wherever they appear', () => {
  registerSecret('s3cr3t-token-value');
  assert.equal(redact('GET x failed with s3cr3t-token-value inside'), 'GET x failed with [REDACTED] inside');
});

test('secrets never registered are caught by shape', () => {
  assert.equal(redact('Authorization: token abcdef123456'), 'Authorization: token [REDACTED]');
  assert.equal(redact('authorization=Bearer xyz.abc.def'), 'authorization=Bearer [REDACTED]');
  assert.equal(redact('Authorization: ApiToken c0iled'), 'Authorization: ApiToken [REDACTED]');
  assert.equal(redact('Authorization: jupyterhub abcd'), 'Authorization: jupyterhub [REDACTED]');
  assert.equal(redact('https://h/user/a/lab?token=abc&x=1'), 'https://h/user/a/lab?token=[REDACTED]&x=1');
  assert.equal(redact('cb?code=AUTHCODE&state=s'), 'cb?code=[REDACTED]&state=s');
  assert.equal(redact('{"token": "tok", "id": "a1"}'), '{"token": "[REDACTED]", "id": "a1"}');
  assert.equal(redact('{"tls_key":"-----BEGIN"}'), '{"tls_key":"[REDACTED]"}');
  assert.equal(redact('{"SecretAccessKey":"wJalr","AccessKeyId":"AKIA"}'), '{"SecretAccessKey":"[REDACTED]","AccessKeyId":"AKIA"}');
  assert.equal(redact('export AWS_SESSION_TOKEN=FwoG'), 'export AWS_SESSION_TOKEN=[REDACTED]');
  assert.equal(redact('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'), '[REDACTED]');
  assert.equal(redact('{"password": "hunter2"}'), '{"password": "[REDACTED]"}');
});

test('redactUrl strips user:password and query tokens', () => {
  assert.equal(redactUrl('https://ana:pw@h/x?token=t'), 'https://ana:[REDACTED]@h/x?token=[REDACTED]');
});

test('ordinary text is left alone', () => {
  const text = 'Server ana started in 2.1 s (profile small)';
  assert.equal(redact(text), text);
});
