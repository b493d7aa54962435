// The controller id scheme other tests (e2e) and VS Code's remembered selection depend on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { controllerIdFor, controllerLabel } from '../../../src/kernels/controllerId';

test('controller ids: pangeo-<sha256(hubId)[0..12]>-<server or default>-<kernel>', () => {
  const hubId = 'https://hub.example.org/jhub/';
  const hash = createHash('sha256').update(hubId).digest('hex').slice(0, 12);
  assert.equal(controllerIdFor(hubId, '', 'python3'), `pangeo-${hash}-default-python3`);
  assert.equal(controllerIdFor(hubId, 'gpu', 'ir'), `pangeo-${hash}-gpu-ir`);
  assert.notEqual(controllerIdFor('https://other.example.org/', '', 'python3'), controllerIdFor(hubId, '', 'python3'));
});

test('labels: the display name, and the account as the Accounts menu spells it (no doubled @)', () => {
  assert.equal(controllerLabel('Python 3 (ipykernel)', 'alice', 'hub.example.org', ''), 'Pangeo: Python 3 (ipykernel) on alice @ hub.example.org');
  assert.equal(controllerLabel('Python 3 (ipykernel)', 'alice', 'hub.example.org', 'gpu'), 'Pangeo: Python 3 (ipykernel) on alice @ hub.example.org (gpu)');
  assert.equal(controllerLabel('R', 'ana maría@uni', '127.0.0.1:8000', ''), 'Pangeo: R on ana maría@uni @ 127.0.0.1:8000');
});
