// Issue #23: the `pangeo-compute` CLI (built bundle) against a real JupyterHub whose spawner sends hostile text —
// progress messages, a failure reason, a server name and user_options from test/fixtures/hostileText.ts. No raw
// control, bidi or invisible character may reach stdout or stderr (checked on the bytes); --json keeps the exact text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestHub, TestHub } from '../../support/jupyterhub';
import { HubClient } from '../../../src/hubs/hubClient';
import { HOSTILE_SAMPLES } from '../../fixtures/hostileText';

const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const ESC = '\u001b';
const BEL = '\u0007';

// NUL cannot travel in argv or a Python exception message unchanged: the progress stream carries it instead.
const PROGRESS = HOSTILE_SAMPLES.map((s) => s.text);
const FAILURE = `quota${ESC}]52;c;Y3VybCBldmlsIHwgc2g=${BEL}${ESC}[2J exceeded \u202Eexe.fdp [fix](command:workbench.action.openSettings)`;
const SERVER_NAME = `evil${ESC}[2J\u202Egpj.exe\u200B`;
const PROFILE = `gpu${ESC}]52;c;ZXZpbA==${BEL}\u0085\u2067large`;

// A spawner of the test's own: every progress event and the failure reason come from the hostile corpus.
const HOSTILE_SPAWNER = `
import base64 as _b64, json as _json
from jupyterhub.spawner import SimpleLocalProcessSpawner as _Base
_HOSTILE = _json.loads(_b64.b64decode('${Buffer.from(JSON.stringify({ progress: PROGRESS, failure: FAILURE }), 'utf8').toString('base64')}').decode('utf-8'))
class HostileTextSpawner(_Base):
    async def progress(self):
        for i, message in enumerate(_HOSTILE['progress']):
            yield {'progress': 5 + i, 'message': message}
    async def start(self):
        if self.user_options.get('fail') in ('yes', ['yes']):
            raise RuntimeError(_HOSTILE['failure'])
        return await super().start()
c.JupyterHub.spawner_class = HostileTextSpawner
`;

interface Run { code: number; stdout: Buffer; stderr: Buffer }

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.end();
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
  });
}

/** The first byte a terminal would obey (C0 but \n and \t, DEL) or UTF-8 character that is C1, bidi or invisible. */
function firstUnsafe(bytes: Buffer): string | undefined {
  const raw = bytes.findIndex((b) => (b < 0x20 && b !== 0x0a && b !== 0x09) || b === 0x7f);
  if (raw >= 0) return `byte 0x${bytes[raw]!.toString(16)} at ${raw}: ${JSON.stringify(bytes.subarray(Math.max(0, raw - 30), raw + 30).toString('utf8'))}`;
  const text = bytes.toString('utf8');
  const m = /[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff\u{e0000}-\u{e007f}]/u.exec(text);
  return m ? `U+${m[0].codePointAt(0)!.toString(16)} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 30))}` : undefined;
}

function assertTerminalSafe(r: Run, what: string): void {
  assert.equal(firstUnsafe(r.stdout), undefined, `${what} stdout: ${firstUnsafe(r.stdout)}`);
  assert.equal(firstUnsafe(r.stderr), undefined, `${what} stderr: ${firstUnsafe(r.stderr)}`);
}

describe('pangeo-compute against a hub that sends hostile text', { timeout: 240_000 }, () => {
  let hub: TestHub;
  let env: Record<string, string>;
  before(async () => {
    execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT });
    hub = await startTestHub({ users: ['mallory'], extraConfig: HOSTILE_SPAWNER });
    const admin = new HubClient(hub.url, { token: hub.adminToken });
    env = { JUPYTERHUB_API_TOKEN: (await admin.createToken('mallory', { note: 'hostile cli test', expiresInSeconds: 3600 })).token };
  });
  after(async () => hub?.stop());

  test('hub start: hostile progress messages reach the terminal as text, escape sequences removed whole', async () => {
    const r = await cli(['hub', 'start', '--url', hub.url, '--option', `profile=${PROFILE}`], env);
    assert.equal(r.code, 0, r.stderr.toString());
    assertTerminalSafe(r, 'start');
    const err = r.stderr.toString('utf8');
    assert.match(err, /invoice⟨U\+202E⟩fdp\.exe/, 'bidi shown as a marker');
    assert.match(err, /\] done\n/, 'OSC 52 removed up to its BEL');
    assert.match(err, /\] Spawn complete\n/, 'CSI 2J and CSI H removed whole');
    assert.ok(!err.includes('52;c;'), 'nothing of the clipboard write is left');
    assert.match(err, /a⟨U\+0000⟩b⟨U\+0007⟩c⟨U\+0008⟩d/);
    assert.ok(err.includes('x'.repeat(10_000)), 'a 10,000-character message is kept whole');
    assert.match(r.stdout.toString(), /^ready: http:\/\/127\.0\.0\.1:\d+\/user\/mallory\//);

    const servers = await cli(['hub', 'servers', '--url', hub.url], env);
    assertTerminalSafe(servers, 'servers');
    assert.match(servers.stdout.toString(), /profile=gpu⟨U\+0085⟩⟨U\+2067⟩large/);
  });

  test('hub start --json: every progress line parses and carries the hub\'s exact text, escaped', async () => {
    const r = await cli(['hub', 'start', '--url', hub.url, '--server', 'second', '--option', `profile=${PROFILE}`, '--json'], env);
    assert.equal(r.code, 0, r.stderr.toString());
    assertTerminalSafe(r, 'start --json');
    // stderr also holds plain notes (e.g. "options sent unchecked"): the JSON lines are the ones that open with {.
    const messages = r.stderr.toString('utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { message: string }).message);
    for (const text of PROGRESS) assert.ok(messages.includes(text), `progress message kept exactly: ${JSON.stringify(text.slice(0, 60))}`);
    assert.match(r.stderr.toString(), /\\u001b\]52;c;/, 'ESC is escaped, not dropped');
    assert.match(r.stderr.toString(), /\\u202e/, 'bidi is escaped, not dropped');
    const started = JSON.parse(r.stdout.toString()) as { state: string; user_options: { profile: string } };
    assert.equal(started.state, 'ready');
    assert.equal(started.user_options.profile, PROFILE);
  });

  test('a hostile failure reason and server name: exit 1, terminal-safe in text and exact in JSON', async () => {
    const human = await cli(['hub', 'start', '--url', hub.url, '--server', SERVER_NAME, '--option', 'fail=yes'], env);
    assert.equal(human.code, 1, human.stderr.toString());
    assertTerminalSafe(human, 'failed start');
    assert.match(human.stderr.toString(), /error: The server failed to start: .*quota exceeded ⟨U\+202E⟩exe\.fdp/);

    const json = await cli(['hub', 'start', '--url', hub.url, '--server', SERVER_NAME, '--option', 'fail=yes', '--json'], env);
    assert.equal(json.code, 1, json.stderr.toString());
    assertTerminalSafe(json, 'failed start --json');
    const failed = JSON.parse(json.stdout.toString()) as { error: string; kind: string };
    assert.equal(failed.kind, 'SpawnFailed');
    assert.ok(failed.error.includes(FAILURE), `the exact reason: ${JSON.stringify(failed.error)}`);

    const listed = await cli(['hub', 'servers', '--url', hub.url], env);
    assertTerminalSafe(listed, 'servers');
    assert.match(listed.stdout.toString(), /evil⟨U\+202E⟩gpj\.exe⟨U\+200B⟩ +stopped/);
    const listedJson = await cli(['hub', 'servers', '--url', hub.url, '--json'], env);
    assertTerminalSafe(listedJson, 'servers --json');
    const names = (JSON.parse(listedJson.stdout.toString()) as { servers: Array<{ name: string }> }).servers.map((s) => s.name);
    assert.ok(names.includes(SERVER_NAME), JSON.stringify(names));
  });
});
