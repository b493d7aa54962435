// A notebook kernel outlives its token: password sign-in against a real JupyterHub 3, a kernel connected through the
// session's client (as the notebook controller builds it), then the token renewed mid-session (the old one revoked on
// the hub), the kernel websocket dropped, and a cell run: the reconnect must ask the session for the current token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HubWithForwarder, startHubWithForwarder } from '../../support/hubKernels';
import { SecretMap } from '../../support/memoryStores';
import { MemoryStore } from '../../../src/core/keyValueStore';
import { HubSessions } from '../../../src/hubs/hubSessions';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { CellRunResult, KernelState, NotebookKernel, ServerProbe } from '../../../src/kernels/notebookKernel';
import { waitForState } from './kernelStates';
import { RunRecorder } from '../../../src/kernels/reattach/runRecorder';
import { NotebookLedger } from '../../../src/kernels/reattach/runLedger';
import { ReplayedRun } from '../../../src/kernels/reattach/replayedRun';
import { reattachRuns } from '../../../src/kernels/reattach/reattachKernel';
import { CellOutputState, DisplayIndex } from '../../../src/kernels/cellOutputs';

const USER = 'alice';

function plainText(result: CellRunResult): string[] {
  return result.outputs.flatMap((o) => o.items).flatMap((i) => (i.kind === 'text' && i.mime === 'text/plain' ? [i.text] : []));
}


describe('a kernel after a token renewal, against a real hub and ipykernel', { timeout: 240_000 }, () => {
  let setup: HubWithForwarder | undefined;

  // The single-user server would otherwise take the revoked token from its 5-minute token cache.
  before(async () => {
    setup = await startHubWithForwarder({ users: [USER], serverTokenCacheSeconds: 1 });
  });

  after(async () => {
    await setup?.stop();
  });

  /** Signed in as the editor does (HubSessions, password), the server started; everything through the forwarder. */
  async function signedIn() {
    const { base, hub } = setup!;
    const sessions = new HubSessions(new MemoryStore(), new SecretMap());
    await sessions.addHub(base);
    await sessions.signInWithPassword(base, USER, hub.password, 3600);
    const client = sessions.client(base);
    const server = await client.startAndWait(USER, '', {}, { timeoutMs: 60_000 });
    const jupyter = new JupyterServerClient(server.url!, client.http);
    const probeServer = async (): Promise<ServerProbe> => ((await client.getServer(USER, '')).state === 'ready' ? 'ready' : 'stopped');
    return { base, hub, sessions, server, jupyter, probeServer };
  }

  test('renewed (old token revoked), kernel socket dropped: the next cell reconnects with the new token and runs', async () => {
    // Everything goes through the forwarder, so the test can drop the kernel's websocket.
    const { base, hub, sessions, server, jupyter, probeServer } = await signedIn();
    const { fwd } = setup!;
    // The editor's reconnect policy (the kernel is not dropped and started again for ten minutes), quicker checks.
    const kernel = setup!.track(new NotebookKernel({ jupyter, kernelName: 'python3', sessionPath: 'pangeo-vscode/test/renewal.ipynb', sessionName: 'renewal.ipynb',
      probeServer, backoffMs: [300, 600, 1000] }));
    assert.deepEqual(plainText(await kernel.run({ code: 'kept = 6 * 7', onChange: () => undefined })), []);

    const oldToken = (await sessions.token(base))!;
    await sessions.renew(base);
    const newToken = (await sessions.token(base))!;
    assert.notEqual(newToken, oldToken, 'renewal switched tokens');
    await new Promise((r) => setTimeout(r, 1500)); // past the server's 1-second token cache
    // The hub refuses the old token now (checked on its API, not through the code under test).
    const oldAnswer = await fetch(`${hub.url}hub/api/user`, { headers: { Authorization: `token ${oldToken}` } });
    assert.ok(oldAnswer.status === 403 || oldAnswer.status === 401, `the revoked token still works on the hub (${oldAnswer.status})`);
    const singleUser = await fetch(new URL('api/kernels', new URL(server.url!, hub.url)), { headers: { Authorization: `token ${oldToken}` } });
    assert.ok(singleUser.status === 403 || singleUser.status === 401 || singleUser.status === 302,
      `the single-user server still takes the revoked token (${singleUser.status})`);

    const states: KernelState[] = [];
    kernel.onDidChangeState((c) => states.push(c.state));
    const reconnecting = waitForState(kernel, 'reconnecting', 10_000);
    fwd.sever();
    await reconnecting;
    // A socket that kept the revoked token is refused on every reconnect: this run would fail ("Lost the connection…") after 30 s.
    const result = await kernel.run({ code: 'kept', onChange: () => undefined });
    assert.equal(result.status, 'ok');
    assert.deepEqual(plainText(result), ['42'], 'the same kernel, its variables kept');
    assert.equal(kernel.state, 'connected');
    assert.deepEqual(states, ['reconnecting', 'connected'], 'the dropped socket reconnected (no new connection was started)');
  });

  test('issue 19: a reattach (window reload) after a renewal connects with the new token and gets the kept output', async () => {
    // One server client for both windows: each socket must ask for the token of the moment.
    const { base, sessions, jupyter, probeServer } = await signedIn();
    const opts = { jupyter, kernelName: 'python3', sessionPath: 'pangeo-vscode/test/renewal-reattach.ipynb', sessionName: 'renewal-reattach.ipynb', probeServer };
    const first = setup!.track(new NotebookKernel({ ...opts, clientId: 'renewal-reattach-key' }));
    let ledger: NotebookLedger | undefined;
    const recorder = new RunRecorder(first, jupyter.serverUrl, (l) => {
      ledger = l && structuredClone(l);
    });
    let sent!: () => void;
    const requested = new Promise<void>((r) => (sent = r));
    void first.run({
      code: 'import time\nfor i in range(40):\n    print(i, flush=True)\n    time.sleep(0.2)\n"done"',
      onRequest: (msgId) => {
        recorder.started(msgId, 0, 'h', Date.now());
        sent();
      },
      onChange: () => undefined,
    }).catch(() => undefined);
    await requested;
    await new Promise((r) => setTimeout(r, 1_000));
    const kept = structuredClone(ledger!);
    recorder.dispose();
    first.detach(); // the window goes; the kernel runs on and the server keeps its output for the session key

    const oldToken = (await sessions.token(base))!;
    await sessions.renew(base);
    assert.notEqual(await sessions.token(base), oldToken, 'renewal switched tokens');
    await new Promise((r) => setTimeout(r, 1500)); // past the server's 1-second token cache

    const second = setup!.track(new NotebookKernel({ ...opts, clientId: kept.clientId }));
    const outputs = new CellOutputState(new DisplayIndex());
    const replay = new ReplayedRun(kept.runs[0]!.msgId, outputs, () => undefined);
    assert.equal(await reattachRuns({ jupyter, kernel: second, ledger: kept, runs: [{ run: kept.runs[0]!, replay }], onGap: () => undefined }), 'reattached');
    const end = await replay.done;
    assert.equal(end.kind, 'finished', JSON.stringify(end));
    const text = outputs.outputs.flatMap((o) => o.items).map((i) => (i.kind === 'text' ? i.text : '')).join('');
    assert.match(text, /39\n/, 'the kept and the live output of the run');
    assert.match(text, /'done'/);
  });
});
