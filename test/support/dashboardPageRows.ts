// The workers table as the dashboard page reads it: every posted update applied in order (they carry only what
// changed, workerSlots.ts), so a test can ask which rows one message carried or what the page holds now.
import assert from 'node:assert/strict';
import type { HostMessage } from '../../src/shared/protocol/panels';
import { WorkerSlotsReceiver } from '../../src/shared/dashboard/workerSlots';
import type { WorkerRow } from '../../src/shared/dashboard/workerFields';

export class DashboardPageRows {
  private readonly receiver = new WorkerSlotsReceiver();
  private readonly carried = new WeakMap<object, WorkerRow[]>();

  /** Call with every message the session posts, in order (as the page gets it: structured clone). */
  see(m: HostMessage): void {
    if (m.type !== 'dashboard/sample' && m.type !== 'dashboard/probe') return;
    const got = this.receiver.apply(structuredClone(m.workers));
    assert.ok(got, `the ${m.type} update fits the rows the page holds`);
    this.carried.set(m, got.rows);
  }

  /** The rows one update added or changed. */
  rows(m: HostMessage | undefined): WorkerRow[] {
    const rows = m && this.carried.get(m);
    assert.ok(rows, 'a workers update the page read');
    return rows;
  }

  /** Every row the page holds now. */
  held(): WorkerRow[] {
    return this.receiver.rows();
  }
}
