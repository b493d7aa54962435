// The hub's kernels are labelled with the account and hub (a local "Python 3" looked the same).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hubKernelLabel, labelKernelSpecs } from '../../../src/jupyter/kernelSpecLabels';

test('hubKernelLabel: display name — user @ hub, with the server name for a named server', () => {
  assert.equal(hubKernelLabel('Python 3 (ipykernel)', { user: 'alice', hubLabel: 'hub.example.org', serverName: '' }), 'Python 3 (ipykernel) — alice @ hub.example.org');
  assert.equal(hubKernelLabel('R', { user: 'ana@uni', hubLabel: '127.0.0.1:8000/jhub', serverName: 'gpu' }), 'R — ana@uni @ 127.0.0.1:8000/jhub (gpu)');
});

test('labelKernelSpecs relabels every spec (the name when a spec has no display name); anything else is left alone', () => {
  const body = JSON.stringify({ default: 'python3', kernelspecs: { python3: { name: 'python3', spec: { display_name: 'Python 3', argv: ['python'] } }, ir: { name: 'ir', spec: {} }, broken: null } });
  const out = JSON.parse(labelKernelSpecs(body, (n) => `${n} — hub`)) as { kernelspecs: Record<string, { spec: { display_name: string; argv?: string[] } } | null> };
  assert.equal(out.kernelspecs.python3!.spec.display_name, 'Python 3 — hub');
  assert.deepEqual(out.kernelspecs.python3!.spec.argv, ['python']);
  assert.equal(out.kernelspecs.ir!.spec.display_name, 'ir — hub');
  assert.equal(out.kernelspecs.broken, null);
  assert.equal(labelKernelSpecs('not json', (n) => n), 'not json');
  assert.equal(labelKernelSpecs('{"message":"x"}', (n) => `${n}!`), '{"message":"x"}');
});
