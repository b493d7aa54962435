// A hidden run's answer read from its outputs: a file of its own so the credential target does not pull the output
// model into the extension's main bundle.
import type { CellOutput } from './cellOutputs';

/** Everything a run printed to stdout, in order (the answer of code the user did not write). */
export function stdoutText(outputs: readonly CellOutput[]): string {
  return outputs
    .filter((o) => o.stream === 'stdout')
    .flatMap((o) => o.items)
    .map((i) => (i.kind === 'text' ? i.text : ''))
    .join('');
}
