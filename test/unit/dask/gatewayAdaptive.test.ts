// What a Dask Gateway scheduler's log page says of adaptive scaling (dask_gateway/scheduler_preload.py logs each change):
// the last change wins, None bounds are "0" and "no maximum", and a log that dropped its oldest lines says "unknown".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adaptiveFromSchedulerLog, SCHEDULER_LOG_LENGTH } from '../../../src/dask/gateway/gatewayAdaptive';
import { describeAdaptive } from '../../../src/dask/clusterProvider';

/** Lines as distributed/http/templates/logs.html renders them, with the default log format. */
function page(...messages: string[]): string {
  const lines = messages.map((m, i) => `<p> 2026-12-06 21:14:${String(i).padStart(2, '0')},233 - ${m} </p>`);
  return `<html><head><title> Logs </title></head><body>\n${lines.join('\n')}\n</body></html>`;
}
const ENABLE = (min: string, max: string) => `dask_gateway.scheduler_preload - INFO - Enabling adaptive scaling, minimum=${min}, maximum=${max}`;
const DISABLE = 'dask_gateway.scheduler_preload - INFO - Disabling adaptive scaling';
const SCALE = 'dask_gateway.scheduler_preload - INFO - Requesting scale to 2 workers from 1';

describe('adaptive state from a gateway scheduler\'s log', () => {
  it('the last change wins: adapt from the CLI, then scale from a notebook, then adapt from a notebook', () => {
    assert.deepEqual(adaptiveFromSchedulerLog(page(ENABLE('1', '3'))), { kind: 'adaptive', minimum: 1, maximum: 3 });
    assert.deepEqual(adaptiveFromSchedulerLog(page(ENABLE('1', '3'), DISABLE, SCALE)), { kind: 'fixed' });
    assert.deepEqual(adaptiveFromSchedulerLog(page(ENABLE('1', '3'), DISABLE, ENABLE('0', '2'))), { kind: 'adaptive', minimum: 0, maximum: 2 });
  });

  it('cluster.adapt() without bounds on a gateway without a limit: minimum 0, no maximum', () => {
    const state = adaptiveFromSchedulerLog(page(ENABLE('None', 'None')));
    assert.deepEqual(state, { kind: 'adaptive', minimum: 0, maximum: null });
    assert.equal(describeAdaptive({ adaptive: { minimum: 0, maximum: null } }, '…'), 'adaptive from 0 (no maximum)');
  });

  it('no change logged: fixed — unless the log is full and may have dropped the change, then unknown', () => {
    assert.deepEqual(adaptiveFromSchedulerLog(page(SCALE)), { kind: 'fixed' });
    const full = page(...Array.from({ length: SCHEDULER_LOG_LENGTH }, () => 'distributed.scheduler - INFO - Receive client connection'));
    const state = adaptiveFromSchedulerLog(full);
    assert.equal(state.kind, 'unknown');
    assert.equal(describeAdaptive({ adaptiveUnknown: state.kind === 'unknown' ? state.why : undefined }), 'adaptive or fixed: unknown');
  });

  it('text that only looks like a change is not read as numbers', () => {
    assert.deepEqual(adaptiveFromSchedulerLog(page('x - INFO - Enabling adaptive scaling, minimum=-1, maximum=&lt;script&gt;')), { kind: 'fixed' });
  });
});
