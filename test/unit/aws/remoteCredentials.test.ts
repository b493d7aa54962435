// Sharing short-lived AWS credentials with remote kernels, with mocked timers: pushed again at 80 % of their lifetime,
// failures told without the secret or the code, stop takes them back; and the Gateway `environment` option merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mockClock } from '../../support/mockClock';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { RemoteCredentialSharing, type CredentialTarget, type SilentRunResult } from '../../../src/aws/remoteCredentials';
import { credentialPushCode, parsePushReport, REPORT_PREFIX, SHARED_AWS_VARIABLES } from '../../../src/aws/remoteCredentialCode';
import type { AwsCredentials } from '../../../src/aws/awsCredentials';
import { redactingLogger, type Logger } from '../../../src/core/log';
import { withWorkerEnvironment } from '../../../src/dask/gateway/gatewayEnvironment';
import type { ClusterOptionField } from '../../../src/dask/clusterOptions';

const MIN = 60_000;
const OK_REPORT = `${REPORT_PREFIX}{"kernel": true, "clients": 1, "errors": []}\n`;

function issuer(lifetimeMs: number) {
  let n = 0;
  const issued: AwsCredentials[] = [];
  return {
    issued,
    obtain: async (): Promise<AwsCredentials> => {
      n++;
      const c = { accessKeyId: `ASIAKEY${n}`, secretAccessKey: `secret-${n}-${'s'.repeat(30)}`, sessionToken: `token-${n}-${'t'.repeat(40)}`, expiration: new Date(Date.now() + lifetimeMs) };
      issued.push(c);
      return c;
    },
  };
}

function recordingTarget(answer: (code: string) => SilentRunResult | Promise<SilentRunResult> = () => ({ status: 'ok', stdout: OK_REPORT })) {
  const codes: string[] = [];
  const target: CredentialTarget = {
    id: 'nb-1', label: 'analysis.ipynb',
    runSilently: async (code) => {
      codes.push(code);
      return answer(code);
    },
  };
  return { codes, target };
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  return { lines, logger: redactingLogger({ trace: push, info: push, warn: push, error: push }) };
}

test('1-hour credentials are renewed at 80 % of their lifetime (48 min) and pushed to the kernel again', async (t) => {
  const clock = mockClock(t, { date: true });
  const sts = issuer(60 * MIN);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain, renewBeforeMs: 5 * MIN, renewAtFraction: 0.8 });
  const sharing = new RemoteCredentialSharing({ source: holder, region: 'us-west-2' });
  const { codes, target } = recordingTarget();
  const first = await sharing.add(target);
  assert.ok(first.ok);
  assert.equal(codes.length, 1);
  assert.ok(codes[0]!.includes('ASIAKEY1') && codes[0]!.includes('"AWS_DEFAULT_REGION":"us-west-2"'));

  await clock.advance(48 * MIN - 1000);
  assert.equal(codes.length, 1, 'nothing pushed before 80 % of the lifetime');
  await clock.advance(1000);
  assert.equal(codes.length, 2, 'renewed and pushed at 48 min');
  assert.ok(codes[1]!.includes('ASIAKEY2') && codes[1]!.includes(sts.issued[1]!.secretAccessKey));

  await clock.advance(48 * MIN);
  assert.equal(codes.length, 3, 'and again 48 min after that');
  sharing.dispose();
  holder.dispose();
});

test('a push whose silent run fails is reported with its exception, redacted; neither the code nor a secret is logged', async () => {
  const sts = issuer(60 * MIN);
  const holder = new ShortLivedCredentials({ obtain: sts.obtain });
  const { logger, lines } = capture();
  const sharing = new RemoteCredentialSharing({ source: holder, logger });
  // A kernel that echoes what it was sent in its error (as a traceback would).
  const { target } = recordingTarget((code) => ({ status: 'error', stdout: '', error: { ename: 'SyntaxError', evalue: `invalid syntax in ${code}` } }));
  const outcome = await sharing.add(target);
  const creds = sts.issued[0]!;
  assert.equal(outcome.ok, false);
  assert.match(outcome.problem ?? '', /SyntaxError/);
  const said = [outcome.problem ?? '', ...lines].join('\n');
  assert.ok(!said.includes(creds.secretAccessKey) && !said.includes(creds.sessionToken!), said);
  assert.ok(lines.some((l) => /analysis\.ipynb: the kernel did not take them \(SyntaxError/.test(l)), lines.join('\n'));

  // A kernel that could not be reached: its error is the message.
  const lost = await sharing.add({ id: 'nb-2', label: 'other.ipynb', runSilently: async () => { throw new Error('Lost the connection to the kernel'); } });
  assert.equal(lost.ok, false);
  assert.match(lost.problem ?? '', /Lost the connection/);
  sharing.dispose();
  holder.dispose();
});

test('a partial failure in the kernel (e.g. registering the worker plugin) is not called success', async () => {
  const holder = new ShortLivedCredentials({ obtain: issuer(60 * MIN).obtain });
  const sharing = new RemoteCredentialSharing({ source: holder });
  const { target } = recordingTarget(() => ({ status: 'ok', stdout: `${REPORT_PREFIX}{"kernel": true, "clients": 0, "errors": ["dask client: TimeoutError"]}\n` }));
  const outcome = await sharing.add(target);
  assert.equal(outcome.ok, false);
  assert.equal(outcome.problem, 'partly failed (dask client: TimeoutError)');
  sharing.dispose();
  holder.dispose();
});

test('stop sends code that removes every shared variable (no secret in it) and pushes no more renewals', async (t) => {
  const clock = mockClock(t, { date: true });
  const holder = new ShortLivedCredentials({ obtain: issuer(60 * MIN).obtain, renewAtFraction: 0.8 });
  const sharing = new RemoteCredentialSharing({ source: holder });
  const { codes, target } = recordingTarget();
  await sharing.add(target);
  const outcomes = await sharing.stop();
  assert.deepEqual(outcomes.map((o) => o.ok), [true]);
  const removal = codes[1]!;
  assert.ok(!/ASIA|secret-|token-/.test(removal));
  for (const v of SHARED_AWS_VARIABLES) assert.ok(removal.includes(`"${v}"`), v);
  await clock.advance(50 * MIN);
  assert.equal(codes.length, 2, 'no push after stop');
  await assert.rejects(sharing.add(target), /stopped/);
  holder.dispose();
});

test('the pushed code keeps the values on one call line, catches every step and leaves nothing in the namespace', () => {
  const code = credentialPushCode({ AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 'very-secret-value' });
  const lines = code.split('\n');
  assert.deepEqual(lines.filter((l) => l.includes('very-secret-value')), ['_pangeo_aws_push({"AWS_ACCESS_KEY_ID":"ASIAX","AWS_SECRET_ACCESS_KEY":"very-secret-value"}, ["AWS_SESSION_TOKEN","AWS_CREDENTIAL_EXPIRATION","AWS_REGION","AWS_DEFAULT_REGION"])']);
  assert.equal(lines.filter((l) => l.trim() === 'del _pangeo_aws_push').length, 1);
  assert.equal(code.match(/^ {4}try:$/gm)?.length, 3, 'kernel env, caches and Dask each in their own try');
  assert.ok(!/traceback|print\(e|str\(e\)|repr\(e\)/.test(code), 'exceptions are reported by type name only');
});

test('parsePushReport reads the one report line and nothing else', () => {
  assert.deepEqual(parsePushReport(`noise\n${REPORT_PREFIX}{"kernel": true, "clients": 2, "errors": []}\n`), { kernel: true, clients: 2, errors: [] });
  assert.equal(parsePushReport('nothing here'), undefined);
  assert.equal(parsePushReport(`${REPORT_PREFIX}{broken`), undefined);
});

test('Gateway "environment" option: credentials merged into it (the user\'s other variables kept); no such option → undefined', () => {
  const env = { AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 'very-secret-value' };
  const mapping: ClusterOptionField = { field: 'environment', label: 'Environment', default: { FROM_DEFAULT: '1' }, spec: { type: 'mapping' } };
  const cores: ClusterOptionField = { field: 'worker_cores', label: 'Cores', default: 1, spec: { type: 'int', min: 1, max: 4 } };
  assert.deepEqual(withWorkerEnvironment([cores, mapping], { worker_cores: 2, environment: { MINE: 'x', AWS_ACCESS_KEY_ID: 'old' } }, env),
    { worker_cores: 2, environment: { MINE: 'x', AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 'very-secret-value' } });
  assert.deepEqual(withWorkerEnvironment([mapping], {}, env), { environment: { FROM_DEFAULT: '1', ...env } });
  assert.equal(withWorkerEnvironment([cores], { worker_cores: 2 }, env), undefined);
  assert.equal(withWorkerEnvironment([{ ...mapping, spec: { type: 'string' } }], {}, env), undefined);
});
