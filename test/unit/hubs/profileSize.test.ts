// Server sizes read from KubeSpawner profile text, so servers started with a profile can be priced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileSizeFromText } from '../../../src/hubs/profileSize';
import { parseOptionsForm } from '../../../src/hubs/optionsForm';

test('profile text: the ways hubs write cores and memory', () => {
  const cases: Array<[string, ReturnType<typeof profileSizeFromText>]> = [
    ['4 CPU, 32 GB', { cores: 4, memoryGiB: 32 }],
    ['~2 CPU, ~8 GB RAM', { cores: 2, memoryGiB: 8 }],
    ['CPU: 4 · Memory: 16 GiB', { cores: 4, memoryGiB: 16 }],
    ['A GPU node with 8 vCPUs and 61 GiB of memory', { cores: 8, memoryGiB: 61 }],
    ['Up to 0.5 CPU and 512 MB', { cores: 0.5, memoryGiB: 0.5 }],
    ['16 cores / 128G', { cores: 16, memoryGiB: 128 }],
    ['Only 8 GB RAM', { memoryGiB: 8 }],
    ['1 GPU, 100 GB disk', undefined],
    ['Large instance', undefined],
    ['0 CPU', undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(profileSizeFromText(text), want, text);
});

test('the options form carries each profile\'s size where its heading or description names one', () => {
  const form = parseOptionsForm(readFileSync(join(__dirname, '../../fixtures/optionsForms/kubespawner-spawn-page.html'), 'utf8'));
  assert.deepEqual(form.profiles.map((p) => [p.slug, p.size]), [
    [form.profiles[0]!.slug, { cores: 2, memoryGiB: 8 }],
    [form.profiles[1]!.slug, { cores: 16, memoryGiB: 64 }],
  ]);
});
