// Sharing AWS credentials in the editor (fake vscode): consent asked once per hub and role and remembered, every
// connected kernel of an agreed hub gets them, "Never" is kept across restarts, "Stop Sharing" takes them back; a hub
// pod's web-identity role is offered without asking for a profile; a Gateway's workers get them only with consent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { createFakeVscode } from '../../support/fakeVscode';
import { settle } from '../../support/mockClock';
import { registerAws } from '../../../src/aws/editor/module';
import { registerCredentialSharing, type KernelChange } from '../../../src/aws/editor/credentialSharing';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import type { CredentialTarget } from '../../../src/aws/remoteCredentials';
import { REPORT_PREFIX } from '../../../src/aws/remoteCredentialCode';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';

const ROLE = 'arn:aws:iam::123456789012:role/course-data';
const HUB1 = 'https://hub-one.example.org/';
const HUB2 = 'https://hub-two.example.org/';

function kernels() {
  const sent = new Map<string, string[]>();
  const change = (notebook: string, hubId: string, state = 'connected', previous = 'starting'): KernelChange => ({
    notebook, hubId, state, previous,
    target: (): CredentialTarget => ({
      id: notebook, label: notebook,
      runSilently: async (code) => {
        sent.set(notebook, [...(sent.get(notebook) ?? []), code]);
        return { status: 'ok', stdout: `${REPORT_PREFIX}{"kernel": true, "clients": 0, "errors": []}\n` };
      },
    }),
  });
  return { sent, change };
}

function setup(globalState = new MemoryStore(), env: NodeJS.ProcessEnv = {}) {
  const ed = createFakeVscode();
  const context = { globalState } as unknown as vscode.ExtensionContext;
  const deps = { vs: ed.vs, context, logger: silentLogger };
  const aws = registerAws(deps);
  const sharing = registerCredentialSharing(deps, aws, env);
  return { ed, aws, sharing, globalState };
}

function presetRole(aws: ReturnType<typeof registerAws>) {
  let n = 0;
  const holder = new ShortLivedCredentials({
    obtain: async () => {
      n++;
      return { accessKeyId: `ASIAKEY${n}`, secretAccessKey: `secret-${n}-${'s'.repeat(30)}`, sessionToken: `token-${n}-${'t'.repeat(30)}`, expiration: new Date(Date.now() + 3600_000) };
    },
  });
  aws.store.set(holder, ROLE, 'us-west-2');
  return holder;
}

test('asked once per hub and role; every kernel of an agreed hub gets them; "Never" is kept; Stop takes them back', async () => {
  const { ed, aws, sharing, globalState } = setup();
  presetRole(aws);
  const k = kernels();
  ed.answers.buttons.set('hub-one.example.org', 'Share');
  ed.answers.buttons.set('hub-two.example.org', 'Never for This Hub');

  sharing.kernelChanged(k.change('a.ipynb', HUB1));
  sharing.kernelChanged(k.change('b.ipynb', HUB1));
  await settle();
  const asked = () => ed.messages.filter((m) => m.startsWith('Share short-lived AWS credentials'));
  assert.equal(asked().length, 1, 'one question for the hub, though two kernels connected');
  assert.match(asked()[0]!, /course-data/);
  assert.ok(k.sent.get('a.ipynb')?.[0]?.includes('ASIAKEY1'));
  assert.ok(k.sent.get('b.ipynb')?.[0]?.includes('ASIAKEY1'));

  // A restarted kernel (its environment is empty again) gets them without a question.
  sharing.kernelChanged(k.change('a.ipynb', HUB1, 'connected', 'starting'));
  await settle();
  assert.equal(k.sent.get('a.ipynb')?.length, 2);
  assert.equal(asked().length, 1);

  sharing.kernelChanged(k.change('c.ipynb', HUB2));
  await settle();
  assert.equal(asked().length, 2);
  assert.equal(k.sent.get('c.ipynb'), undefined, '"Never for This Hub" sends nothing');
  assert.equal(await sharing.gatewayWorkerEnv(`${HUB2}services/dask-gateway/`, HUB2), undefined, 'nor to that hub\'s Gateway workers');
  const env = await sharing.gatewayWorkerEnv(`${HUB1}services/dask-gateway/`, HUB1);
  assert.equal(env?.AWS_ACCESS_KEY_ID, 'ASIAKEY1');
  assert.equal(env?.AWS_DEFAULT_REGION, 'us-west-2');

  await ed.commands.get('pangeo.aws.stopSharing')!();
  for (const nb of ['a.ipynb', 'b.ipynb']) {
    const last = k.sent.get(nb)!.at(-1)!;
    assert.ok(!last.includes('ASIAKEY') && last.includes('"AWS_SECRET_ACCESS_KEY"'), 'removal code sent');
  }
  assert.match(ed.messages.at(-1)!, /Removed the AWS credentials from 2 kernel\(s\)/);
  // After Stop, nothing is shared and nothing asked for that hub until the editor restarts.
  sharing.kernelChanged(k.change('d.ipynb', HUB1));
  await settle();
  assert.equal(k.sent.get('d.ipynb'), undefined);
  assert.equal(asked().length, 2);
  sharing.dispose();
  aws.dispose();

  // After a restart: "Never" still holds; the stopped hub is asked again.
  const again = setup(globalState);
  presetRole(again.aws);
  again.ed.answers.buttons.set('hub-one.example.org', 'Not Now');
  const k2 = kernels();
  again.sharing.kernelChanged(k2.change('c.ipynb', HUB2));
  again.sharing.kernelChanged(k2.change('a.ipynb', HUB1));
  await settle();
  const asked2 = again.ed.messages.filter((m) => m.startsWith('Share short-lived AWS credentials'));
  assert.equal(asked2.length, 1);
  assert.match(asked2[0]!, /hub-one/);
  assert.equal(k2.sent.size, 0);
  again.sharing.dispose();
  again.aws.dispose();
});

test('no preset role and no pod identity: nothing is offered (a profile is shared only on request)', async () => {
  const { ed, aws, sharing } = setup();
  const k = kernels();
  sharing.kernelChanged(k.change('a.ipynb', HUB1));
  await settle();
  assert.equal(ed.messages.length, 0);
  assert.equal(k.sent.size, 0);
  sharing.dispose();
  aws.dispose();
});

test('inside a hub pod with AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE the pod\'s role is offered, no profile asked', async () => {
  const { ed, aws, sharing } = setup(new MemoryStore(), { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/hub-pod', AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token' });
  ed.answers.buttons.set('hub-one', 'Not Now');
  const k = kernels();
  sharing.kernelChanged(k.change('a.ipynb', HUB1));
  await settle();
  assert.equal(ed.messages.length, 1);
  assert.match(ed.messages[0]!, /role\/hub-pod/);
  assert.equal(ed.quickPicks.length, 0, 'no profile picker');
  assert.equal(k.sent.size, 0, '"Not Now" sends nothing');
  sharing.dispose();
  aws.dispose();
});
