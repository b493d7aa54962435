import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAge, latestUsedOptions, optionsExample, toPairsText } from '../../../src/hubs/rememberedOptions';
import type { OptionsForm } from '../../../src/hubs/optionsForm';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

test('ages read like people say them', () => {
  assert.equal(describeAge(ago(10), now), 'just now');
  assert.equal(describeAge(ago(60), now), '1 minute ago');
  assert.equal(describeAge(ago(3 * 3600 + 5), now), '3 hours ago');
  assert.equal(describeAge(ago(2 * 86_400 + 100), now), '2 days ago');
});

test('the last used options are the newest of ours and the hub\'s records; empty ones never win', () => {
  const ours = [
    { serverName: 'a', options: { profile: 'small' }, usedAt: ago(3600), source: 'extension' as const },
    { serverName: 'old', options: { profile: 'ancient' }, usedAt: new Date(0), source: 'extension' as const },
  ];
  const servers = [
    { name: 'b', state: 'stopped' as const, userOptions: { profile: 'gpu' }, started: ago(60) },
    { name: '', state: 'ready' as const, userOptions: {}, started: ago(1) },
  ];
  assert.equal(latestUsedOptions(ours, servers)?.serverName, 'b');
  assert.equal(latestUsedOptions(ours, [])?.serverName, 'a');
  assert.equal(latestUsedOptions([], [servers[1]!]), undefined);
  // our own start and the hub's record of it tie: ours (what the user picked) wins
  const same = ago(5);
  assert.equal(latestUsedOptions([{ serverName: 'x', options: { a: 1 }, usedAt: same, source: 'extension' }],
    [{ name: 'x', state: 'ready', userOptions: { a: 1, injected: true }, started: same }])?.source, 'extension');
});

test('examples use the hub\'s own keys: a profile list, plain fields, else the keys last used, else nothing', () => {
  const profiles: OptionsForm = {
    profiles: [
      { slug: 'small', displayName: 'Small', description: '', isDefault: false, options: [] },
      { slug: 'gpu', displayName: 'GPU', description: '', isDefault: true, options: [{ key: 'image', label: 'Image', unlistedChoice: true, choices: [{ value: 'pangeo/ml', label: 'ML', isDefault: false }, { value: 'pangeo/gpu', label: 'GPU', isDefault: true }] }] },
    ],
    fields: [],
  };
  assert.equal(optionsExample(profiles, undefined), 'profile=gpu image=pangeo/gpu');
  const plain: OptionsForm = { profiles: [], fields: [
    { name: 'cores', label: 'Cores', type: 'select', choices: [{ value: '2', label: '2', isDefault: true }], defaultValue: '2', required: false },
    { name: 'token', label: '', type: 'hidden', choices: [], defaultValue: 'x', required: false },
    { name: 'gpu', label: 'GPU', type: 'checkbox', choices: [], defaultValue: '', required: false },
  ] };
  assert.equal(optionsExample(plain, { other: 1 }), 'cores=2 gpu=true');
  assert.equal(optionsExample(undefined, { size: 'L', tags: ['a'] }), 'size=L tags=a');
  assert.equal(optionsExample(undefined, undefined), undefined);
  assert.equal(toPairsText({}), '');
});
