// The CLI's error line names its own flags, never the editor's settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError } from '../../../src/cli/command';
import { TimeoutError } from '../../../src/core/http/errors';
import { HUB_OPTIONS } from '../../../src/cli/hubSession';

test('a timeout names the flag of the limit that ran out, when the command has it', () => {
  const start = { ...HUB_OPTIONS, 'spawn-timeout': { type: 'string' as const } };
  assert.equal(describeError(new TimeoutError('https://h/hub/api/user', 30_000, 'request'), start),
    'https://h/hub/api/user did not answer within 30 s. The server may be busy or down: retry, or allow more time with --timeout SECONDS.');
  assert.match(describeError(new TimeoutError('https://h/p', 600_000, 'spawn'), start), /allow more time with --spawn-timeout SECONDS\.$/);
  // A command without the flag, or a limit no flag sets (the progress stream's silence): no flag to name.
  assert.match(describeError(new TimeoutError('https://h/p', 600_000, 'spawn'), HUB_OPTIONS), /busy or down: retry\.$/);
  assert.match(describeError(new TimeoutError('https://h/p', 60_000), start), /busy or down: retry\.$/);
  for (const e of [new TimeoutError('u', 1, 'request'), new TimeoutError('u', 1, 'spawn'), new TimeoutError('u', 1)]) {
    assert.doesNotMatch(describeError(e, start), /settings/);
  }
});
