// Applying a preset's "aws" section for real: the step runner, the assume-role step and an STS server
// (moto when installed, else our STS-shaped server), ending with credentials that act as the preset's role.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyPreset, type StepImplementations } from '../../../src/presets/applyPreset';
import { assumeAwsRoleStep, AWS_CREDENTIALS_KEY } from '../../../src/presets/assumeAwsRoleStep';
import { StsIdentityClient } from '../../../src/aws/stsIdentityClient';
import type { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { envFor } from '../../../src/aws/awsCredentials';
import { motoAvailable, startFakeStsServer, startMotoSts, type StsTestServer } from './stsServers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const preset = (identity: 'default' | 'web-identity') => JSON.stringify({
  version: 1, name: 'AWS course', kernel: { name: 'python3' },
  aws: { roleArn: 'arn:aws:iam::123456789012:role/course-data', region: 'us-west-2', sessionDurationSeconds: 900, sessionName: 'student-7', identity },
});

describe(`preset AWS step against ${motoAvailable() ? 'moto_server' : 'the STS-shaped test server'}`, () => {
  let sts: StsTestServer;
  const kept: ShortLivedCredentials[] = [];
  before(async () => {
    sts = motoAvailable() ? await startMotoSts() : await startFakeStsServer();
  });
  after(async () => {
    for (const h of kept) h.dispose();
    await sts?.stop();
  });

  const steps = (webIdentityToken?: () => Promise<string>): StepImplementations => ({
    'select-kernel': async () => {},
    'assume-aws-role': assumeAwsRoleStep({
      client: (step) => new StsIdentityClient({ endpoint: sts.endpoint, region: step.region, credentials: sts.credentials, maxAttempts: 1 }),
      webIdentityToken,
      keep: (holder) => kept.push(holder),
    }),
  });

  for (const identity of ['default', 'web-identity'] as const) {
    test(`identity "${identity}": the applied preset leaves renewing credentials that act as the role`, async () => {
      const progress: string[] = [];
      const outcome = await applyPreset(preset(identity), steps(async () => 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdHVkZW50In0.c2ln'), {
        onProgress: (e) => { if (e.type === 'step-progress') progress.push(e.message); },
      });
      assert.equal(outcome.status, 'done', outcome.status === 'failed' ? outcome.failed.message : outcome.status);
      assert.ok(outcome.status === 'done');
      const holder = outcome.state[AWS_CREDENTIALS_KEY] as ShortLivedCredentials;
      assert.equal(kept.at(-1), holder);
      const creds = holder.current();
      assert.ok(creds?.expiration && creds.expiration.getTime() > Date.now() + 800_000);
      assert.ok(progress.some((p) => /valid until/.test(p)), progress.join('\n'));
      assert.ok(!progress.join('\n').includes(creds.secretAccessKey));
      const env = envFor(creds, 'us-west-2');
      const asRole = await new StsIdentityClient({ endpoint: sts.endpoint, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, sessionToken: env.AWS_SESSION_TOKEN } }).whoAmI();
      assert.equal(asRole.arn, 'arn:aws:sts::123456789012:assumed-role/course-data/student-7');
    });
  }

  test('web identity without a token source fails at that step, naming it', async () => {
    const outcome = await applyPreset(preset('web-identity'), steps(undefined));
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.failed.step.kind, 'assume-aws-role');
    assert.match(outcome.failed.message, /no identity token/);
  });

  test('an unreachable STS fails the step; retry after it is back succeeds', async () => {
    let endpoint = 'http://127.0.0.1:9'; // discard port: nothing listens
    const impls: StepImplementations = {
      'select-kernel': async () => {},
      'assume-aws-role': assumeAwsRoleStep({
        client: () => new StsIdentityClient({ endpoint, credentials: sts.credentials, maxAttempts: 1, timeoutMs: 3000 }),
        keep: (holder) => kept.push(holder),
      }),
    };
    const outcome = await applyPreset(preset('default'), impls);
    assert.ok(outcome.status === 'failed');
    assert.match(outcome.failed.message, /Cannot reach AWS STS/);
    endpoint = sts.endpoint;
    const retried = await outcome.retry();
    assert.equal(retried.status, 'done');
  });
});
