import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { choiceFromPairs, parseOptionsForm, toUserOptions, validateChoice } from '../../../src/hubs/optionsForm';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/optionsForms', name), 'utf8');

test('KubeSpawner profile_list: profiles, defaults, options and the unlisted choice', () => {
  const form = parseOptionsForm(fixture('kubespawner-spawn-page.html'));
  assert.deepEqual(form.profiles.map((p) => [p.slug, p.isDefault]), [['small', true], ['large-gpu', false]]);
  const small = form.profiles[0]!;
  assert.equal(small.displayName, 'Small: 2 CPU, 8 GB');
  assert.equal(small.description, 'For tutorials and light analysis (m5.large)');
  assert.equal(small.options.length, 1);
  assert.equal(small.options[0]!.key, 'image');
  assert.equal(small.options[0]!.label, 'Image');
  assert.deepEqual(small.options[0]!.choices.map((c) => c.value), ['pangeo', 'ml']);
  assert.equal(small.options[0]!.unlistedChoice, true);
  const gpu = form.profiles[1]!;
  assert.equal(gpu.options[0]!.key, 'requests');
  assert.equal(gpu.options[0]!.choices.find((c) => c.isDefault)?.value, 'mem_60');
  assert.equal(gpu.options[0]!.unlistedChoice, false);
  // _xsrf and the submit button are not fields; the hidden free-text input is part of its profile option
  assert.deepEqual(form.fields, []);
});

test('KubeSpawner choices become user_options (profile, option keys, --unlisted-choice)', () => {
  const form = parseOptionsForm(fixture('kubespawner-spawn-page.html'));
  assert.deepEqual(toUserOptions(form, {}), { profile: 'small', image: 'pangeo' });
  assert.deepEqual(toUserOptions(form, { profile: 'large-gpu', profileOptions: { requests: 'mem_32' } }), { profile: 'large-gpu', requests: 'mem_32' });
  assert.deepEqual(toUserOptions(form, { profile: 'small', profileOptions: { image: { unlisted: 'me/img:1' } } }),
    { profile: 'small', 'image--unlisted-choice': 'me/img:1' });
  const pairs = choiceFromPairs(form, { profile: 'small', 'image--unlisted-choice': 'x/y:2' });
  assert.deepEqual(validateChoice(form, pairs), []);
  assert.deepEqual(toUserOptions(form, pairs), { profile: 'small', 'image--unlisted-choice': 'x/y:2' });
});

test('validateChoice names what is wrong', () => {
  const form = parseOptionsForm(fixture('kubespawner-spawn-page.html'));
  assert.match(validateChoice(form, { profile: 'huge' })[0]!, /Unknown profile "huge".*small, large-gpu/);
  assert.match(validateChoice(form, { profile: 'small', profileOptions: { image: 'nope' } })[0]!, /"nope" is not a choice of "image"/);
  assert.match(validateChoice(form, { profile: 'large-gpu', profileOptions: { requests: { unlisted: 'x' } } })[0]!, /does not accept free text/);
  assert.match(validateChoice(form, { profile: 'small', profileOptions: { color: 'red' } })[0]!, /Unknown option "color"/);
});

test('plain options_form: select, number with bounds, text, checkbox, radio, multiselect, textarea', () => {
  const form = parseOptionsForm(fixture('plain-options-form.html'));
  assert.deepEqual(form.profiles, []);
  const byName = Object.fromEntries(form.fields.map((f) => [f.name, f]));
  assert.deepEqual(Object.keys(byName).sort(), ['cores', 'env', 'extras', 'gpu', 'image', 'mem', 'startup']);
  assert.equal(byName.cores!.type, 'select');
  assert.equal(byName.cores!.label, 'CPU cores');
  assert.equal(byName.cores!.defaultValue, '2');
  assert.equal(byName.mem!.type, 'number');
  assert.equal(byName.mem!.min, 1);
  assert.equal(byName.mem!.max, 64);
  assert.equal(byName.mem!.required, true);
  assert.equal(byName.image!.defaultValue, 'pangeo/pangeo-notebook:2024.11.11');
  assert.equal(byName.gpu!.type, 'checkbox');
  assert.equal(byName.gpu!.label, 'GPU');
  assert.equal(byName.gpu!.defaultValue, '');
  assert.equal(byName.env!.type, 'radio');
  assert.deepEqual(byName.env!.choices.map((c) => c.value), ['stable', 'dev']);
  assert.equal(byName.env!.defaultValue, 'stable');
  assert.equal(byName.extras!.type, 'multiselect');
  assert.equal(byName.extras!.defaultValue, 'dask,xarray');
  assert.equal(byName.startup!.type, 'textarea');
});

test('plain form choices become user_options with typed checkboxes and lists', () => {
  const form = parseOptionsForm(fixture('plain-options-form.html'));
  const opts = toUserOptions(form, { fields: { cores: '4', gpu: true } });
  assert.deepEqual(opts, { cores: '4', mem: '8', image: 'pangeo/pangeo-notebook:2024.11.11', gpu: true, env: 'stable', extras: ['dask', 'xarray'], startup: 'echo hi' });
  assert.match(validateChoice(form, { fields: { mem: '100' } })[0]!, /between 1 and 64/);
  assert.match(validateChoice(form, { fields: { cores: '3' } })[0]!, /"3" is not a choice of "cores"/);
  assert.deepEqual(validateChoice(form, choiceFromPairs(form, { cores: '1', mem: '2' })), []);
});

test('an empty or unrelated page yields an empty form, never a crash', () => {
  assert.deepEqual(parseOptionsForm(''), { profiles: [], fields: [] });
  assert.deepEqual(parseOptionsForm('<html><body><p>hello <b>world</p></body>'), { profiles: [], fields: [] });
});
