// Reattach against a real JupyterHub and jupyter_server (issue 19): a cell prints a counter every 0.2 s for 45 s; the
// client's socket is cut for 10 s, then the hub's proxy (configurable-http-proxy) is killed (the hub starts it again),
// then the client is replaced by a new one built from the persisted ledger (what a window reload does). Every line
// arrives exactly once, in order, and the cell ends with its result and execution count. 45 s, not 30: on a loaded
// machine the proxy's restart alone takes up to ~15 s, and the reload must still come mid-run.
// Each cut comes right after a line arrived and once the server's replay burst is through (a real signal, not a
// fixed pause): what a network or a killed proxy holds in flight at that moment is lost without a trace (the server
// counts it as sent; see the README's reattach limits), and the next line is 0.2 s away.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TestHub } from '../../support/jupyterhub';
import { SignedInServer, startSignedInServer } from '../../support/hubKernels';
import type { TcpForwarder } from '../../support/tcpForwarder';
import { JupyterServerClient } from '../../../src/jupyterServer/jupyterServerClient';
import { KernelState } from '../../../src/kernels/notebookKernel';
import { CellOutput, CellOutputState, DisplayIndex } from '../../../src/kernels/cellOutputs';
import { RunRecorder } from '../../../src/kernels/reattach/runRecorder';
import { NotebookLedger } from '../../../src/kernels/reattach/runLedger';
import { ReplayedRun } from '../../../src/kernels/reattach/replayedRun';
import { reattachRuns } from '../../../src/kernels/reattach/reattachKernel';
import { until } from '../../support/waitUntil';
import { stdoutLines } from '../../support/cellText';

const USER = 'alice';
const LINES = 225;
const COUNTER = `import time\nfor i in range(${LINES}):\n    print(i, flush=True)\n    time.sleep(0.2)\n"done"`;

function proxyPids(hub: TestHub): number[] {
  return hub.pids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('configurable-http-proxy');
    } catch {
      return false;
    }
  });
}

describe('reattach to a running cell through a real hub', { timeout: 300_000 }, () => {
  let setup: SignedInServer | undefined;
  let hub: TestHub;
  let fwd: TcpForwarder;
  let jupyter: JupyterServerClient;

  const newKernel = (sessionPath: string, clientId: string) => setup!.newKernel({ sessionPath, sessionName: 'reattach.ipynb', clientId });

  /** The reloaded window: a new connection on the same session picks up the ledger's running request (its end: `replay.done`). */
  async function reattachAfterReload(sessionPath: string, ledger: NotebookLedger) {
    const second = newKernel(sessionPath, ledger.clientId);
    const outputs = new CellOutputState(new DisplayIndex());
    const [pending] = ledger.runs;
    assert.ok(pending, 'the ledger names the running request');
    const replay = new ReplayedRun(pending.msgId, outputs, () => undefined, { seen: pending.seen, executionCount: pending.executionCount });
    const gaps: string[] = [];
    const outcome = await reattachRuns({ jupyter, kernel: second, ledger, runs: [{ run: pending, replay }], onGap: (_, text) => gaps.push(text) });
    return { pending, outcome, replay, outputs, gaps };
  }

  before(async () => {
    setup = await startSignedInServer({ note: 'reattach test', user: USER });
    ({ hub, fwd, jupyter } = setup);
  });

  after(async () => {
    await setup?.stop();
  });

  test('counter for 45 s: socket cut 10 s, proxy killed and restarted, client replaced: every line once, in order, with the result', async () => {
    const sessionPath = `pangeo-vscode/test/reattach-${randomUUID().slice(0, 8)}.ipynb`;
    const first = newKernel(sessionPath, randomUUID());
    let persisted: NotebookLedger | undefined;
    const recorder = new RunRecorder(first, jupyter.serverUrl, (ledger) => {
      persisted = ledger && structuredClone(ledger);
    });
    const states: KernelState[] = [];
    // When the socket last opened, and the kernel's send time of the newest message since: the server replays what it
    // kept in one burst as the socket opens, so a message the kernel sent after that means the burst is through.
    let connectedAt = 0;
    let newestSentAt = 0;
    first.onDidChangeState((c) => {
      states.push(c.state);
      if (c.state === 'connected') {
        connectedAt = Date.now();
        newestSentAt = 0;
      }
    });
    first.onDidAttach((session) => session.connection.anyMessage.connect((_, { msg, direction }) => {
      if (direction === 'recv' && msg.channel === 'iopub') newestSentAt = Math.max(newestSentAt, Date.parse(msg.header.date));
    }));
    /** Live again after a reconnect: a message the kernel sent after the socket opened has arrived (so the replay before it has too). */
    const replayThrough = (what: string) => until(`${what}: a message sent after the socket opened`,
      () => first.state === 'connected' && connectedAt > 0 && newestSentAt > connectedAt, 30_000, 20);
    const run = first.run({
      code: COUNTER,
      onRequest: (msgId) => recorder.started(msgId, 0, 'hash', Date.now()),
      onChange: () => undefined,
    });
    // The kernel's outputs as the first client has them (run() gives them back once it stops waiting).
    let firstOutputs: CellOutput[] = [];
    void run.then((r) => (firstOutputs = r.outputs));
    // The run's outputs, live: NotebookKernel keeps them in the running cell's state.
    const live = () => (first as unknown as { runningCell?: { outputs: CellOutputState } }).runningCell?.outputs.outputs ?? firstOutputs;
    const liveLines = () => stdoutLines(live()).length;
    // ipykernel sometimes sends a print's text and its newline as two messages: a line is whole once its newline came.
    const lineEnded = () => live().flatMap((o) => o.items).flatMap((i) => (i.kind === 'text' && i.mime.endsWith('.stdout') ? [i.text] : [])).at(-1)?.endsWith('\n') ?? false;
    /** Runs `action` as soon as the next line is shown whole: nothing of the run is in flight then (the next is 0.2 s away). */
    const afterNewLine = async <T>(what: string, action: () => T): Promise<T> => {
      const shown = liveLines();
      const t0 = Date.now();
      while (liveLines() === shown || !lineEnded()) {
        if (Date.now() - t0 > 30_000) throw new Error(`${what}: no new line within 30 s`);
        await new Promise((r) => setImmediate(r));
      }
      return action();
    };
    await until('the counter to print', () => liveLines() >= 10, 60_000, 20);

    // 1. The network goes for 10 s.
    const cut = await afterNewLine('the network cut', () => ({ over: fwd.cut(10_000) }));
    console.log(`[phase] cut at line ${liveLines()}`);
    await cut.over;
    console.log(`[phase] network back at line ${liveLines()}`);
    const back = Date.now();
    const before1 = liveLines();
    const firstAfterNetwork = await until('new output after the network came back', () => liveLines() > before1, 30_000, 20);
    console.log(`[measure] network back → first new output: ${firstAfterNetwork} ms (${Date.now() - back} ms)`);

    assert.ok(firstAfterNetwork < 5_000, `the first new output came ${firstAfterNetwork} ms after the network was back`);
    // Live again (the replay burst is through): a proxy killed while it forwards a burst loses what it held.
    await replayThrough('after the network came back');
    // 2. The hub's proxy dies; the hub starts it again.
    const proxies = proxyPids(hub);
    assert.equal(proxies.length, 1, `one proxy process, found ${proxies.join(',')}`);
    await afterNewLine('the proxy kill', () => process.kill(proxies[0]!, 'SIGKILL'));
    console.log(`[phase] proxy killed at line ${liveLines()}`);
    const killed = Date.now();
    await until('a new proxy', () => proxyPids(hub).some((p) => p !== proxies[0]), 30_000, 20);
    const before2 = liveLines();
    await until('new output after the proxy came back', () => liveLines() > before2, 40_000, 20);
    console.log(`[measure] proxy killed → first new output: ${Date.now() - killed} ms`);
    assert.ok(!states.includes('server-stopped'), `no "server is gone" verdict: ${states.join(' → ')}`);
    assert.equal(first.state, 'connected');
    // Live again: the server replays what it kept during the outage in one burst, and a socket closed while that burst
    // is still in flight loses the rest of it (the server counts it as sent; see the README's reattach limits).
    await replayThrough('after the proxy came back');

    let firstOutputsShown: CellOutput[] = [];
    // 3. The window reloads: the first client goes (its kernel keeps running); a new one starts from the ledger.
    const { shownBeforeReload, ledger } = await afterNewLine('the reload', () => {
      const taken = { shownBeforeReload: stdoutLines(live()), ledger: structuredClone(persisted!) };
      firstOutputsShown = structuredClone(live());
      recorder.dispose();
      first.detach();
      return taken;
    });
    assert.ok(shownBeforeReload.length < LINES - 10, `the reload happens mid-run (${shownBeforeReload.length} lines already)`);
    console.log(`[phase] reload at line ${shownBeforeReload.length}; lines so far ${JSON.stringify(shownBeforeReload.join(' '))}`);
    // The server has seen the socket close (it keeps the kernel's messages from then on), and some output is kept.
    await until('the server to see the socket close', async () => (await jupyter.getKernel(ledger.kernelId)).connections === 0, 30_000, 200);
    await new Promise((r) => setTimeout(r, 1_000));
    const { pending, outcome, replay, outputs: replayedOutputs, gaps } = await reattachAfterReload(sessionPath, ledger);
    assert.equal(outcome, 'reattached');
    const end = await replay.done;
    assert.deepEqual(gaps, []);
    assert.equal(end.kind, 'finished', JSON.stringify(end));
    assert.equal(end.kind === 'finished' && end.status, 'ok');
    assert.equal(end.kind === 'finished' && end.executionCount, pending.executionCount ?? 1);
    const all = [...shownBeforeReload, ...stdoutLines(replayedOutputs.outputs)];
    // The first client checks the kernel's message numbers across each drop: it names a loss where there was one.
    const lossNotice = JSON.stringify(firstOutputsShown).includes('Output may be missing here');
    assert.deepEqual(all, Array.from({ length: LINES }, (_, i) => String(i)), `every line exactly once, in order (the first client ${lossNotice ? 'said' : 'did not say'} output may be missing)`);
    assert.equal(lossNotice, false, 'no loss named where none was');
    const results = replayedOutputs.outputs.flatMap((o) => o.items).filter((i) => i.kind === 'text' && i.mime === 'text/plain').map((i) => (i as { text: string }).text);
    assert.deepEqual(results, ["'done'"], 'the cell\'s result arrives');
  });

  // The window reloads while its network is silent (neither end notices): the server counts what it wrote meanwhile as
  // delivered and keeps nothing of it. The new window cannot get it back, and says so rather than look complete.
  test('a reload while the network was silent: the new window says output may be missing, and the cell ends with its result', async () => {
    const sessionPath = `pangeo-vscode/test/reattach-silent-${randomUUID().slice(0, 8)}.ipynb`;
    const first = newKernel(sessionPath, randomUUID());
    let persisted: NotebookLedger | undefined;
    const recorder = new RunRecorder(first, jupyter.serverUrl, (ledger) => {
      persisted = ledger && structuredClone(ledger);
    });
    const lines = 80;
    void first.run({
      code: `import time\nfor i in range(${lines}):\n    print(i, flush=True)\n    time.sleep(0.1)\n"done"`,
      onRequest: (msgId) => recorder.started(msgId, 0, 'hash', Date.now()),
      onChange: () => undefined,
    }).catch(() => undefined);
    const live = () => (first as unknown as { runningCell?: { outputs: CellOutputState } }).runningCell?.outputs.outputs ?? [];
    await until('the counter to print', () => stdoutLines(live()).length >= 10, 60_000, 20);
    const silence = fwd.blackhole(1_500);
    await new Promise((r) => setTimeout(r, 1_000));
    // The reload: the first window goes (its socket into the silence); the ledger is as it last persisted it.
    const shownBeforeReload = stdoutLines(live());
    const ledger = structuredClone(persisted!);
    recorder.dispose();
    first.detach();
    await silence;
    assert.ok(ledger.lastMessageId, 'the ledger hands on the newest message the window handled');
    await until('the server to see the socket close', async () => (await jupyter.getKernel(ledger.kernelId)).connections === 0, 30_000, 200);
    const { outcome, replay, outputs: replayed, gaps } = await reattachAfterReload(sessionPath, ledger);
    assert.equal(outcome, 'reattached');
    const end = await replay.done;
    assert.equal(end.kind === 'finished' && end.status, 'ok', JSON.stringify(end));
    const all = [...shownBeforeReload, ...stdoutLines(replayed.outputs)];
    console.log(`[measure] ${all.length} of ${lines} lines shown across the silent reload; said: ${JSON.stringify(gaps)}`);
    assert.ok(all.length < lines, `lines were lost in the silence (${all.length} of ${lines} shown): the test no longer tests the gap`);
    assert.equal(gaps.length, 1, `said once: ${JSON.stringify(gaps)}`);
    assert.match(gaps[0]!, /^Output may be missing here: \d+ messages? the kernel sent when the connection dropped at \d\d:\d\d:\d\d did not arrive/);
  });
});
