// The gap check after a dropped socket: the kernel's message numbers that never arrived, less other clients' replies.
import { beforeEach, afterEach, describe, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { GAP_SETTLE_MS, gapNotice, isIdleOf, kernelMessageNumber, MessageGap, MessageGapWatch } from '../../../src/jupyterServer/messageGapWatch';

const SENDER = '7064cec0-3e607daf63527caa7d6a6fef_14736';

function msg(n: number, opts: { sender?: string; channel?: string; type?: string; parent?: string; state?: string } = {}) {
  return {
    channel: opts.channel ?? 'iopub',
    header: { msg_id: `${opts.sender ?? SENDER}_${n}`, msg_type: opts.type ?? (opts.state ? 'status' : 'stream') },
    parent_header: opts.parent ? { msg_id: opts.parent } : {},
    content: opts.state ? { execution_state: opts.state } : { name: 'stdout', text: `${n}\n` },
  };
}

describe('MessageGapWatch', () => {
  let gaps: MessageGap[];
  let watch: MessageGapWatch;
  const receive = (...ns: number[]) => ns.forEach((n) => watch.received(msg(n)));

  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout'], now: 1_000_000 });
    gaps = [];
    watch = new MessageGapWatch((g) => gaps.push(g), () => 42_000);
  });
  afterEach(() => {
    watch.dispose();
    mock.timers.reset();
  });

  test('reads jupyter_client\'s numbered ids; ids without a number are not numbered', () => {
    assert.deepEqual(kernelMessageNumber(`${SENDER}_17`), { sender: SENDER, n: 17 });
    assert.equal(kernelMessageNumber('6f1c2a7e-1b7b-4c5e-9a0e-2d3f4a5b6c7d'), undefined);
    assert.equal(kernelMessageNumber('abc_12'), undefined, 'a session without a pid part');
  });

  test('every number arrives across the drop (the server replayed what it kept): no gap', () => {
    receive(0, 1, 2, 3);
    watch.dropped();
    receive(4, 5);
    watch.reconnected();
    receive(6);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('numbers written into the dying connection never arrive: the gap counts them, with when the socket dropped', () => {
    receive(0, 1, 2, 3);
    watch.dropped();
    watch.reconnected();
    receive(7, 8);
    assert.deepEqual(gaps, [], 'decided only once the first messages after the drop settled');
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 3, droppedAt: 42_000 }]);
  });

  test('messages of the kernel\'s threads interleave: the lowest number within the settle time counts', () => {
    receive(0, 1, 2);
    watch.dropped();
    receive(5, 3, 4);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('another client\'s request that ended across the drop replied to that client only: not a gap', () => {
    receive(0);
    watch.received(msg(1, { parent: 'theirs', state: 'busy' }));
    watch.dropped();
    // 2 is the reply to "theirs" (sent to its client), 3 its idle.
    watch.received(msg(3, { parent: 'theirs', state: 'idle' }));
    receive(4);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('another client\'s long request open at the drop does not hide a lost line', () => {
    watch.received(msg(0, { parent: 'theirs', state: 'busy' }));
    receive(1, 2);
    watch.dropped();
    receive(4, 5); // 3 lost
    mock.timers.tick(GAP_SETTLE_MS);
    watch.received(msg(30, { parent: 'theirs', state: 'idle' }));
    assert.deepEqual(gaps, [{ missing: 1, droppedAt: 42_000 }]);
  });

  test('this client\'s own request open at the drop is no excuse: its messages come to this client', () => {
    watch.sent('mine');
    watch.received(msg(0, { parent: 'mine', state: 'busy' }));
    receive(1);
    watch.dropped();
    watch.received(msg(3, { parent: 'mine', state: 'idle' })); // 2 lost
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 1, droppedAt: 42_000 }]);
  });

  test('the server\'s nudge on a reconnect: its kernel_info reply goes to its own channel and it swallows its busy status', () => {
    receive(0, 1, 2, 3, 4, 5);
    watch.dropped();
    watch.reconnected();
    // 6: the nudge's busy (taken by the server), 7: its reply (to the server's own channel), 8: its idle.
    watch.received(msg(8, { parent: 'server-nudge', state: 'idle' }));
    receive(9, 10);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('the nudge swallowed a line instead of its busy status: that line is named', () => {
    receive(0, 1, 2, 3, 4, 5);
    watch.dropped();
    // 6: a line the nudge took; 7: its busy (seen), 8: its reply (elsewhere), 9: its idle.
    watch.received(msg(7, { parent: 'server-nudge', state: 'busy' }));
    watch.received(msg(9, { parent: 'server-nudge', state: 'idle' }));
    receive(10);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 1, droppedAt: 42_000 }]);
  });

  test('lines lost in the dying connection and a nudge after an empty replay: only the lines are named', () => {
    receive(0, 1, 2);
    watch.dropped();
    // 3, 4: lines written into the dying connection; 5-7 the nudge (busy taken, reply elsewhere, idle seen).
    watch.received(msg(7, { parent: 'server-nudge', state: 'idle' }));
    receive(8);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 2, droppedAt: 42_000 }]);
  });

  test('a restarted kernel numbers from 0 again: no check across it', () => {
    receive(0, 1, 2, 3, 4, 5);
    watch.dropped();
    watch.received(msg(0, { sender: `${SENDER.slice(0, -5)}99999` }));
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('a kernel that numbers no messages (older jupyter_client) is never said to have lost any', () => {
    watch.received({ channel: 'iopub', header: { msg_id: 'a1b2', msg_type: 'stream' } });
    watch.dropped();
    watch.received({ channel: 'iopub', header: { msg_id: 'c3d4', msg_type: 'stream' } });
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('several drops before anything arrives: one check from the first drop', () => {
    receive(0, 1);
    watch.dropped();
    watch.reconnected();
    watch.dropped();
    watch.reconnected();
    receive(4);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 2, droppedAt: 42_000 }]);
  });

  test('a new window resumes from the last one\'s newest message: what its closing socket lost is counted', () => {
    watch.resumeAfter(`${SENDER}_10`, 7_000);
    receive(14, 15);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, [{ missing: 3, droppedAt: 7_000 }]);
  });

  test('the run\'s idle decides at once (its cell ends right after), with the messages seen so far', () => {
    watch.resumeAfter(`${SENDER}_10`, 7_000);
    watch.sent('run'); // the picked-up run is this notebook's own request: its idle excuses no hole
    receive(13);
    const idle = msg(14, { parent: 'run', state: 'idle' });
    assert.equal(isIdleOf(idle, 'run'), true);
    assert.equal(isIdleOf(idle, 'other'), false);
    assert.equal(isIdleOf(msg(14, { parent: 'run', state: 'busy' }), 'run'), false);
    assert.equal(isIdleOf(idle, undefined), false);
    watch.received(idle);
    watch.settleNow();
    assert.deepEqual(gaps, [{ missing: 2, droppedAt: 7_000 }], 'without waiting for the settle time');
    mock.timers.tick(GAP_SETTLE_MS);
    assert.equal(gaps.length, 1, 'decided once');
  });

  test('settling now before anything arrived after the drop decides nothing', () => {
    receive(0);
    watch.dropped();
    watch.settleNow();
    receive(1);
    mock.timers.tick(GAP_SETTLE_MS);
    assert.deepEqual(gaps, []);
  });

  test('the notice says how many, when, and what to do, in plain text', () => {
    const text = gapNotice({ missing: 2, droppedAt: new Date(2026, 11, 7, 14, 2, 11).getTime() });
    assert.match(text, /^Output may be missing here: 2 messages the kernel sent when the connection dropped at 14:02:11 did not arrive/);
    assert.match(text, /Run the cell again/);
    assert.match(gapNotice({ missing: 1, droppedAt: 0 }), /: 1 message the kernel/);
  });
});
