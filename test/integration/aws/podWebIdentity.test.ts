// A hub pod's web-identity role (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE) and the user's own profile keys
// (GetSessionToken), each giving short-lived credentials against a real STS server (moto when installed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StsIdentityClient } from '../../../src/aws/stsIdentityClient';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { podWebIdentity, podWebIdentityObtain } from '../../../src/aws/podWebIdentity';
import { isPangeoError } from '../../../src/core/http/errors';
import { motoAvailable, startFakeStsServer, startMotoSts, type StsTestServer } from './stsServers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe(`pod web identity and session tokens against ${motoAvailable() ? 'moto_server' : 'the STS-shaped test server'}`, () => {
  let sts: StsTestServer;
  let dir: string;
  before(async () => {
    sts = motoAvailable() ? await startMotoSts() : await startFakeStsServer();
    dir = mkdtempSync(join(tmpdir(), 'pangeo-irsa-'));
  });
  after(async () => {
    await sts?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE: credentials that act as the pod\'s role, without any AWS credentials of our own', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dXNlcnMifQ.c2ln\n');
    const env = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/hub-users', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_SESSION_NAME: 'jovyan' };
    const identity = podWebIdentity(env);
    assert.deepEqual(identity, { roleArn: env.AWS_ROLE_ARN, tokenFile, sessionName: 'jovyan' });
    // Placeholder keys only keep the SDK off this machine's own AWS config: the call is unsigned, the token is the proof.
    const client = new StsIdentityClient({ endpoint: sts.endpoint, credentials: { accessKeyId: 'unused', secretAccessKey: 'unused-unused' }, maxAttempts: 1 });
    const holder = new ShortLivedCredentials({ obtain: podWebIdentityObtain(client, identity, 900) });
    try {
      const creds = await holder.get();
      const asRole = await new StsIdentityClient({ endpoint: sts.endpoint, credentials: creds, maxAttempts: 1 }).whoAmI();
      assert.equal(asRole.arn, 'arn:aws:sts::123456789012:assumed-role/hub-users/jovyan');
    } finally {
      holder.dispose();
    }
  });

  test('a token file that is missing is named in the error; half a web identity is none', async () => {
    const identity = podWebIdentity({ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/hub-users', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'absent') })!;
    const client = new StsIdentityClient({ endpoint: sts.endpoint, maxAttempts: 1 });
    await assert.rejects(podWebIdentityObtain(client, identity)(new AbortController().signal),
      (e: unknown) => isPangeoError(e, 'InvalidInput') && /absent \(AWS_WEB_IDENTITY_TOKEN_FILE\): ENOENT/.test((e as Error).message));
    assert.equal(podWebIdentity({ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/x' }), undefined);
    assert.equal(podWebIdentity({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }), undefined);
  });

  test('the user\'s own profile keys: GetSessionToken gives expiring credentials for the same identity', { skip: motoAvailable() ? false : 'the STS-shaped test server has no GetSessionToken' }, async () => {
    const client = new StsIdentityClient({ endpoint: sts.endpoint, credentials: sts.credentials, maxAttempts: 1 });
    const creds = await client.sessionToken(900);
    assert.ok(creds.sessionToken && creds.expiration && creds.expiration.getTime() > Date.now());
    assert.notEqual(creds.secretAccessKey, sts.credentials.secretAccessKey);
  });
});
