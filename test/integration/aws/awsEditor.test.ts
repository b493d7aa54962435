// "Show AWS Identity" and "Copy AWS Credentials as Shell Exports" in a stand-in editor, against a real STS-shaped server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type * as vscode from 'vscode';
import { createFakeVscode } from '../../support/fakeVscode';
import { registerAws } from '../../../src/aws/editor/module';
import { silentLogger } from '../../../src/core/log';
import { startFakeStsServer, type StsTestServer } from './stsServers';
import type { PlanStepOf } from '../../../src/presets/presetPlan';
import { awsRoleStepFor } from '../../../src/presets/assumeAwsRoleStep';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
let sts: StsTestServer;
const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

before(async () => {
  sts = await startFakeStsServer();
  process.env.AWS_ACCESS_KEY_ID = sts.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = sts.credentials.secretAccessKey;
});
after(async () => {
  if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID; else process.env.AWS_ACCESS_KEY_ID = saved.id;
  if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY; else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  await sts?.stop();
});

function setup() {
  const ed = createFakeVscode();
  ed.settings['pangeo.aws.stsEndpoint'] = sts.endpoint;
  const aws = registerAws({ vs: ed.vs, context: {} as vscode.ExtensionContext, logger: silentLogger });
  return { ed, aws };
}

test('Show AWS Identity names the account and ARN of the default credential chain', async () => {
  const { ed, aws } = setup();
  await ed.commands.get('pangeo.aws.showIdentity')!();
  // A notification is one line: the untrusted-text module joins the lines (the whole text stays one click away).
  assert.match(ed.notices[0]!.text, /^AWS account 111122223333 arn:aws:iam::111122223333:user\/instructor/);
  aws.dispose();
});

test('an STS failure is shown as an error with a way to the settings, not thrown', async () => {
  const { ed, aws } = setup();
  ed.settings['pangeo.aws.stsEndpoint'] = 'http://127.0.0.1:9';
  await ed.commands.get('pangeo.aws.showIdentity')!();
  assert.equal(ed.notices[0]!.kind, 'error');
  assert.match(ed.notices[0]!.text, /Could not get your AWS identity: Cannot reach AWS STS/);
  aws.dispose();
});

test('the preset step fills the store; the copied export block works in a shell and matches the role', async () => {
  const { ed, aws } = setup();
  await ed.commands.get('pangeo.aws.copyExportBlock')!();
  assert.match(ed.notices[0]!.text, /No AWS role credentials/);
  const step: PlanStepOf<'assume-aws-role'> = { kind: 'assume-aws-role', id: 'assume-aws-role', title: '', details: [], roleArn: 'arn:aws:iam::123456789012:role/course', region: 'eu-west-1', durationSeconds: 900, sessionName: 'student', identity: 'default' };
  await awsRoleStepFor(aws)(step, { state: {}, report: () => undefined, signal: new AbortController().signal, preset: { version: 1, name: 'x' }, plan: { name: 'x', steps: [] } });
  assert.equal(aws.store.roleArn, step.roleArn);
  const status = ed.statusItems.find((i) => i.id === 'pangeo.aws.credentials')!;
  assert.equal(status.visible, true);
  assert.match(status.text, /^\$\(key\) AWS course · until \d\d:\d\d/);
  assert.equal(status.command, 'pangeo.aws.copyExportBlock');
  assert.equal(aws.store.env()?.AWS_REGION, 'eu-west-1');
  await ed.commands.get('pangeo.aws.copyExportBlock')!();
  const env = execFileSync('/bin/sh', ['-c', `${ed.clipboard.text}\nenv`], { encoding: 'utf8', env: {} });
  assert.match(env, /^AWS_SESSION_TOKEN=.+$/m);
  assert.equal(/^AWS_ACCESS_KEY_ID=(.*)$/m.exec(env)?.[1], aws.store.env()?.AWS_ACCESS_KEY_ID);
  assert.ok(!ed.notices.some((m) => m.text.includes(aws.store.env()!.AWS_SECRET_ACCESS_KEY!)), 'no secret in any notification');
  aws.dispose();
  assert.equal(aws.store.env(), undefined, 'disposed: credentials dropped, renewal stopped');
  assert.equal(status.visible, false);
});
