// The outputs of one cell run, built from kernel outputs with Jupyter's rules (stream merging, clear_output(wait),
// display ids), reported as changes an editor applies: append, replace one output's items, clear, replace all.
import { randomUUID } from 'node:crypto';
import type { KernelOutput } from '../jupyterServer/kernelOutputs';
import { applyTerminalControls, bundleToItems, errorItem, OutputItem, streamItem } from './outputItems';

export interface CellOutput {
  /** Unique within the extension host: display updates and stream merges address outputs by id. */
  id: string;
  items: OutputItem[];
  metadata: Record<string, unknown>;
  /** Set for `stream` outputs, which later text of the same stream extends. */
  stream?: 'stdout' | 'stderr';
  displayId?: string;
}

export type OutputChange =
  | { type: 'append'; output: CellOutput }
  /** Replace the items of an output, which may belong to an earlier cell (update_display_data). */
  | { type: 'replace-items'; outputId: string; items: OutputItem[] }
  | { type: 'clear' }
  /** Clear and show these instead, in one step (what clear_output(wait=True) defers to the next output). */
  | { type: 'replace-all'; outputs: CellOutput[] };

/** Which outputs show a display id, across all cells of a notebook (display handles outlive their cell run). */
export class DisplayIndex {
  private readonly byId = new Map<string, Map<string, { output: CellOutput; cellKey: string }>>();

  add(displayId: string, output: CellOutput, cellKey: string): void {
    let entries = this.byId.get(displayId);
    if (!entries) this.byId.set(displayId, (entries = new Map<string, { output: CellOutput; cellKey: string }>()));
    entries.set(output.id, { output, cellKey });
  }

  targets(displayId: string): CellOutput[] {
    return [...(this.byId.get(displayId)?.values() ?? [])].map((e) => e.output);
  }

  /** Forgets outputs that are no longer shown (cleared, or the cell ran again). */
  remove(outputIds: Iterable<string>): void {
    const gone = new Set(outputIds);
    for (const [displayId, entries] of this.byId) {
      for (const id of gone) entries.delete(id);
      if (entries.size === 0) this.byId.delete(displayId);
    }
  }

  releaseCell(cellKey: string): void {
    for (const [displayId, entries] of this.byId) {
      for (const [id, e] of entries) if (e.cellKey === cellKey) entries.delete(id);
      if (entries.size === 0) this.byId.delete(displayId);
    }
  }
}

/** Stream text with terminal controls applied: lines before the last newline are final, the tail may still change. */
class StreamText {
  private done = '';
  private tail = '';
  append(chunk: string): string {
    const raw = this.tail + chunk;
    const cut = raw.lastIndexOf('\n');
    if (cut >= 0) {
      this.done += applyTerminalControls(raw.slice(0, cut + 1));
      this.tail = raw.slice(cut + 1);
    } else {
      this.tail = raw;
    }
    return this.done + applyTerminalControls(this.tail);
  }
}

export class CellOutputState {
  readonly outputs: CellOutput[] = [];
  executionCount: number | null = null;
  private clearOnNextOutput = false;
  private readonly streams = new Map<string, StreamText>();

  constructor(private readonly displays: DisplayIndex, readonly cellKey: string = randomUUID()) {
    displays.releaseCell(cellKey);
  }

  apply(out: KernelOutput): OutputChange[] {
    switch (out.type) {
      case 'clear_output':
        if (out.wait) {
          this.clearOnNextOutput = true;
          return [];
        }
        this.clearOnNextOutput = false;
        this.removeAll();
        return [{ type: 'clear' }];
      case 'update_display_data':
        return this.updateDisplay(out.displayId, bundleToItems(out.data), out.metadata);
      case 'stream': {
        const last = this.outputs[this.outputs.length - 1];
        if (!this.clearOnNextOutput && last?.stream === out.name) {
          last.items = [streamItem(out.name, this.streams.get(last.id)!.append(out.text))];
          return [{ type: 'replace-items', outputId: last.id, items: last.items }];
        }
        const output = this.newOutput([], {}, { stream: out.name });
        const text = new StreamText();
        this.streams.set(output.id, text);
        output.items = [streamItem(out.name, text.append(out.text))];
        return this.add(output);
      }
      case 'execute_result':
        this.executionCount = out.executionCount ?? this.executionCount;
        return this.add(this.newOutput(bundleToItems(out.data), out.metadata));
      case 'display_data': {
        // Showing a display id again also updates every earlier output with that id (Jupyter's display semantics).
        const earlier = this.updateDisplay(out.displayId, bundleToItems(out.data), out.metadata);
        return [...earlier, ...this.add(this.newOutput(bundleToItems(out.data), out.metadata, { displayId: out.displayId }))];
      }
      case 'error':
        return this.add(this.newOutput([errorItem(out.ename, out.evalue, out.traceback)], {}));
    }
  }

  private newOutput(items: OutputItem[], metadata: Record<string, unknown>, extra: Partial<CellOutput> = {}): CellOutput {
    return { id: randomUUID(), items, metadata, ...extra };
  }

  private add(output: CellOutput): OutputChange[] {
    if (output.displayId) this.displays.add(output.displayId, output, this.cellKey);
    if (this.clearOnNextOutput) {
      this.clearOnNextOutput = false;
      this.removeAll();
      this.outputs.push(output);
      return [{ type: 'replace-all', outputs: [output] }];
    }
    this.outputs.push(output);
    return [{ type: 'append', output }];
  }

  private removeAll(): void {
    this.displays.remove(this.outputs.map((o) => o.id));
    this.outputs.length = 0;
    this.streams.clear();
  }

  private updateDisplay(displayId: string | undefined, items: OutputItem[], metadata: Record<string, unknown>): OutputChange[] {
    if (!displayId) return [];
    return this.displays.targets(displayId).map((target) => {
      target.items = items;
      target.metadata = metadata;
      return { type: 'replace-items', outputId: target.id, items } as const;
    });
  }
}
