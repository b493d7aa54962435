// The reader of a detached run's log segments and status.json (src/kernels/detachedRunLog.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newRunId, parseRunLog, parseRunStatus, RUN_ID_PATTERN, RunHistoryDamagedError, segmentIndex, segmentName,
} from '../../../src/kernels/detachedRunLog';

// Written by the wrapper (Python's json.dumps with ensure_ascii), as found in a real run's output-00000.jsonl.
const SEGMENT = [
  '{"s": "o", "x": "1\\n"}',
  '{"s": "o", "x": "2\\n"}',
  '{"s": "e", "x": "warn \\u00e9\\u2028\\n"}',
  '{"s": "o", "x": "\\u001b[31mred\\u001b[0m\\r"}',
  '{"s": "r", "x": "42\\n"}',
  '',
].join('\n');

const STATUS = {
  version: 1, id: '20261207-004501-a1b2c3', kernel_id: 'k-1', state: 'running', started: '2026-12-07T00:45:01.123Z', ended: null,
  updated: '2026-12-07T00:45:03.000Z', code: 'import time', last_output: '17', error: null, log_bytes: 120, dropped_bytes: 0,
  segments: 1, pid: 4242,
};

describe('parseRunLog', () => {
  test('records in order, one stream\'s consecutive pieces joined, escapes decoded (colours and \\r kept for the terminal writer)', () => {
    const { outputs, next, damaged } = parseRunLog(SEGMENT);
    assert.deepEqual(outputs, [
      { stream: 'stdout', text: '1\n2\n' },
      { stream: 'stderr', text: 'warn é\u2028\n' },
      { stream: 'stdout', text: '\u001b[31mred\u001b[0m\r' },
      { stream: 'result', text: '42\n' },
    ]);
    assert.equal(next, SEGMENT.length);
    assert.equal(damaged, 0);
  });

  test('a line still being written is left for the next read, which resumes exactly there: nothing twice, nothing lost', () => {
    const cut = SEGMENT.indexOf('warn') + 2;
    const first = parseRunLog(SEGMENT.slice(0, cut));
    assert.deepEqual(first.outputs, [{ stream: 'stdout', text: '1\n2\n' }]);
    assert.equal(first.next, SEGMENT.indexOf('{"s": "e"'));
    const rest = parseRunLog(SEGMENT, first.next);
    assert.deepEqual([...first.outputs, ...rest.outputs].map((o) => o.text).join(''), '1\n2\nwarn é\u2028\n\u001b[31mred\u001b[0m\r42\n');
    assert.equal(parseRunLog(SEGMENT, rest.next).outputs.length, 0);
  });

  test('a line that is no record is counted and skipped; the records around it still arrive', () => {
    const text = '{"s": "o", "x": "a\\n"}\nnot json\n{"s": "z", "x": "?"}\n{"s": "o"}\n[1]\nnull\n\n{"s": "o", "x": "b\\n"}\n';
    const { outputs, damaged } = parseRunLog(text);
    assert.deepEqual(outputs, [{ stream: 'stdout', text: 'a\nb\n' }]);
    assert.equal(damaged, 5);
  });

  test('an empty or unfinished segment yields nothing and stays at its start', () => {
    assert.deepEqual(parseRunLog(''), { outputs: [], next: 0, damaged: 0 });
    assert.deepEqual(parseRunLog('{"s": "o", "x": "par'), { outputs: [], next: 0, damaged: 0 });
  });
});

describe('parseRunStatus', () => {
  test('a running status, and a failed one', () => {
    const s = parseRunStatus(JSON.stringify(STATUS), 'here');
    assert.deepEqual(s, {
      id: STATUS.id, kernelId: 'k-1', state: 'running', started: STATUS.started, ended: undefined, updated: STATUS.updated, code: 'import time',
      lastOutput: '17', error: undefined, logBytes: 120, droppedBytes: 0, segments: 1,
    });
    const failed = parseRunStatus(JSON.stringify({ ...STATUS, state: 'error', ended: '2026-12-07T00:46:00.000Z', error: { ename: 'ZeroDivisionError', evalue: 'division by zero' } }), 'here');
    assert.equal(failed.state, 'error');
    assert.equal(failed.ended, '2026-12-07T00:46:00.000Z');
    assert.deepEqual(failed.error, { ename: 'ZeroDivisionError', evalue: 'division by zero' });
    // The kernel process's session id, when the wrapper could read it (ipykernel), is kept for runView's question.
    assert.equal(parseRunStatus(JSON.stringify({ ...STATUS, kernel_session: 'f00d-1' }), 'here').kernelSession, 'f00d-1');
    assert.equal(parseRunStatus(JSON.stringify({ ...STATUS, kernel_session: null }), 'here').kernelSession, undefined);
  });

  test('another format version, a state it does not know, missing fields or no JSON: RunHistoryDamagedError saying which', () => {
    const damaged = (text: string, why: RegExp) => assert.throws(() => parseRunStatus(text, 'http://h/user/a/pangeo-compute-runs/x'), (e: unknown) => {
      assert.ok(e instanceof RunHistoryDamagedError);
      assert.equal(e.kind, 'UnexpectedResponse');
      assert.match(e.message, why);
      assert.match(e.message, /^The run history at http:\/\/h\/user\/a\/pangeo-compute-runs\/x cannot be read/);
      return true;
    });
    damaged(JSON.stringify({ ...STATUS, version: 2 }), /format is version 2, this pangeo-compute reads 1/);
    damaged(JSON.stringify({ ...STATUS, state: 'paused' }), /lacks fields a run writes/);
    const { kernel_id: _omitted, ...noKernel } = STATUS;
    damaged(JSON.stringify(noKernel), /lacks fields a run writes/);
    damaged('{"version": 1, "id": ', /not JSON/);
    damaged('null', /format is version undefined/);
  });
});

describe('run ids and segment names', () => {
  test('ids sort by their UTC start; nothing else (no path) passes as one', () => {
    const id = newRunId(new Date('2026-12-07T01:45:02.999Z'), 'a1b2c3');
    assert.equal(id, '20261207-014502-a1b2c3');
    assert.match(newRunId(), RUN_ID_PATTERN);
    for (const bad of ['../../etc', '20261207-014502-a1b2c3/..', '20261207-014502', 'x20261207-014502-a1b2c3', '20261207-014502-A1B2C3']) {
      assert.doesNotMatch(bad, RUN_ID_PATTERN, bad);
    }
  });

  test('segments are numbered in the order written', () => {
    assert.equal(segmentName(0), 'output-00000.jsonl');
    assert.equal(segmentName(12), 'output-00012.jsonl');
    assert.equal(segmentIndex('output-00012.jsonl'), 12);
    assert.equal(segmentIndex('status.json'), undefined);
    assert.equal(segmentIndex('output-00012.jsonl.tmp'), undefined);
  });
});
