// The editor path end to end except the editor itself: a fake `vscode`, our notebook controllers on a real hub kernel,
// a preset role's credentials from moto STS. The kernel connects → the user agrees once → a cell in the notebook calls
// STS GetCallerIdentity as the role; nothing secret in the notebook; "Stop Sharing AWS Credentials" takes them back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { requireSystemPythonModules } from '../../support/dask';
import { createFakeVscode, FakeNotebook, type FakeVscode } from '../../support/fakeVscode';
import { HubClient } from '../../../src/hubs/hubClient';
import { OneHubRegistry } from '../../support/oneHubRegistry';
import { NotebookControllers } from '../../../src/kernels/editor/notebookControllers';
import { kernelCredentialTarget } from '../../../src/kernels/credentialTarget';
import { registerAws } from '../../../src/aws/editor/module';
import { registerCredentialSharing } from '../../../src/aws/editor/credentialSharing';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { StsIdentityClient } from '../../../src/aws/stsIdentityClient';
import type { AwsCredentials } from '../../../src/aws/awsCredentials';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { silentLogger } from '../../../src/core/log';
import { motoAvailable, startFakeStsServer, startMotoSts, type StsTestServer } from './stsServers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const USER = 'dora';
const ROLE = 'arn:aws:iam::123456789012:role/course-data';

describe('sharing a preset role with a notebook kernel through the editor adapter (real hub, moto STS)', { timeout: 240_000 }, () => {
  let sts: StsTestServer;
  let hub: TestHub;
  let fake: FakeVscode;
  let controllers: NotebookControllers;
  let aws: ReturnType<typeof registerAws>;
  let sharing: ReturnType<typeof registerCredentialSharing>;
  const issued: AwsCredentials[] = [];

  before(async () => {
    requireSystemPythonModules(['boto3'], 'python3-boto3');
    sts = motoAvailable() ? await startMotoSts() : await startFakeStsServer();
    hub = await startTestHub({ users: [USER] });
    const token = (await new HubClient(hub.url).createTokenWithPassword(USER, hub.password, { note: 'aws sharing test', expiresInSeconds: 3600 })).token;
    const client = new HubClient(hub.url, { token });
    await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    const registry = new OneHubRegistry(client, hub.url, USER);
    fake = createFakeVscode();
    const deps = { vs: fake.vs, context: { globalState: new MemoryStore() } as unknown as vscode.ExtensionContext, logger: silentLogger };
    controllers = new NotebookControllers({ vs: fake.vs, hubs: registry, logger: silentLogger });
    aws = registerAws(deps);
    sharing = registerCredentialSharing(deps, aws, {});
    // As src/extension.ts wires them.
    controllers.onDidChangeKernelState((e) => sharing.kernelChanged({ ...e, target: () => kernelCredentialTarget(e.notebook, e.label, e.kernel) }));
    const stsClient = new StsIdentityClient({ endpoint: sts.endpoint, credentials: sts.credentials, maxAttempts: 1 });
    const holder = new ShortLivedCredentials({
      obtain: async (signal) => {
        const c = await stsClient.assumeRole(ROLE, 'student-9', 3600, signal);
        issued.push(c);
        return c;
      },
    });
    aws.store.set(holder, ROLE, 'eu-west-1');
    const nb = new FakeNotebook('open.ipynb', []);
    fake.openNotebooks.push(nb);
    fake.opened.fire(nb);
    await registry.refresh();
    await controllers.refresh();
  });

  after(async () => {
    sharing?.dispose();
    aws?.dispose();
    controllers?.dispose();
    await new Promise((r) => setTimeout(r, 500));
    await hub?.stop();
    await sts?.stop();
  });

  async function runCell(nb: FakeNotebook, code: string): Promise<string> {
    const cell = new FakeNotebook(nb.uri.path, [code]).cells[0]!;
    const controller = fake.controllers[0]!;
    await controller.executeHandler([cell], nb, controller);
    return cell.outputs.flatMap((o) => o.items).map((i) => i.text).join('');
  }

  async function eventually(nb: FakeNotebook, code: string, want: (out: string) => boolean): Promise<string> {
    const deadline = Date.now() + 30_000;
    let out = '';
    while (Date.now() < deadline) {
      out = await runCell(nb, code);
      if (want(out)) return out;
      await new Promise((r) => setTimeout(r, 300));
    }
    return out;
  }

  test('once the user agreed, the first cell of a new kernel already has the credentials (the push goes ahead of it)', async () => {
    fake.answers.buttons.set('Share short-lived AWS credentials', 'Share');
    const controller = fake.controllers[0]!;
    // The first kernel on this hub: the question is asked (and not waited for by the cell).
    const asked = new FakeNotebook('asked.ipynb', ['print("started")']);
    await controller.executeHandler(asked.cells, asked, controller);
    await eventually(asked, 'import os; print(os.environ.get("AWS_ACCESS_KEY_ID", "none"))', (o) => !o.includes('none'));
    // A new kernel once the answer is "Share": its very first cell reads the key.
    const first = new FakeNotebook('first-cell.ipynb', ['import os; print(os.environ.get("AWS_ACCESS_KEY_ID", "none"))']);
    await controller.executeHandler(first.cells, first, controller);
    const out = first.cells[0]!.outputs.flatMap((o) => o.items).map((i) => i.text).join('').trim();
    assert.equal(out, issued.at(-1)!.accessKeyId, 'the first cell ran before the credentials arrived');
  });

  test('the connected kernel gets the role after one "Share"; a cell acts as the role; Stop removes them', async () => {
    fake.answers.buttons.set('Share short-lived AWS credentials', 'Share');
    const nb = new FakeNotebook('work.ipynb', ['print("started")']);
    const controller = fake.controllers[0]!;
    await controller.executeHandler(nb.cells, nb, controller);
    const key = await eventually(nb, 'import os; print(os.environ.get("AWS_ACCESS_KEY_ID", "none"))', (o) => !o.includes('none'));
    assert.equal(key.trim(), issued[0]!.accessKeyId);
    const arn = await runCell(nb, `import boto3; print(boto3.client("sts", endpoint_url=${JSON.stringify(sts.endpoint)}).get_caller_identity()["Arn"])`);
    assert.equal(arn.trim(), 'arn:aws:sts::123456789012:assumed-role/course-data/student-9');
    assert.equal((await runCell(nb, 'import os; print(os.environ["AWS_REGION"])')).trim(), 'eu-west-1');
    assert.equal(fake.messages.filter((m) => m.startsWith('Share short-lived AWS credentials')).length, 1);

    await fake.commands.get('pangeo.aws.stopSharing')!();
    assert.match(fake.messages.at(-1)!, /Removed the AWS credentials from 3 kernel\(s\)/);
    assert.equal((await runCell(nb, 'import os; print(os.environ.get("AWS_SESSION_TOKEN", "none"))')).trim(), 'none');

    // Nothing secret in the notebook: not in any cell's outputs, not in any notification.
    const shown = [...nb.cells.flatMap((c) => c.outputs.flatMap((o) => o.items.map((i) => i.text))), ...fake.messages].join('\n');
    for (const c of issued) for (const s of [c.secretAccessKey, c.sessionToken!]) assert.ok(!shown.includes(s), 'a secret reached the notebook');
  });
});
