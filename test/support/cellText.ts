// What a cell printed, read back from our notebook output model (the counters the reattach tests print).
import type { CellOutput } from '../../src/kernels/cellOutputs';

const STDOUT = 'application/vnd.code.notebook.stdout';

/** The non-empty stdout lines of a cell's outputs, in order. */
export function stdoutLines(outputs: readonly CellOutput[]): string[] {
  return outputs.flatMap((o) => o.items).flatMap((i) => (i.kind === 'text' && i.mime === STDOUT ? i.text.split('\n') : []))
    .filter((l) => l !== '');
}
