// What becomes of the cells that were queued behind a running cell when the window reloaded: which cells they are now
// (found by index and source, as runs are), and whether they may run once the picked-up runs have ended — only when
// every one ended ok, as Run All stops at a failing cell.
import { findRunCell, LedgerQueuedCell } from './runLedger';

/** How a picked-up run ended; `cellIndex` undefined: its cell was edited or removed, so it was not followed. */
export interface PickedUpEnd {
  cellIndex: number | undefined;
  result: 'ok' | 'error' | 'lost';
}

export interface FoundQueuedCell {
  entry: LedgerQueuedCell;
  index: number;
}

/**
 * The queued cells found again, in the order they were queued: a cell whose source changed (or that is gone, or that
 * is one of the running cells) is left out and returned as `missing`.
 */
export function findQueuedCells(queued: readonly LedgerQueuedCell[], sources: string[], runningIndexes: ReadonlySet<number>):
  { found: FoundQueuedCell[]; missing: LedgerQueuedCell[] } {
  const found: FoundQueuedCell[] = [];
  const missing: LedgerQueuedCell[] = [];
  const taken = new Set(runningIndexes);
  for (const entry of [...queued].sort((a, b) => a.queuedAt - b.queuedAt)) {
    const index = findRunCell(entry, sources);
    if (index === undefined || taken.has(index)) {
      missing.push(entry);
      continue;
    }
    taken.add(index);
    found.push({ entry, index });
  }
  return { found, missing };
}

/** Why the queued cells must not run after the picked-up runs ended (one sentence for each cell's output), or undefined. */
export function whyQueuedNotRun(ends: readonly PickedUpEnd[]): string | undefined {
  const failed = ends.find((e) => e.result !== 'ok');
  if (!failed) return undefined;
  const behind = 'so this cell, queued behind it, did not run. Run it again when you are ready.';
  if (failed.cellIndex === undefined) {
    return `the cell that was running when the window reloaded was edited or removed meanwhile, so whether it finished is not known, and this cell, queued behind it, did not run. Run it again when you are ready.`;
  }
  const cell = `cell ${failed.cellIndex + 1}`;
  return failed.result === 'error'
    ? `${cell} ended with an error after the window reloaded, ${behind}`
    : `${cell} did not finish after the window reloaded (its output says what is missing), ${behind}`;
}
