// The editor side of a cell's input request: the input box's options (the kernel's prompt inert, getpass masked, only
// Enter or Escape decides), and the box closed when the cell stops waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { askInInputBox } from '../../../src/kernels/editor/cellInputBox';
import { createFakeVscode, FakeUri } from '../../support/fakeVscode';

const cell = { index: 2, notebook: { uri: FakeUri.file('/work/analysis.ipynb') } } as unknown as vscode.NotebookCell;

test('the box names the cell, shows the kernel\'s prompt as inert text, masks getpass, and stays open on focus loss', async () => {
  const fake = createFakeVscode();
  fake.answers.input.push('ana', 's3cret');
  const ask = askInInputBox(fake.vs, cell);
  assert.equal(await ask({ prompt: 'name? [Official fix](command:workbench.action.openSettings) $(key)', password: false }, new AbortController().signal), 'ana');
  assert.equal(await ask({ prompt: 'pw: ', password: true }, new AbortController().signal), 's3cret');
  const [first, second] = fake.inputBoxes;
  assert.equal(first!.title, 'Cell 3 of analysis.ipynb asks for input (Enter: send · Escape: interrupt the cell)');
  assert.equal(first!.prompt, 'name? [Official fix] (command:workbench.action.openSettings) \\$(key)');
  assert.equal(first!.password, false);
  assert.equal(first!.ignoreFocusOut, true);
  assert.equal(second!.password, true);
  assert.equal(second!.prompt, 'pw: ');
});

test('the box closes when the cell stops waiting (interrupt, restart, the run ends); none opens after that', async () => {
  const fake = createFakeVscode();
  const ask = askInInputBox(fake.vs, cell);
  const stop = new AbortController();
  const open = ask({ prompt: 'waiting: ', password: false }, stop.signal);
  await new Promise((r) => setImmediate(r));
  stop.abort();
  assert.equal(await open, undefined);
  assert.equal(await ask({ prompt: 'again: ', password: false }, stop.signal), undefined);
  assert.equal(fake.inputBoxes.length, 1);
});

test('one box at a time in a window: a second notebook asking waits, instead of closing the first box (read as Escape)', async () => {
  const fake = createFakeVscode();
  const other = { index: 0, notebook: { uri: FakeUri.file('/work/other.ipynb') } } as unknown as vscode.NotebookCell;
  const first = new AbortController();
  const waiting = askInInputBox(fake.vs, cell)({ prompt: 'first: ', password: false }, first.signal);
  await new Promise((r) => setImmediate(r));
  fake.answers.input.push('second answer');
  const second = askInInputBox(fake.vs, other)({ prompt: 'second: ', password: false }, new AbortController().signal);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(fake.inputBoxes.map((b) => b.prompt), ['first: '], 'the second box waits');
  first.abort();
  assert.equal(await waiting, undefined);
  assert.equal(await second, 'second answer');
  assert.deepEqual(fake.inputBoxes.map((b) => b.prompt), ['first: ', 'second: ']);
});
