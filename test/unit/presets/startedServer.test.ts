// A preset's later steps (the kernel choice) find the server it started by hub and name: with two hubs signed in,
// each with a default server, matching the name alone picked whichever hub came first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HubClient } from '../../../src/hubs/hubClient';
import type { StepContext } from '../../../src/presets/applyPreset';
import type { PlanStepOf } from '../../../src/presets/presetPlan';
import { hubSteps, SERVER_REF_KEY, startedServer } from '../../../src/presets/hubAndDaskSteps';

test('start-server leaves its server\'s ref; the kernel step takes that server, not another hub\'s of the same name', async () => {
  const client = {
    base: 'https://b.example.org/jhub/',
    startAndWait: async (_user: string, name: string) => ({ name, state: 'ready', url: `https://b.example.org/jhub/user/ana/${name}`, userOptions: {} }),
  } as unknown as HubClient;
  const ctx = { state: {}, signal: new AbortController().signal, report: () => undefined } as unknown as StepContext;
  const step = { kind: 'start-server', id: 'start-server', hubUrl: 'https://b.example.org/jhub/', serverName: '', userOptions: {}, title: '', details: [] } as PlanStepOf<'start-server'>;
  await hubSteps({ session: async () => ({ client, user: 'ana' }) })['start-server']!(step, ctx);
  assert.deepEqual(ctx.state[SERVER_REF_KEY], { kind: 'server', hubId: 'https://b.example.org/jhub/', serverName: '' });

  const ready = [
    { hubId: 'https://a.example.org/', server: { name: '' } },
    { hubId: 'https://b.example.org/jhub/', server: { name: 'gpu' } },
    { hubId: 'https://b.example.org/jhub/', server: { name: '' } },
  ];
  assert.equal(startedServer(ready, ctx.state), ready[2]);
  assert.equal(startedServer(ready, {}), ready[0], 'no server started by the preset: the first ready one, as before');
  assert.equal(startedServer(ready.slice(0, 2), ctx.state), ready[0], 'the started one is not ready (yet): the first ready one, as before');
});
