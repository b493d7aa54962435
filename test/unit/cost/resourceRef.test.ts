// Resource ids are reversible whatever the halves hold: URLs with "/", ":" and "#", names with spaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceId, resourceId, type ResourceRef } from '../../../src/cost/resourceRef';

test('resource ids round-trip; a scheduler URL ending in "/" keeps its provider and cluster apart', () => {
  const refs: ResourceRef[] = [
    { kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' },
    { kind: 'cluster', providerId: 'gateway:https://hub.example.org/services/dask-gateway/', clusterId: 'dask.abc/def' },
    { kind: 'cluster', providerId: 'coiled:my-lab', clusterId: '12345' },
    { kind: 'server', hubId: 'https://hub.example.org/jhub/', serverName: '' },
    { kind: 'server', hubId: 'https://hub.example.org/', serverName: 'gpu #2 / week 3' },
  ];
  for (const ref of refs) assert.deepEqual(parseResourceId(resourceId(ref)), ref);
  assert.equal(new Set(refs.map(resourceId)).size, refs.length);
  assert.equal(parseResourceId('scheduler/http://127.0.0.1:8787/'), undefined, 'the old ambiguous form is not guessed at');
});
