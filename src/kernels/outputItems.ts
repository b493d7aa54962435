// A Jupyter mime bundle turned into editor-neutral output items (text, base64 images, JSON), and the stream/error items.

/** One rendering of an output; `kind` says how the adapter builds the editor's item. */
export type OutputItem =
  | { kind: 'text'; mime: string; text: string }
  | { kind: 'base64'; mime: string; base64: string }
  | { kind: 'json'; mime: string; value: unknown };

/** VS Code's mime types for streams and errors (the built-in renderers understand them). */
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/** What the error renderer reads: `stack` keeps the kernel's ANSI-coloured traceback. */
export interface ErrorValue {
  name: string;
  message: string;
  stack: string;
}

const BINARY_IMAGE = /^image\/(png|jpeg|gif|webp|bmp)$/;
const JSON_MIME = /^application\/(.+\+)?json$/;

/** nbformat allows multi-line strings as arrays of lines; the wire format usually sends strings. */
function joinLines(value: unknown): unknown {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join('') : value;
}

/** Maps each entry of a mime bundle, keeping the kernel's order (richest first is the kernel's choice). */
export function bundleToItems(data: Record<string, unknown>): OutputItem[] {
  const items: OutputItem[] = [];
  for (const [mime, raw] of Object.entries(data)) {
    const value = joinLines(raw);
    if (BINARY_IMAGE.test(mime) && typeof value === 'string') {
      items.push({ kind: 'base64', mime, base64: value.replace(/\s+/g, '') });
    } else if (JSON_MIME.test(mime)) {
      items.push({ kind: 'json', mime, value: typeof value === 'string' ? safeParse(value) : value });
    } else if (typeof value === 'string') {
      items.push({ kind: 'text', mime, text: value });
    } else {
      items.push({ kind: 'json', mime, value });
    }
  }
  return items;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function streamItem(name: 'stdout' | 'stderr', text: string): OutputItem {
  return { kind: 'text', mime: name === 'stderr' ? STDERR_MIME : STDOUT_MIME, text };
}

export function errorItem(ename: string, evalue: string, traceback: string[]): OutputItem {
  const value: ErrorValue = { name: ename, message: evalue, stack: traceback.join('\n') };
  return { kind: 'json', mime: ERROR_MIME, value };
}

/**
 * Applies terminal semantics that progress bars rely on: `\r` returns to the start of the line
 * (later text overwrites it) and `\b` deletes the previous character, as JupyterLab shows them.
 */
export function applyTerminalControls(text: string): string {
  if (!/[\r\b]/.test(text)) return text;
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      lines.push(line.join(''));
      line = [];
      col = 0;
    } else if (ch === '\r') {
      if (text[i + 1] === '\n') continue; // CRLF is a plain newline
      col = 0;
    } else if (ch === '\b') {
      if (col > 0) line.splice(--col, 1);
    } else {
      line[col++] = ch;
    }
  }
  lines.push(line.join(''));
  return lines.join('\n');
}
