// The outputs an Output widget captured, kept as nbformat output dicts (its synced `outputs` trait), with the stream
// merging and clear_output(wait=True) semantics of JupyterLab's output area.

export type CapturedOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
  /** Not stored: clears the outputs now, or (wait) when the next output arrives. */
  | { output_type: 'clear_output'; wait: boolean };

/**
 * The outputs after one more message; `clearOnNext` carries a pending clear_output(wait=True). Returns the same array
 * when nothing visible changed (a waiting clear).
 */
export function appendCapturedOutput(outputs: CapturedOutput[], next: CapturedOutput, clearOnNext: boolean): { outputs: CapturedOutput[]; clearOnNext: boolean } {
  if (next.output_type === 'clear_output') {
    return next.wait ? { outputs, clearOnNext: true } : { outputs: [], clearOnNext: false };
  }
  const base = clearOnNext ? [] : outputs;
  const last = base[base.length - 1];
  if (next.output_type === 'stream' && last?.output_type === 'stream' && last.name === next.name) {
    return { outputs: [...base.slice(0, -1), { ...last, text: last.text + next.text }], clearOnNext: false };
  }
  return { outputs: [...base, next], clearOnNext: false };
}
