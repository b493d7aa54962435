// The identity.json thread yields the CPU to the extension host's thread: on Linux it runs at nice 10, the host at its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { IdentityOffThread } from '../../../src/dashboard/metrics/identityOffThread';
import { BACKGROUND_NICE, lowerThisThreadsPriority } from '../../../src/core/backgroundThread';
import { syntheticPayloads } from '../metrics/syntheticScheduler';
import { identityThreadScript } from '../metrics/identityThreadBundle';

/** Each thread of this process and its nice value (/proc/<pid>/task/<tid>/stat, field 19). */
function niceByThread(): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch { /* the thread ended meanwhile */ }
  }
  return nice;
}

test('the identity.json thread runs at a lower priority than the thread that started it', { skip: process.platform !== 'linux' && 'Linux only: elsewhere the priority is left as it is (the next test)' }, async () => {
  const before = niceByThread();
  const hostNice = before.get(process.pid)!;
  const thread = new IdentityOffThread(await identityThreadScript());
  try {
    const read = await thread.read(new TextEncoder().encode(JSON.stringify(syntheticPayloads({ workers: 5 }).identity)), Date.now());
    assert.equal(read.rows.length, 5);
    const started = [...niceByThread()].filter(([tid]) => !before.has(tid));
    assert.deepEqual(started.filter(([, nice]) => nice === Math.max(hostNice, BACKGROUND_NICE)).length, 1, `one new thread at nice ${BACKGROUND_NICE}: ${JSON.stringify(started)}`);
    assert.equal(niceByThread().get(process.pid), hostNice, 'the host thread keeps its priority');
  } finally {
    thread.dispose();
    await thread.exited;
  }
});

test('elsewhere than Linux nothing is changed and the caller is told so', { skip: process.platform === 'linux' && 'on Linux the test above runs' }, () => {
  assert.equal(lowerThisThreadsPriority(), undefined);
});
