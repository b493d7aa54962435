// The one command wrapper: a command's result reaches its caller; a failure becomes a notification with its ways out
// and the command ends at once (never waiting for the toast); a cancelled command says nothing; dispose unregisters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerCommand, retryCommand } from '../../../src/editor/command';
import { silentLogger } from '../../../src/core/log';
import { CancelledError, InvalidInputError } from '../../../src/core/http/errors';
import { createFakeVscode, settle } from '../../support/fakeVscode';

test('the command returns what it ran, and is gone once disposed', async () => {
  const f = createFakeVscode();
  const registration = registerCommand({ vs: f.vs, logger: silentLogger }, 'pangeo.test.add', 'Add', (a: number, b: number) => a + b);
  assert.equal(await f.vs.commands.executeCommand('pangeo.test.add', 2, 3), 5);
  registration.dispose();
  assert.equal(f.commands.has('pangeo.test.add'), false);
});

test('a typed error is shown with its title, message and actions, and the command ends while the toast is open', async () => {
  const f = createFakeVscode();
  const shown: string[][] = [];
  let pick!: (button: string | undefined) => void;
  // A toast nobody has closed yet.
  (f.vs.window as { showErrorMessage: unknown }).showErrorMessage = (text: string, ...buttons: string[]) => {
    shown.push([text, ...buttons]);
    return new Promise<string | undefined>((r) => { pick = r; });
  };
  let runs = 0;
  registerCommand({ vs: f.vs, logger: silentLogger }, 'pangeo.test.fail', 'Open the thing', async (name: string) => {
    runs++;
    throw new InvalidInputError(`No thing called ${name}.`, 'Pick another.');
  }, retryCommand(f.vs, 'pangeo.test.fail'));
  const ended = await Promise.race([
    Promise.resolve(f.vs.commands.executeCommand('pangeo.test.fail', 'x')).then((r) => ({ r })),
    new Promise((r) => setTimeout(() => r('still waiting'), 500)),
  ]);
  assert.deepEqual(ended, { r: undefined }, 'the command returned undefined without waiting for the user');
  assert.equal(shown.length, 1);
  assert.match(shown[0]![0]!, /^Open the thing: No thing called x\./);
  assert.deepEqual(shown[0]!.slice(1), ['Retry', 'Show Log']);
  pick('Retry');
  await settle();
  assert.equal(runs, 2, 'Retry ran the command again');
  assert.deepEqual(f.executed.map((e) => [e.id, ...e.args]), [['pangeo.test.fail', 'x'], ['pangeo.test.fail', 'x']]);
});

test('a cancelled command shows nothing', async () => {
  const f = createFakeVscode();
  registerCommand({ vs: f.vs, logger: silentLogger }, 'pangeo.test.cancel', 'Cancel', () => { throw new CancelledError('Sign-in'); });
  assert.equal(await f.vs.commands.executeCommand('pangeo.test.cancel'), undefined);
  assert.deepEqual(f.notices, []);
});
