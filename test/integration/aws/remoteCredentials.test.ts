// Short-lived AWS credentials where the work runs, all real: moto's STS issues role credentials, a kernel on the test
// hub (Debian ipykernel + python3-boto3) gets them by a silent request and calls STS GetCallerIdentity with them; the
// workers of a real Dask scheduler (/usr/bin/dask) get them through the worker plugin, also a worker that joins
// later; after a renewal both act with the new ones; nothing secret reaches IOPub, the outputs or our logs.
// The same credentials through a Gateway's `environment` option reach its worker processes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelMessage } from '@jupyterlab/services';
import { startTestHub, type TestHub } from '../../support/jupyterhub';
import { daskAvailable, requireSystemPythonModules, pidsWithEnv, startTestScheduler, waitForWorkerCount, type TestScheduler } from '../../support/dask';
import { startGatewayServer, type TestGatewayServer } from '../../support/gatewayServer/gatewayServer';
import { HubClient } from '../../../src/hubs/hubClient';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { NotebookKernel, hiddenRunStdout } from '../../../src/kernels/notebookKernel';
import { kernelCredentialTarget } from '../../../src/kernels/credentialTarget';
import { StsIdentityClient } from '../../../src/aws/stsIdentityClient';
import { ShortLivedCredentials } from '../../../src/aws/shortLivedCredentials';
import { RemoteCredentialSharing, type PushOutcome } from '../../../src/aws/remoteCredentials';
import type { AwsCredentials } from '../../../src/aws/awsCredentials';
import { envFor } from '../../../src/aws/awsCredentials';
import { GatewayProvider } from '../../../src/dask/gateway/gatewayProvider';
import { redactingLogger, type Logger } from '../../../src/core/log';
import { motoAvailable, startFakeStsServer, startMotoSts, type StsTestServer } from './stsServers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const USER = 'carol';
const ROLE = 'arn:aws:iam::123456789012:role/pangeo-data';

const skip = !daskAvailable() ? 'needs /usr/bin/dask and python3-distributed' : false;

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  // As the editor's output channel and the CLI's stderr do: every line goes through redaction.
  return { lines, logger: redactingLogger({ trace: push, info: push, warn: push, error: push }) };
}

describe('AWS credentials in a remote kernel and its Dask workers (real hub, moto STS, real Dask)', { skip, timeout: 300_000 }, () => {
  let sts: StsTestServer;
  let hub: TestHub;
  let scheduler: TestScheduler;
  let kernel: NotebookKernel;
  let holder: ShortLivedCredentials;
  const issued: AwsCredentials[] = [];
  const iopub: string[] = [];
  const userOutputs: string[] = [];
  const log = capture();

  before(async () => {
    requireSystemPythonModules(['boto3'], 'python3-boto3');
    sts = motoAvailable() ? await startMotoSts() : await startFakeStsServer();
    hub = await startTestHub({ users: [USER] });
    scheduler = await startTestScheduler({ workers: 1 });
    const client = new HubClient(hub.url, { token: hub.adminToken });
    const server = await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    const jupyter = new JupyterServerClient(server.url!, client.http);
    kernel = new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'aws/remote.ipynb', sessionName: 'remote.ipynb', probeServer: async () => 'ready', logger: log.logger });
    await kernel.connect();
    // Every IOPub message the kernel broadcasts (what JupyterLab on the same kernel would see), our silent runs' too.
    const session = (kernel as unknown as { session: { connection: { iopubMessage: { connect(f: (s: unknown, m: KernelMessage.IIOPubMessage) => void): void } } } }).session;
    session.connection.iopubMessage.connect((_s, m) => iopub.push(JSON.stringify({ type: m.header.msg_type, content: m.content })));
    // Each renewal is a new role session, so the kernel's answers tell old credentials from new ones.
    const stsClient = new StsIdentityClient({ endpoint: sts.endpoint, credentials: sts.credentials, maxAttempts: 1 });
    holder = new ShortLivedCredentials({
      obtain: async (signal) => {
        const c = await stsClient.assumeRole(ROLE, `kernel-${issued.length + 1}`, 3600, signal);
        issued.push(c);
        return c;
      },
    });
  });

  after(async () => {
    holder?.dispose();
    await kernel?.shutdown().catch(() => undefined);
    await scheduler?.stop();
    await hub?.stop();
    await sts?.stop();
  });

  /** Runs code as the user's cell would (history, outputs shown) and returns its stdout. */
  async function userCell(code: string): Promise<string> {
    const result = await kernel.run({ code, onChange: () => undefined });
    userOutputs.push(JSON.stringify(result.outputs), JSON.stringify(result.error ?? null));
    return hiddenRunStdout(result);
  }

  const callerArn = (endpoint: string) =>
    `import boto3; print(boto3.client("sts", endpoint_url=${JSON.stringify(endpoint)}, region_name="us-east-1").get_caller_identity()["Arn"])`;
  const workerArns = (endpoint: string) => `import json
def _who():
    import boto3
    return boto3.client("sts", endpoint_url=${JSON.stringify(endpoint)}, region_name="us-east-1").get_caller_identity()["Arn"]
print(json.dumps(sorted(set(client.run(_who).values()))), len(client.scheduler_info()["workers"]))`;
  const nextPush = (sharing: RemoteCredentialSharing) => new Promise<PushOutcome>((resolve) => {
    const sub = sharing.onDidPush((o) => {
      sub.dispose();
      resolve(o);
    });
  });

  test('the kernel and every worker (also one that joins later) act as the role; renewal reaches both; stop takes them back', async () => {
    // The user's own client to the cluster, made before sharing starts.
    await userCell(`from distributed import Client\nclient = Client(${JSON.stringify(scheduler.address)})\nprint(len(client.scheduler_info()["workers"]))`);
    const before = await userCell('import os; print(os.environ.get("AWS_ACCESS_KEY_ID", "none"))');
    assert.equal(before.trim(), 'none', 'the kernel starts without AWS credentials');

    const sharing = new RemoteCredentialSharing({ source: holder, region: 'us-west-2', logger: log.logger });
    const target = kernelCredentialTarget('aws/remote.ipynb', 'remote.ipynb', kernel);
    const first = await sharing.add(target);
    assert.ok(first.ok, first.problem);
    assert.equal(first.report?.clients, 1, 'the plugin went to the one Dask client in the kernel');

    assert.equal((await userCell(callerArn(sts.endpoint))).trim(), 'arn:aws:sts::123456789012:assumed-role/pangeo-data/kernel-1');
    assert.equal((await userCell('import os; print(os.environ["AWS_DEFAULT_REGION"])')).trim(), 'us-west-2');
    assert.equal((await userCell(workerArns(sts.endpoint))).trim(), '["arn:aws:sts::123456789012:assumed-role/pangeo-data/kernel-1"] 1');

    // A worker that joins after the plugin was registered gets it from the scheduler.
    await scheduler.addWorker('late');
    await waitForWorkerCount(scheduler.dashboardUrl, 2);
    assert.equal((await userCell(workerArns(sts.endpoint))).trim(), '["arn:aws:sts::123456789012:assumed-role/pangeo-data/kernel-1"] 2');

    // Renewal: pushed again without being asked; boto3's cached default session must not keep the old ones.
    const pushed = nextPush(sharing);
    await holder.renew();
    const second = await pushed;
    assert.ok(second.ok, second.problem);
    assert.equal((await userCell(callerArn(sts.endpoint))).trim(), 'arn:aws:sts::123456789012:assumed-role/pangeo-data/kernel-2');
    assert.equal((await userCell(workerArns(sts.endpoint))).trim(), '["arn:aws:sts::123456789012:assumed-role/pangeo-data/kernel-2"] 2');

    // A push that fails in the kernel (the user broke os.environ) says which part failed and quotes nothing.
    await userCell('import os, types\n_saved_environ = os.environ\nos.environ = types.MappingProxyType(dict(os.environ))');
    const broken = nextPush(sharing);
    await holder.renew();
    const third = await broken;
    await userCell('os.environ = _saved_environ');
    assert.equal(third.ok, false);
    assert.match(third.problem ?? '', /kernel: AttributeError/);
    assert.ok(log.lines.some((l) => /partly failed \(kernel: AttributeError\)/.test(l)), log.lines.join('\n'));

    // Nothing of ours in the user's namespace or history.
    assert.equal((await userCell('n = "_pangeo_aws" + "_push"\nprint(n in globals(), sum((n + "(") in c for c in In))')).trim(), 'False 0');
    // Never written to a file on the server.
    assert.ok(!existsSync(join(hub.dir, 'home', USER, '.aws')), 'no ~/.aws on the server');

    // Stop sharing: the kernel and the workers lose them.
    const stopped = await sharing.stop();
    assert.ok(stopped.every((o) => o.ok), JSON.stringify(stopped));
    assert.equal((await userCell('import os; print(os.environ.get("AWS_SECRET_ACCESS_KEY", "none"), os.environ.get("AWS_ACCESS_KEY_ID", "none"))')).trim(), 'none none');
    assert.equal((await userCell('import json; print(json.dumps(sorted(set(client.run(lambda: __import__("os").environ.get("AWS_SESSION_TOKEN", "none")).values()))))')).trim(), '["none"]');

    // The secrets never reached IOPub (any client of the kernel), the user's outputs, or our log.
    assert.ok(issued.length >= 3);
    const secrets = issued.flatMap((c) => [c.secretAccessKey, c.sessionToken!]);
    const everything = [...iopub, ...userOutputs, ...log.lines].join('\n');
    for (const s of secrets) assert.ok(!everything.includes(s), 'a secret leaked');
    assert.ok(!iopub.some((m) => m.includes('_pangeo_aws_push')), 'the silent code was never broadcast as input');
    assert.ok(iopub.length > 10, 'IOPub was recorded');
  });

  test('a Gateway with an "environment" option starts the scheduler and workers with the credentials', async () => {
    const gw: TestGatewayServer = await startGatewayServer({ basicPassword: 'pw-remote-creds', maxWorkers: 2 });
    try {
      const creds = await holder.get();
      const env = envFor(creds, 'us-west-2');
      const provider = new GatewayProvider({ url: gw.url, auth: { type: 'basic', username: USER, password: 'pw-remote-creds' }, logger: log.logger, workerEnv: async () => env });
      const created = await provider.create({ worker_cores: 1 });
      await provider.waitUntilRunning(created.id, 60_000);
      await provider.scale(created.id, 1);
      const cluster = gw.clusters.get(created.id)!;
      await waitForWorkerCount(`http://127.0.0.1:${cluster.dashboardPort}/clusters/${created.id}/`, 1);
      assert.equal(pidsWithEnv('AWS_ACCESS_KEY_ID', creds.accessKeyId).length >= 2, true, 'scheduler and worker run with the key');
      assert.equal(pidsWithEnv('AWS_SESSION_TOKEN', creds.sessionToken!).length >= 2, true);
      assert.ok(!log.lines.join('\n').includes(creds.secretAccessKey));
      await provider.stop(created.id);
    } finally {
      await gw.close();
    }
  });
});
