// The Jupyter extension forgets a server (its kernels, its reconnect after a reload) when our listing lacks it: a server
// it used in an earlier window is listed until its hub has answered, then only while ready or used in this window.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { offeredServers, splitServerId, type OfferInputs } from '../../../src/jupyter/offeredServers';
import { workspaceUsedServers } from '../../../src/jupyter/editor/usedServerStore';

const HUB = 'https://hub.example.org/';
const def = { id: `${HUB}#`, label: 'default — alice @ hub.example.org' };
const gpu = { id: `${HUB}#gpu`, label: 'gpu — alice @ hub.example.org' };
const other = { id: 'https://other.example.org/#', label: 'default — bob @ other.example.org' };

const inputs = (o: Partial<OfferInputs>): OfferInputs => ({ used: [], ready: [], remembered: [], hubState: () => 'answered', ...o });

test('right after a reload (the hub not answered yet) the servers used in an earlier window are listed', () => {
  assert.deepEqual(offeredServers(inputs({ remembered: [def, gpu], hubState: () => 'unanswered' })), [def, gpu]);
});

test('once the hub answered, a remembered server is listed only when ready (a stopped one is let go)', () => {
  assert.deepEqual(offeredServers(inputs({ remembered: [def, gpu], ready: [def] })), [def]);
  assert.deepEqual(offeredServers(inputs({ remembered: [def] })), []);
});

test('a remembered server of a hub that was removed is not listed', () => {
  assert.deepEqual(offeredServers(inputs({ remembered: [def, other], hubState: (h) => (h === HUB ? 'removed' : 'unanswered') })), [other]);
});

test('used, then ready, then remembered; each server once', () => {
  assert.deepEqual(offeredServers(inputs({ used: [gpu], ready: [def, gpu], remembered: [other, def], hubState: () => 'unanswered' })), [gpu, def, other]);
});

test('a server id names its hub up to the first "#" (a server name may hold one)', () => {
  assert.equal(splitServerId(`${HUB}#a#b`)[0], HUB);
  assert.equal(splitServerId(HUB)[0], HUB);
});

test('the workspace keeps the newest 20 servers, each once, and ignores what is not a server', () => {
  const state = new Map<string, unknown>([['pangeo.jupyterExtension.usedServers', [{ id: 1 }, def, 'x']]]);
  const memento = { get: <T>(k: string) => state.get(k) as T, update: async (k: string, v: unknown) => void state.set(k, v) };
  const memory = workspaceUsedServers(memento);
  assert.deepEqual(memory.all(), [def]);
  memory.add(gpu);
  memory.add({ ...def, label: 'renamed' });
  assert.deepEqual(memory.all(), [gpu, { ...def, label: 'renamed' }]);
  for (let i = 0; i < 30; i++) memory.add({ id: `${HUB}#s${i}`, label: `s${i}` });
  assert.equal(memory.all().length, 20);
  assert.equal(memory.all().at(-1)?.id, `${HUB}#s29`);
});
