// Piped stdin as lines for `kernel run`'s input(): answers that arrive in one chunk are queued, the end of input is
// undefined (never a wait), an already-ended stdin too, and an abort stops a wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { processStdinLines } from '../../../src/cli/processStdinLines';

const sink = new Writable({ write: (_c, _e, cb) => cb() });

test('lines written at once are read one per question; at the end of input every read is undefined', async () => {
  const input = new PassThrough();
  const lines = processStdinLines(input, sink);
  assert.equal(lines.isTerminal, false);
  input.end('ana\r\ns3cret\n');
  assert.equal(await lines.read({ echo: true }), 'ana');
  assert.equal(await lines.read({ echo: false }), 's3cret');
  assert.equal(await lines.read({ echo: true }), undefined);
  assert.equal(await lines.read({ echo: true }), undefined);
  lines.close();
});

test('a read waits for a line that comes later; an abort ends the wait', async () => {
  const input = new PassThrough();
  const lines = processStdinLines(input, sink);
  const pending = lines.read({ echo: true });
  setTimeout(() => input.write('late\n'), 20);
  assert.equal(await pending, 'late');
  const aborted = new AbortController();
  const waiting = lines.read({ echo: true, signal: aborted.signal });
  aborted.abort();
  assert.equal(await waiting, undefined);
  lines.close();
});

test('stdin already read to its end (e.g. it carried the token) gives undefined at once', async () => {
  const input = new PassThrough();
  input.end('token\n');
  for await (const chunk of input) void chunk;
  const lines = processStdinLines(input, sink);
  assert.equal(await lines.read({ echo: true }), undefined);
});
