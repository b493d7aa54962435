// Where the notebooks' ledgers are kept: a file in the workspace's storage, written before the write call returns, so
// the last write as the window goes lands; ledgers an earlier version kept in workspaceState are read, then cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { ledgerStorage, ReattachStore } from '../../../src/kernels/editor/reattachStore';
import { MemoryStore } from '../../../src/core/keyValueStore';
import type { NotebookLedger } from '../../../src/kernels/reattach/runLedger';

const LEDGER: NotebookLedger = { serverUrl: 'http://h/user/a/', kernelId: 'k1', kernelName: 'python3', clientId: 'c1', lastMessageId: 's_1_7', runs: [] };
const fileUri = (fsPath: string) => ({ scheme: 'file', fsPath }) as vscode.Uri;

test('the ledger file is written as the window goes, before anything is awaited; an older workspaceState ledger is read, then cleared', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-ledgers-'));
  try {
    const workspaceState = new MemoryStore();
    workspaceState.data.set('pangeo.kernels.reattach', { 'file:///w/old.ipynb': { ...LEDGER, kernelId: 'old' } });
    const store = new ReattachStore(ledgerStorage(fileUri(dir), workspaceState));
    assert.equal(store.get('file:///w/old.ipynb')?.kernelId, 'old', 'a ledger kept by an earlier version is found');
    store.set('file:///w/a.ipynb', LEDGER);
    store.dispose(); // not awaited: the extension host may end right after
    const written = JSON.parse(readFileSync(join(dir, 'reattach-ledgers.json'), 'utf8')) as Record<string, Record<string, NotebookLedger>>;
    assert.equal(written['pangeo.kernels.reattach']?.['file:///w/a.ipynb']?.lastMessageId, 's_1_7');
    assert.equal(written['pangeo.kernels.reattach']?.['file:///w/old.ipynb']?.kernelId, 'old', 'carried over into the file');
    await new Promise((r) => setImmediate(r));
    assert.equal(workspaceState.data.has('pangeo.kernels.reattach'), false, 'the old copy is cleared (it must not come back once forgotten)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a local storage folder (no folder open, a web host) the ledgers stay in workspaceState', () => {
  const workspaceState = new MemoryStore();
  assert.equal(ledgerStorage(undefined, workspaceState), workspaceState);
  assert.equal(ledgerStorage({ scheme: 'vscode-userdata', fsPath: '/x' } as vscode.Uri, workspaceState), workspaceState);
});

test('a storage folder that cannot be written: the ledgers go on in workspaceState, and the file is read no more', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pangeo-ledgers-'));
  try {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the storage folder should be');
    const workspaceState = new MemoryStore();
    const store = new ReattachStore(ledgerStorage(fileUri(blocked), workspaceState));
    store.set('file:///w/a.ipynb', LEDGER);
    await store.flush();
    assert.equal(store.get('file:///w/a.ipynb')?.lastMessageId, 's_1_7', 'kept, in workspaceState');
    assert.ok(workspaceState.data.has('pangeo.kernels.reattach'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
