// showError must not hold the failing command until the user closes the toast: a preset step, a test or a caller
// awaiting the command would hang on it. Its buttons still work when clicked later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { showError } from '../../../src/editor/showError';
import { silentLogger } from '../../../src/core/log';
import { UnreachableError } from '../../../src/core/http/errors';
import { settle } from '../../support/mockClock';

test('showError returns while the toast is still open; a button picked later runs its action', async () => {
  let answer!: (picked: string | undefined) => void;
  const shown: string[] = [];
  const ran: string[] = [];
  const vs = {
    window: { showErrorMessage: (message: string) => { shown.push(message); return new Promise<string | undefined>((r) => { answer = r; }); } },
    commands: { executeCommand: async (id: string) => void ran.push(id) },
  } as unknown as typeof vscode;
  const returned = await Promise.race([
    showError(vs, silentLogger, 'List clusters', new UnreachableError('http://gw.test/', 'connect ECONNREFUSED'), [{ title: 'Retry', run: () => void ran.push('retry') }]).then(() => 'returned'),
    settle().then(() => 'still waiting'), // turns of the event loop, not a time window: a busy machine cannot stretch it
  ]);
  assert.equal(returned, 'returned', 'the caller goes on without waiting for the user');
  assert.match(shown[0]!, /^List clusters: /);
  answer('Retry');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(ran, ['retry']);
});
