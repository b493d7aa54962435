// The CLI's one way out (issue #23): whatever path a command writes by, no raw control, bidi or invisible character
// of server text reaches stdout or stderr; --json keeps the exact text, escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { runCli } from '../../../src/cli/main';
import { CliIO, CommandGroup, EXIT } from '../../../src/cli/command';
import { InvalidInputError } from '../../../src/core/http/errors';
import { HOSTILE_SAMPLES, UNSAFE_CHARACTER } from '../../fixtures/hostileText';

const texts = HOSTILE_SAMPLES.map((s) => s.text);
const ESC = '\u001b';

/** A command that writes every hostile text by every path a command has, then fails with one. */
const group: CommandGroup = {
  name: 'probe',
  summary: 'writes hostile text',
  commands: {
    all: {
      summary: 'every output path',
      usage: '',
      async run(ctx) {
        for (const t of texts) {
          ctx.note(t);
          ctx.io.stderr(`${t}\n`);
          ctx.printJsonLine('stderr', { message: t });
          if (!ctx.json) ctx.io.stdout(`${t}\n`);
        }
        ctx.print(texts.join('\n'), { texts });
        ctx.writeBytes(Buffer.from(texts.join('\n'), 'utf8'));
        throw new InvalidInputError(texts.join(' | '));
      },
    },
  },
};

interface Captured { code: number; out: string; err: string; bytes: Uint8Array[] }

async function run(argv: string[], extra: Partial<CliIO> = {}): Promise<Captured> {
  let out = '';
  let err = '';
  const bytes: Uint8Array[] = [];
  const code = await runCli(argv, [group], {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    stdoutBytes: (b) => { bytes.push(b); },
    readStdin: async () => '',
    env: {},
    ...extra,
  }, new AbortController().signal);
  return { code, out, err, bytes };
}

/** Every raw character a terminal obeys or that reorders or hides text, as an assertion message names it. */
function unsafeIn(text: string): string | undefined {
  const m = UNSAFE_CHARACTER.exec(text) ?? /[\u2028\u2029\u{E0000}-\u{E007F}]/u.exec(text);
  return m ? `U+${m[0].codePointAt(0)!.toString(16)} at ${m.index}: ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}` : undefined;
}

test('human output: no raw control character on stdout or stderr, escape sequences gone whole, text still there', async () => {
  const r = await run(['probe', 'all'], { stdoutIsTerminal: true });
  assert.equal(r.code, EXIT.usage);
  assert.equal(unsafeIn(r.out), undefined, `stdout: ${unsafeIn(r.out)}`);
  assert.equal(unsafeIn(r.err), undefined, `stderr: ${unsafeIn(r.err)}`);
  assert.deepEqual(r.bytes, [], 'a terminal never gets the raw bytes');
  assert.ok(!r.out.includes(']52;c;'), 'the OSC 52 sequence is removed whole');
  const humanErr = r.err.split('\n').filter((l) => !l.startsWith('{')).join('\n');
  assert.ok(!humanErr.includes('[2J'), 'the clear-screen sequence is removed whole');
  assert.match(r.err, /Spawn complete/);
  assert.match(r.err, /invoice⟨U\+202E⟩fdp\.exe/);
  assert.match(r.out, /a⟨U\+0000⟩b⟨U\+0007⟩c⟨U\+0008⟩d/);
  assert.match(r.err, /^error: [^]*invoice⟨U\+202E⟩fdp\.exe/m);
  assert.ok(r.out.includes('x'.repeat(10_000)), 'long text is kept');
});

test('--json: every line parses, the exact server text comes back, and the bytes hold no raw control character', async () => {
  const r = await run(['probe', 'all', '--json'], { stdoutIsTerminal: false });
  assert.equal(unsafeIn(r.out), undefined, `stdout: ${unsafeIn(r.out)}`);
  assert.equal(unsafeIn(r.err), undefined, `stderr: ${unsafeIn(r.err)}`);
  const progress = r.err.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { message: string }).message);
  assert.deepEqual(progress, texts);
  // stdout: the pretty result document, the piped file bytes (raw, below), then the error line.
  const docEnd = r.out.indexOf('\n}\n') + 3;
  assert.deepEqual(JSON.parse(r.out.slice(0, docEnd)), { texts });
  const error = JSON.parse(r.out.slice(docEnd)) as { error: string; kind: string };
  assert.equal(error.kind, 'InvalidInput');
  assert.equal(error.error, texts.join(' | '));
  assert.match(r.out, /\\u001b\]52;c;/, 'ESC is escaped, not dropped');
  assert.match(r.out, /\\u202e/, 'bidi is escaped, not dropped');
  assert.equal(Buffer.concat(r.bytes).toString('utf8'), texts.join('\n'), 'a pipe gets the file as it is');
});

test('the OSC 52 and CSI 2J samples lose their whole sequence, not just ESC', async () => {
  const r = await run(['probe', 'all']);
  assert.ok(!r.out.includes(`${ESC}`));
  assert.ok(r.out.includes('done\n'), 'OSC 52 removed up to its BEL');
  assert.ok(r.out.includes('\nSpawn complete\n'), 'CSI 2J and CSI H removed');
});

const root = join(__dirname, '../../..');
// The probe files exist only in memory, outside the TypeScript project: lint them without type information.
const eslint = new ESLint({ cwd: root, overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] } });

test('lint: CLI commands cannot write to process.stdout, process.stderr or console around the safe writers', async () => {
  const ids = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath: join(root, filePath) }))[0]!.messages.map((m) => m.ruleId ?? m.message);
  assert.deepEqual(await ids("export const f = (t: string) => process.stdout.write(t);\n", 'src/cli/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ids("export const f = (t: string) => process.stderr.write(t);\n", 'src/cli/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ids("export const f = (t: string) => console.error(t);\n", 'src/cli/probe.ts'), ['no-restricted-syntax']);
  assert.deepEqual(await ids("export const f = (t: string) => process.stdout.write(t);\n", 'src/cli.ts'), []);
});
