// Output mapping with messages recorded from a real ipykernel: mime items, stream merging, clear_output(wait), display ids.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CellOutputState, DisplayIndex, OutputChange } from '../../../src/kernels/cellOutputs';
import { ERROR_MIME, OutputItem, STDERR_MIME, STDOUT_MIME } from '../../../src/kernels/outputItems';
import { recordedOutputs } from './recorded';

/** What an editor shows after applying the changes: cells → outputs (each a list of items). */
class View {
  readonly cells = new Map<string, string[]>();
  readonly items = new Map<string, OutputItem[]>();
  apply(cell: string, changes: OutputChange[]): void {
    const ids = this.cells.get(cell) ?? [];
    this.cells.set(cell, ids);
    for (const c of changes) {
      if (c.type === 'append') {
        ids.push(c.output.id);
        this.items.set(c.output.id, [...c.output.items]);
      } else if (c.type === 'clear') {
        ids.length = 0;
      } else if (c.type === 'replace-all') {
        ids.length = 0;
        for (const o of c.outputs) {
          ids.push(o.id);
          this.items.set(o.id, [...o.items]);
        }
      } else {
        assert.ok(this.items.has(c.outputId), 'replace-items targets an output the editor has');
        this.items.set(c.outputId, [...c.items]);
      }
    }
  }
  shown(cell: string): OutputItem[][] {
    return (this.cells.get(cell) ?? []).map((id) => this.items.get(id)!);
  }
}

function run(view: View, displays: DisplayIndex, cell: string, recorded: string): CellOutputState {
  const state = new CellOutputState(displays, cell);
  for (const out of recordedOutputs(recorded)) view.apply(cell, state.apply(out));
  return state;
}

function text(item: OutputItem | undefined): string | undefined {
  return item?.kind === 'text' ? item.text : undefined;
}

describe('cell outputs from recorded kernel messages', () => {
  test('1+1 → one execute_result with text/plain "2" and the execution count', () => {
    const view = new View();
    const state = run(view, new DisplayIndex(), 'c1', 'value');
    assert.deepEqual(view.shown('c1'), [[{ kind: 'text', mime: 'text/plain', text: '2' }]]);
    assert.equal(state.executionCount, 1);
  });

  test('streams: consecutive text of one stream merges; stderr is its own output; order kept', () => {
    const view = new View();
    run(view, new DisplayIndex(), 'c1', 'streams');
    const shown = view.shown('c1');
    assert.deepEqual(shown.map((o) => o[0]!.mime), [STDOUT_MIME, STDERR_MIME, STDOUT_MIME]);
    assert.deepEqual(shown.map((o) => text(o[0])), ['hi\n', 'oops\n', 'more\n']);
  });

  test('streams of the same name merge into one output through replace-items', () => {
    const state = new CellOutputState(new DisplayIndex());
    const first = state.apply({ type: 'stream', name: 'stdout', text: 'a\n' });
    const second = state.apply({ type: 'stream', name: 'stdout', text: 'b\n' });
    assert.equal(first[0]!.type, 'append');
    assert.equal(second[0]!.type, 'replace-items');
    assert.deepEqual(state.outputs.map((o) => text(o.items[0])), ['a\nb\n']);
  });

  test('1/0 → error item with ename, evalue and the ANSI traceback as stack', () => {
    const view = new View();
    run(view, new DisplayIndex(), 'c1', 'error');
    const [[item]] = view.shown('c1') as [[OutputItem]];
    assert.equal(item.mime, ERROR_MIME);
    assert.equal(item.kind, 'json');
    const value = (item as { value: { name: string; message: string; stack: string } }).value;
    assert.equal(value.name, 'ZeroDivisionError');
    assert.equal(value.message, 'division by zero');
    assert.match(value.stack, /ZeroDivisionError/);
    assert.match(value.stack, /\u001b\[/, 'keeps colours for the renderer');
  });

  test('display + update_display_data in the same cell replaces the displayed items', () => {
    const view = new View();
    run(view, new DisplayIndex(), 'c1', 'display_update');
    const shown = view.shown('c1');
    assert.equal(shown.length, 1);
    assert.equal(text(shown[0]!.find((i) => i.mime === 'text/html')), '<b>two</b>');
  });

  test('update_display_data from a later cell updates the earlier cell, not the current one', () => {
    const view = new View();
    const displays = new DisplayIndex();
    run(view, displays, 'c1', 'display_keep');
    assert.equal(text(view.shown('c1')[0]![0]), "'first'");
    run(view, displays, 'c2', 'display_update_later');
    assert.equal(text(view.shown('c1')[0]![0]), "'second'");
    assert.deepEqual(view.shown('c2'), []);
  });

  test('a cell that runs again forgets its display ids: later updates no longer reach it', () => {
    const view = new View();
    const displays = new DisplayIndex();
    run(view, displays, 'c1', 'display_keep');
    new CellOutputState(displays, 'c1'); // c1 runs again
    const changes = new CellOutputState(displays, 'c2').apply(recordedOutputs('display_update_later')[0]!);
    assert.deepEqual(changes, []);
  });

  test('clear_output(wait=True) clears only when the next output arrives, in one replace-all', () => {
    const view = new View();
    const state = new CellOutputState(new DisplayIndex(), 'c1');
    const changes: OutputChange[] = [];
    for (const out of recordedOutputs('clear_wait')) {
      const c = state.apply(out);
      changes.push(...c);
      view.apply('c1', c);
    }
    assert.deepEqual(changes.map((c) => c.type), ['replace-all', 'replace-all', 'replace-all']);
    assert.deepEqual(view.shown('c1').map((o) => text(o[0])), ['2\n']);
    // a wait-clear with nothing after it leaves the output as it is
    assert.deepEqual(state.apply({ type: 'clear_output', wait: true }), []);
    assert.equal(state.outputs.length, 1);
  });

  test('clear_output() clears at once; text after it starts a new output', () => {
    const view = new View();
    const state = run(view, new DisplayIndex(), 'c1', 'clear_now');
    assert.deepEqual(view.shown('c1').map((o) => text(o[0])), ['b\n']);
    assert.equal(state.outputs.length, 1);
  });

  test('carriage returns overwrite the line (progress bars)', () => {
    const view = new View();
    run(view, new DisplayIndex(), 'c1', 'progress');
    assert.deepEqual(view.shown('c1').map((o) => text(o[0])), ['100% done\n']);
  });

  test('image/png stays base64 (whitespace removed), application/json is a value, text/plain kept alongside', () => {
    const view = new View();
    run(view, new DisplayIndex(), 'c1', 'rich');
    const [image, json] = view.shown('c1') as [OutputItem[], OutputItem[]];
    const png = image.find((i) => i.mime === 'image/png');
    assert.equal(png?.kind, 'base64');
    const bytes = Buffer.from((png as { base64: string }).base64, 'base64');
    assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.ok(image.some((i) => i.mime === 'text/plain'));
    assert.deepEqual(json.find((i) => i.mime === 'application/json'), { kind: 'json', mime: 'application/json', value: { a: 1, b: [1, 2] } });
  });
});
