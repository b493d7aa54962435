// The one resource-id scheme: every ref round-trips whatever its components hold, ids are one-to-one with refs,
// malformed text decodes to undefined (never throws), and the forms earlier versions persisted are still read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeResourceId, encodeResourceId, legacyResourceIds, type ResourceRef } from '../../../src/shared/resourceIds';
import { seededRandom } from '../../support/seededRandom';

/** Pieces that broke hand-made schemes: separators, escapes, URLs, unicode (pairs and lone halves), nothing at all. */
const PIECES = ['/', ':', '#', '%', '%2F', '%u0041', '?', '&', '=', ' ', '\n', '\u0000', '@', '.', 'a', 'Z', '9', '-', '_', '~',
  'é', '日本', '🦀', '\uD83E', '\uDD80', 'http://127.0.0.1:8787/', 'gateway:https://hub.example.org/services/dask-gateway/', 'url:', 'dask:', 'cluster:', ''];


function trickyText(next: () => number): string {
  let out = '';
  for (let n = Math.floor(next() * 6); n > 0; n--) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

function randomRef(next: () => number): ResourceRef {
  const t = () => trickyText(next);
  const refs: ResourceRef[] = [
    { kind: 'hub', hubId: t() },
    { kind: 'server', hubId: t(), serverName: t() },
    { kind: 'kernel', hubId: t(), serverName: t(), kernelId: t() },
    { kind: 'provider', providerId: t() },
    { kind: 'cluster', providerId: t(), clusterId: t() },
    { kind: 'dashboard', url: t() },
  ];
  return refs[Math.floor(next() * refs.length)]!;
}

describe('resource ids', () => {
  it('round-trip any component text, and equal ids mean equal refs (property, 5,000 seeded cases)', () => {
    const next = seededRandom(17);
    const byId = new Map<string, ResourceRef>();
    for (let i = 0; i < 5000; i++) {
      const ref = randomRef(next);
      const id = encodeResourceId(ref);
      assert.deepEqual(decodeResourceId(id), ref, `case ${i}: ${JSON.stringify(ref)} → ${id}`);
      assert.doesNotMatch(id.slice(id.indexOf(':') + 1), /[:#?\s]/, 'no raw separator inside the components');
      const seen = byId.get(id);
      if (seen) assert.deepEqual(seen, ref, `two refs share the id ${id}`);
      byId.set(id, ref);
    }
  });

  it('keep components apart however many "/" and ":" they hold', () => {
    const refs: ResourceRef[] = [
      { kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' },
      { kind: 'cluster', providerId: 'scheduler/http:', clusterId: '/127.0.0.1:8787/' },
      { kind: 'cluster', providerId: 'gateway:https://hub.example.org/services/dask-gateway/', clusterId: 'dask.abc/def' },
      { kind: 'server', hubId: 'https://hub.example.org/jhub/', serverName: '' },
      { kind: 'server', hubId: 'https://hub.example.org/', serverName: 'gpu #2 / week 3' },
      { kind: 'kernel', hubId: 'https://hub.example.org/', serverName: 'a:b', kernelId: 'c' },
      { kind: 'kernel', hubId: 'https://hub.example.org/', serverName: 'a', kernelId: 'b:c' },
    ];
    const ids = refs.map(encodeResourceId);
    assert.equal(new Set(ids).size, refs.length);
    for (const [i, id] of ids.entries()) assert.deepEqual(decodeResourceId(id), refs[i]);
  });

  it('keep the spelling the cost ledger already stores (encodeURIComponent halves)', () => {
    assert.equal(encodeResourceId({ kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' }), 'cluster:scheduler/http%3A%2F%2F127.0.0.1%3A8787%2F');
    assert.equal(encodeResourceId({ kind: 'server', hubId: 'https://h.org/', serverName: 'gpu' }), 'server:https%3A%2F%2Fh.org%2F/gpu');
  });

  it('decode malformed text to undefined, never throwing', () => {
    const bad: unknown[] = [undefined, null, 42, {}, '', 'cluster', 'cluster:', 'cluster:a', 'cluster:a/b/c', 'server:a/b%2', 'server:a/%E0%A4',
      'hub:%u12', 'hub:%uD83E%uDD80', 'nope:a', 'constructor:a', '__proto__:a', 'cluster:a:b/c', 'cluster:a/%2f', 'hub:%u0041', 'url:', 'url:not a url',
      'dask:local:x', 'scheduler/http://127.0.0.1:8787/'];
    for (const text of bad) assert.equal(decodeResourceId(text), undefined, JSON.stringify(text));
  });
});

describe('ids persisted by earlier versions', () => {
  const providerIds = ['local', 'scheduler', 'gateway:https://gw.example.org/', 'coiled:lab'];

  it('dashboard panel state: "url:<address>" and "dask:<provider>:<cluster>" with colons on both sides', () => {
    assert.deepEqual(decodeResourceId('url:http://127.0.0.1:8787/status'), { kind: 'dashboard', url: 'http://127.0.0.1:8787/status' });
    assert.deepEqual(decodeResourceId('dask:gateway:https://gw.example.org/:ns.abc', { providerIds }),
      { kind: 'cluster', providerId: 'gateway:https://gw.example.org/', clusterId: 'ns.abc' });
    assert.deepEqual(decodeResourceId('dask:scheduler:http://10.0.0.1:8787/', { providerIds }),
      { kind: 'cluster', providerId: 'scheduler', clusterId: 'http://10.0.0.1:8787/' });
    assert.equal(decodeResourceId('dask:gone:x', { providerIds }), undefined, 'a provider no longer known');
  });

  it('cost ledger keys: "<hub base>#<server>" and "<provider>/<cluster>" split after the known provider, not the last "/"', () => {
    assert.deepEqual(decodeResourceId('https://hub.example.org/jhub/#gpu #2'), { kind: 'server', hubId: 'https://hub.example.org/jhub/', serverName: 'gpu #2' });
    assert.deepEqual(decodeResourceId('https://hub.example.org/#'), { kind: 'server', hubId: 'https://hub.example.org/', serverName: '' });
    // The budget-action bug: lastIndexOf('/') made this provider "scheduler/http://127.0.0.1:8787" and cluster "".
    assert.deepEqual(decodeResourceId('scheduler/http://127.0.0.1:8787/', { providerIds }), { kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' });
    assert.deepEqual(decodeResourceId('gateway:https://gw.example.org//ns.abc', { providerIds }), { kind: 'cluster', providerId: 'gateway:https://gw.example.org/', clusterId: 'ns.abc' });
    assert.deepEqual(decodeResourceId('local/local-1', { providerIds }), { kind: 'cluster', providerId: 'local', clusterId: 'local-1' });
  });

  it('legacyResourceIds names exactly what the old code wrote, and each decodes back to its ref', () => {
    const cluster: ResourceRef = { kind: 'cluster', providerId: 'scheduler', clusterId: 'http://127.0.0.1:8787/' };
    const server: ResourceRef = { kind: 'server', hubId: 'https://hub.example.org/', serverName: 'gpu' };
    const dashboard: ResourceRef = { kind: 'dashboard', url: 'http://127.0.0.1:8787/' };
    // What src/cost/editor/billables.ts and src/dask/editor/dashboardSources.ts built before this scheme.
    assert.deepEqual(legacyResourceIds(cluster), ['scheduler/http://127.0.0.1:8787/', 'dask:scheduler:http://127.0.0.1:8787/']);
    assert.deepEqual(legacyResourceIds(server), ['https://hub.example.org/#gpu']);
    assert.deepEqual(legacyResourceIds(dashboard), ['url:http://127.0.0.1:8787/']);
    for (const ref of [cluster, server, dashboard]) {
      for (const old of legacyResourceIds(ref)) assert.deepEqual(decodeResourceId(old, { providerIds }), ref, old);
    }
    assert.deepEqual(legacyResourceIds({ kind: 'hub', hubId: 'https://hub.example.org/' }), []);
  });
});
