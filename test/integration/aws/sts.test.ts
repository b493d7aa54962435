// STS for real over HTTP: GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity and renewal before expiry,
// through the client, the credentials holder and the CLI, against moto_server and against our STS-shaped server.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StsIdentityClient } from '../../../src/aws/stsIdentityClient';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { envFor, type AwsCredentials } from '../../../src/aws/awsCredentials';
import { isPangeoError } from '../../../src/core/http/errors';
import { runCli } from '../../../src/cli/main';
import { awsCommands } from '../../../src/cli/awsCommands';
import { EXIT } from '../../../src/cli/command';
import { freePort } from '../../support/freePort';
import { motoAvailable, MOTO_SERVER, startFakeStsServer, startMotoSts, type StsTestServer } from './stsServers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ROLE = 'arn:aws:iam::123456789012:role/ods101-students';

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, [awsCommands], {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    readStdin: async () => '',
    env,
  }, new AbortController().signal);
  return { code, out, err };
}

/** Sets environment variables for one test and puts the old values back afterwards. */
function withEnv(t: { after(fn: () => void): void }, vars: Record<string, string | undefined>): void {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  t.after(() => {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

function suite(kind: 'moto' | 'fake', start: () => Promise<StsTestServer>): void {
  describe(`STS against ${kind === 'moto' ? `moto_server (${MOTO_SERVER})` : 'the STS-shaped test server'}`, () => {
    let sts: StsTestServer;
    const client = (opts: { credentials?: AwsCredentials; profile?: string } = {}) =>
      new StsIdentityClient({ endpoint: sts.endpoint, region: 'us-east-1', maxAttempts: 1, timeoutMs: 10_000, credentials: opts.credentials, profile: opts.profile });

    before(async () => {
      sts = await start();
    });
    after(async () => {
      await sts?.stop();
    });

    test('GetCallerIdentity with explicit long-term keys', async () => {
      const id = await client({ credentials: sts.credentials }).whoAmI();
      assert.deepEqual({ account: id.account, arn: id.arn }, sts.identity);
      assert.ok(id.userId.length > 0);
    });

    test('GetCallerIdentity through the default chain (environment) and through a named profile', async (t) => {
      withEnv(t, { AWS_ACCESS_KEY_ID: sts.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sts.credentials.secretAccessKey, AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined });
      assert.equal((await client().whoAmI()).arn, sts.identity.arn);

      const dir = mkdtempSync(join(tmpdir(), 'pangeo-aws-profile-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'credentials'), `[course]\naws_access_key_id = ${sts.credentials.accessKeyId}\naws_secret_access_key = ${sts.credentials.secretAccessKey}\n`);
      writeFileSync(join(dir, 'config'), '[profile course]\nregion = us-east-1\n');
      withEnv(t, { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
      assert.equal((await client({ profile: 'course' }).whoAmI()).arn, sts.identity.arn);
      await assert.rejects(client({ profile: 'no-such-profile' }).whoAmI(), (e: unknown) => isPangeoError(e, 'Unauthorized'));
    });

    test('AssumeRole gives short-lived credentials that act as the role', async () => {
      const started = Date.now();
      const creds = await client({ credentials: sts.credentials }).assumeRole(ROLE, 'student-1', 900);
      assert.match(creds.accessKeyId, /^ASIA/);
      assert.ok(creds.secretAccessKey && creds.sessionToken);
      const lifetime = creds.expiration!.getTime() - started;
      assert.ok(lifetime > 890_000 && lifetime < 910_000, `lifetime ${lifetime} ms`);
      const asRole = await client({ credentials: creds }).whoAmI();
      assert.equal(asRole.arn, 'arn:aws:sts::123456789012:assumed-role/ods101-students/student-1');
    });

    test('AssumeRoleWithWebIdentity needs no AWS credentials at all', async (t) => {
      withEnv(t, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: undefined, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' });
      const creds = await client().assumeRoleWithWebIdentity(ROLE, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdHVkZW50In0.c2ln', 'student-2', 900);
      const asRole = await client({ credentials: creds }).whoAmI();
      assert.equal(asRole.arn, 'arn:aws:sts::123456789012:assumed-role/ods101-students/student-2');
    });

    test('the holder renews before expiry on a real timer, and the renewed credentials work', async (t) => {
      const base = client({ credentials: sts.credentials });
      let sessions = 0;
      const holder = new ShortLivedCredentials({
        obtain: () => base.assumeRole(ROLE, `renewal-${++sessions}`, 900),
        // 900 s credentials, renewed 898.8 s before expiry: the first renewal is due after about 1.2 s.
        renewBeforeMs: 898_800,
      });
      t.after(() => holder.dispose());
      const renewedOnce = new Promise<AwsCredentials>((resolve) => {
        let n = 0;
        holder.onDidRenew((c) => { if (++n === 2) resolve(c); });
      });
      const first = await holder.get();
      // A referenced timer: the holder's own timer is unref'd and must not be what keeps this test waiting.
      let guard: NodeJS.Timeout | undefined;
      const second = await Promise.race([renewedOnce, new Promise<never>((_, reject) => { guard = setTimeout(() => reject(new Error('no renewal within 15 s')), 15_000); })])
        .finally(() => clearTimeout(guard));
      assert.notEqual(second.accessKeyId, first.accessKeyId);
      assert.ok(second.expiration!.getTime() > first.expiration!.getTime());
      assert.equal((await client({ credentials: second }).whoAmI()).arn, 'arn:aws:sts::123456789012:assumed-role/ods101-students/renewal-2');
    });

    test('CLI: aws whoami and aws assume-role; the export block really works in a shell', async () => {
      const env = { AWS_ACCESS_KEY_ID: sts.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sts.credentials.secretAccessKey };
      const who = await cli(['aws', 'whoami', '--endpoint', sts.endpoint, '--json'], env);
      assert.equal(who.code, EXIT.ok, who.err);
      assert.equal((JSON.parse(who.out) as { arn: string }).arn, sts.identity.arn);

      const assumed = await cli(['aws', 'assume-role', '--role-arn', ROLE, '--session-name', 'cli-user', '--duration', '900', '--endpoint', sts.endpoint, '--verbose'], env);
      assert.equal(assumed.code, EXIT.ok, assumed.err);
      assert.match(assumed.err, /valid until \d{4}-/);
      // Evaluate the block in a real shell, then ask STS who those variables make us.
      const exported = execFileSync('/bin/sh', ['-c', `${assumed.out}\nenv`], { encoding: 'utf8', env: {} });
      const vars = Object.fromEntries(exported.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      assert.ok(!assumed.err.includes(vars.AWS_SECRET_ACCESS_KEY!) && !assumed.err.includes(vars.AWS_SESSION_TOKEN!), 'no secret on stderr, even with --verbose');
      const asRole = await cli(['aws', 'whoami', '--endpoint', sts.endpoint], { AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: vars.AWS_SESSION_TOKEN });
      assert.equal(asRole.code, EXIT.ok, asRole.err);
      assert.match(asRole.out, /^ARN: +arn:aws:sts::123456789012:assumed-role\/ods101-students\/cli-user$/m);
    });

    test('CLI: --web-identity-token-file and credential_process JSON', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'pangeo-aws-token-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzdHVkZW50In0.c2ln\n');
      const r = await cli(['aws', 'assume-role', '--role-arn', ROLE, '--web-identity-token-file', tokenFile, '--duration', '900', '--endpoint', sts.endpoint, '--json'], {});
      assert.equal(r.code, EXIT.ok, r.err);
      const json = JSON.parse(r.out) as Record<string, unknown>;
      assert.deepEqual(Object.keys(json).sort(), ['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
      assert.equal(json.Version, 1);
      const env = envFor({ accessKeyId: String(json.AccessKeyId), secretAccessKey: String(json.SecretAccessKey), sessionToken: String(json.SessionToken) });
      const asRole = await cli(['aws', 'whoami', '--endpoint', sts.endpoint, '--json'], env);
      assert.match((JSON.parse(asRole.out) as { arn: string }).arn, /assumed-role\/ods101-students\/pangeo-compute-cli$/);
    });
  });
}

suite('fake', startFakeStsServer);
if (motoAvailable()) suite('moto', startMotoSts);
else describe('STS against moto_server', { skip: `${MOTO_SERVER} is not installed; the STS-shaped test server covers the same calls` }, () => {});

describe('STS failures (STS-shaped test server: moto checks neither signatures nor tokens)', () => {
  let sts: StsTestServer;
  before(async () => {
    sts = await startFakeStsServer();
  });
  after(async () => {
    await sts?.stop();
  });
  const client = (credentials?: AwsCredentials) => new StsIdentityClient({ endpoint: sts.endpoint, region: 'us-east-1', maxAttempts: 1, credentials });

  test('a wrong secret is refused as unauthorized (exit 3)', async () => {
    const e = await client({ accessKeyId: sts.credentials.accessKeyId, secretAccessKey: 'not-the-secret-at-all' }).whoAmI().catch((x: unknown) => x);
    assert.ok(isPangeoError(e, 'Unauthorized'), String(e));
    const r = await cli(['aws', 'whoami', '--endpoint', sts.endpoint], { AWS_ACCESS_KEY_ID: sts.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret-at-all' });
    assert.equal(r.code, EXIT.auth);
    assert.ok(!r.err.includes('not-the-secret-at-all'));
  });

  test('a rejected web token and a denied role are forbidden; the token never shows up in the message', async () => {
    sts.fake!.rejectedTokens.add('revoked-token-abcdef');
    const e = await client().assumeRoleWithWebIdentity(ROLE, 'revoked-token-abcdef', 's-1', 900).catch((x: unknown) => x);
    assert.ok(isPangeoError(e, 'Forbidden'), String(e));
    assert.ok(!e.userMessage.includes('revoked-token-abcdef'));
    sts.fake!.deniedRoles.add('admin');
    const denied = await client(sts.credentials).assumeRole('arn:aws:iam::123456789012:role/admin', 's-2', 900).catch((x: unknown) => x);
    assert.ok(isPangeoError(denied, 'Forbidden'), String(denied));
    assert.match(denied.userMessage, /not authorized to perform: sts:AssumeRole/);
  });

  test('expired session credentials are reported as unauthorized', async () => {
    const creds = await client(sts.credentials).assumeRole(ROLE, 'short', 900);
    sts.fake!.advance(901_000);
    const e = await client(creds).whoAmI().catch((x: unknown) => x);
    sts.fake!.advance(-901_000);
    assert.ok(isPangeoError(e, 'Unauthorized'), String(e));
    assert.match(e.userMessage, /expired/);
  });

  test('bad durations are refused before any request; an unreachable endpoint exits 4', async () => {
    const before = sts.fake!.actions.length;
    await assert.rejects(client(sts.credentials).assumeRole(ROLE, 's', 60), (e: unknown) => isPangeoError(e, 'InvalidInput'));
    assert.equal(sts.fake!.actions.length, before);
    const port = await freePort();
    const r = await cli(['aws', 'whoami', '--endpoint', `http://127.0.0.1:${port}`], { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 'secretsecret' });
    assert.equal(r.code, EXIT.unreachable, r.err);
    assert.match(r.err, /Cannot reach/);
    const usage = await cli(['aws', 'assume-role', '--role-arn', 'not-an-arn'], {});
    assert.equal(usage.code, EXIT.usage);
  });
});
