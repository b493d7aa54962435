// The pangeo-hub: URI encoding: reversible for hubs under prefixes and over http, user and server names that need
// escaping, and through the Uri's string form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromHubUriParts, HUB_FILE_SCHEME, HubUriError, locateHubUri, pathOnServer, ServerFileLocation, serverFolderName, toHubUriParts,
} from '../../../src/files/hubFileUri';
import { FakeUri } from '../../support/fakeVscode';

const hubs = ['https://hub.example.org/', 'https://hub.example.org/jhub/', 'http://127.0.0.1:8123/a/b/', 'https://h.org:8443/my%20hub/', 'https://h.org/@x:y/'];
const users = ['alice', 'ana maría@x,(y)', '@lead', 'a%2Fb', '100%', 'x:y', 'é~!$&\'*+;=', 'user name'];
const servers = ['', 'gpu', '@', 'my server', '%40', 'a:b'];
const paths = ['', 'notebook.ipynb', 'data/sub dir/ü.nc', '@at/%25/x:y.txt', 'a b/#c?.csv'];

test('every location survives parts → location and the Uri string form', () => {
  let n = 0;
  for (const hubId of hubs) for (const user of users) for (const serverName of servers) for (const path of paths) {
    const loc: ServerFileLocation = { hubId, user, serverName, path };
    const parts = toHubUriParts(loc);
    assert.deepEqual(fromHubUriParts(parts), loc, JSON.stringify(parts));
    const viaString = FakeUri.parse(FakeUri.from({ scheme: HUB_FILE_SCHEME, ...parts }).toString());
    assert.deepEqual(locateHubUri(viaString), loc);
    n++;
  }
  assert.equal(n, hubs.length * users.length * servers.length * paths.length);
});

test('the common case stays readable', () => {
  assert.deepEqual(toHubUriParts({ hubId: 'https://hub.example.org/', user: 'alice', serverName: '', path: 'work/a.ipynb' }),
    { authority: 'hub.example.org', path: '/@/alice/@/work/a.ipynb' });
  assert.deepEqual(toHubUriParts({ hubId: 'http://127.0.0.1:8000/jhub/', user: 'ana maría@x,(y)', serverName: 'gpu', path: '' }),
    { authority: '127.0.0.1:8000', path: '/http:jhub/ana maría@x,(y)/gpu' });
});

test('malformed Uris are refused with a reason; other schemes are not ours', () => {
  assert.throws(() => fromHubUriParts({ authority: 'h.org', path: '/@/alice' }), HubUriError);
  assert.throws(() => fromHubUriParts({ authority: '', path: '/@/alice/@/x' }), HubUriError);
  assert.throws(() => fromHubUriParts({ authority: 'h.org', path: '/@/%E0%A4%A/@/x' }), HubUriError);
  assert.equal(locateHubUri({ scheme: 'file', authority: '', path: '/@/alice/@/x' }), undefined);
  assert.equal(locateHubUri({ scheme: HUB_FILE_SCHEME, authority: 'h.org', path: '/only' }), undefined);
});

test('pathOnServer matches hub, user and server exactly', () => {
  const loc = { hubId: 'https://hub.example.org/jhub/', user: 'ana maría@x,(y)', serverName: 'gpu', path: 'course/week1.ipynb' };
  const uri = { scheme: HUB_FILE_SCHEME, ...toHubUriParts(loc) };
  const server = { hubId: loc.hubId, user: loc.user, server: { name: 'gpu' } };
  assert.equal(pathOnServer(uri, server), 'course/week1.ipynb');
  assert.equal(pathOnServer(uri, { ...server, server: { name: '' } }), undefined);
  assert.equal(pathOnServer(uri, { ...server, user: 'bob' }), undefined);
  assert.equal(pathOnServer(uri, { ...server, hubId: 'https://hub.example.org/' }), undefined);
  assert.equal(pathOnServer({ scheme: 'file', authority: '', path: '/course/week1.ipynb' }, server), undefined);
});

test('folder names say who, where and which server', () => {
  assert.equal(serverFolderName({ hubId: 'https://hub.example.org/jhub/', user: 'alice', serverName: '' }), 'alice@hub.example.org/jhub');
  assert.equal(serverFolderName({ hubId: 'https://hub.example.org/', user: 'alice', serverName: 'gpu' }), 'alice@hub.example.org (gpu)');
});
