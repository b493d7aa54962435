// The server-start form in quick picks: the default choice is highlighted (never "Other…"), and Escape in the
// "Other…" box goes back to its list instead of cancelling the whole start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askOptions } from '../../../src/hubs/editor/startServerFlow';
import type { OptionsForm } from '../../../src/hubs/optionsForm';
import { createFakeVscode } from '../../support/fakeVscode';

const form: OptionsForm = {
  fields: [],
  profiles: [{
    slug: 'small', displayName: 'Small', description: '2 CPU', isDefault: true,
    options: [
      { key: 'image', label: 'Image', unlistedChoice: true, choices: [
        { value: 'pangeo/base', label: 'Base', isDefault: false },
        { value: 'pangeo/ml', label: 'ML', isDefault: true },
      ] },
      { key: 'size', label: 'Size', unlistedChoice: false, choices: [
        { value: 's', label: 'S', isDefault: true },
        { value: 'm', label: 'M', isDefault: false },
      ] },
    ],
  }],
};

test('start form: the default choice is highlighted, not "Other… type a value"', async () => {
  const f = createFakeVscode();
  f.answers.quickPick.push('Small', 'ML', 'S');
  const choice = await askOptions(f.vs, form, undefined, 'Start');
  assert.deepEqual(choice, { profile: 'small', profileOptions: { image: 'pangeo/ml', size: 's' }, fields: {} });
  const image = f.quickPicks.find((q) => q.title === 'Start: Image')!;
  assert.ok(image.labels.includes('$(edit) Other…'));
  assert.deepEqual(image.active, ['ML']);
  assert.deepEqual(f.quickPicks.find((q) => q.title === 'Start: Size')!.active, ['S']);
});

test('start form: the last used choice is highlighted when there is one', async () => {
  const f = createFakeVscode();
  f.answers.quickPick.push('Small', 'Base', 'M');
  await askOptions(f.vs, form, { profile: 'small', image: 'pangeo/base', size: 'm' }, 'Start');
  assert.deepEqual(f.quickPicks.find((q) => q.title === 'Start: Image')!.active, ['Base']);
  assert.deepEqual(f.quickPicks.find((q) => q.title === 'Start: Size')!.active, ['M']);
});

test('start form: Escape in the "Other…" box goes back to the list; Back goes to the previous option', async () => {
  const f = createFakeVscode();
  // Other… → Escape (no input answer) → the Image list again → Other… → "my/image" → Size: Back → Image again → ML → S
  f.answers.quickPick.push('Small', '$(edit) Other', '$(edit) Other', '$(back)', 'ML', 'S');
  f.answers.input.push(undefined as unknown as string, 'my/image');
  const choice = await askOptions(f.vs, form, undefined, 'Start');
  assert.deepEqual(f.quickPicks.map((q) => q.title), ['Start: profile', 'Start: Image', 'Start: Image', 'Start: Size', 'Start: Image', 'Start: Size']);
  assert.deepEqual(choice, { profile: 'small', profileOptions: { image: 'pangeo/ml', size: 's' }, fields: {} });
});

test('start form: Escape in a list still cancels the start', async () => {
  const f = createFakeVscode();
  f.answers.quickPick.push('Small');
  assert.equal(await askOptions(f.vs, form, undefined, 'Start'), undefined);
});
