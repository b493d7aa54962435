// Completions, hovers and signatures from a notebook's own kernel (complete_request / inspect_request): the kernel
// knows the server's packages, which the laptop's language server does not. Plain TypeScript, so the scheduling
// (one request in flight per kind, the newest waiting one wins, nothing sent to a busy kernel) and the protocol's
// offsets (Unicode code points, not UTF-16) are tested under Node. The kernel's text is untrusted: ANSI escape
// sequences are removed, other control characters shown as markers; the editor adapter shows it as plain text only.
import type { KernelSession } from '../jupyterServer/jupyterServerClient';
import { hasControlCharacters, stripTerminalControls } from '../shared/text/controlCharacters';

/** What is needed of a kernel connection (KernelSession, or a fake in unit tests). */
export type IntrospectionSession = Pick<KernelSession, 'executionState' | 'onExecutionState' | 'complete' | 'inspect'>;

/** One completion: replaces code[start, end) (UTF-16 offsets into the cell's text) with `text`. */
export interface KernelCompletion {
  text: string;
  start: number;
  end: number;
  /** The kernel's type name where it gives one (IPython: function, class, module, instance, keyword, param, path, …). */
  type?: string;
  /** A callable's signature, e.g. "(name: str, times: int=1) -> str". */
  signature?: string;
}

/** What `inspect_request` told, ANSI removed; `sections` as IPython labels them (Signature, Docstring, Type, …). */
export interface KernelInspection {
  text: string;
  signature?: string;
  type?: string;
  docstring?: string;
}

export interface KernelIntrospectionOptions {
  /** How long a request waits for a busy kernel to go idle before giving up (the language server answers alone). */
  busyWaitMs?: number;
  /** Stop waiting for a reply after this long; a request in flight longer than this no longer holds up newer ones. */
  timeoutMs?: number;
}

const DEFAULT_BUSY_WAIT_MS = 200;
const DEFAULT_TIMEOUT_MS = 5_000;
/** Longer completion texts are not identifiers or paths anyone types. */
const MAX_COMPLETION_LENGTH = 200;
/** A docstring longer than this is cut (hovers are for a glance; the whole text is in `help()`). */
const MAX_INSPECTION_LENGTH = 20_000;

// ---- offsets ------------------------------------------------------------------------------------------------------

/** The code-point offset of a UTF-16 offset into `text` (the protocol counts code points; the editor counts UTF-16). */
export function toCodePoints(text: string, utf16Offset: number): number {
  let points = 0;
  for (let i = 0; i < Math.min(utf16Offset, text.length); i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 && i + 1 < utf16Offset) i++;
    points++;
  }
  return points;
}

/** The UTF-16 offset of a code-point offset into `text`; past the end → text.length. */
export function toUtf16(text: string, codePoints: number): number {
  let i = 0;
  for (let p = 0; p < codePoints && i < text.length; p++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return i;
}

// ---- replies ------------------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

interface RawCompletion { text: string; start: number; end: number; type?: string; signature?: string }

/** IPython's typed list (`metadata._jupyter_types_experimental`) when every entry is well formed, else undefined. */
function typedMatches(metadata: unknown): RawCompletion[] | undefined {
  const list = isObject(metadata) ? metadata._jupyter_types_experimental : undefined;
  if (!Array.isArray(list) || !list.length) return undefined;
  const out: RawCompletion[] = [];
  for (const entry of list) {
    if (!isObject(entry) || typeof entry.text !== 'string' || !isOffset(entry.start) || !isOffset(entry.end)) return undefined;
    out.push({
      text: entry.text, start: entry.start, end: entry.end,
      type: typeof entry.type === 'string' && entry.type !== '<unknown>' ? entry.type : undefined,
      signature: typeof entry.signature === 'string' && entry.signature ? entry.signature : undefined,
    });
  }
  return out;
}

/**
 * A complete_reply as completions of `code` at `cursor` (UTF-16): code-point offsets turned into UTF-16 ones, the
 * typed list preferred, IPython's dotted matches ("mod.attr" for "mod.") cut to what follows the dot (as the language
 * server offers them, so the editor filters both alike), anything holding control characters dropped, no duplicates.
 */
export function completionsFromReply(code: string, cursor: number, reply: unknown): KernelCompletion[] {
  if (!isObject(reply) || reply.status !== 'ok') return [];
  const { cursor_start: start, cursor_end: end } = reply;
  const matches = Array.isArray(reply.matches) ? reply.matches.filter((m): m is string => typeof m === 'string') : [];
  const raw: RawCompletion[] = typedMatches(reply.metadata)
    ?? (isOffset(start) && isOffset(end) ? matches.map((text) => ({ text, start, end })) : []);
  const points = toCodePoints(code, code.length);
  const seen = new Set<string>();
  const out: KernelCompletion[] = [];
  for (const item of raw) {
    if (item.end > points) continue;
    let from = toUtf16(code, item.start);
    const to = toUtf16(code, item.end);
    let text = item.text;
    if (from > to || from > cursor) continue;
    const typed = code.slice(from, cursor);
    const dot = typed.lastIndexOf('.');
    if (dot >= 0 && text.startsWith(typed.slice(0, dot + 1))) {
      text = text.slice(dot + 1);
      from += dot + 1;
    }
    if (!text || text.length > MAX_COMPLETION_LENGTH || hasControlCharacters(text)) continue;
    const key = `${from}:${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ text, start: from, end: to, ...(item.type ? { type: item.type } : {}), ...(item.signature ? { signature: item.signature } : {}) });
  }
  return out;
}

/** IPython's section labels in `inspect_reply` text/plain ("Signature:", "Docstring:", …). */
const SECTION = /^(Signature|Init signature|Call signature|Docstring|Init docstring|Class docstring|Call docstring|Type|String form|File|Source|Length|Namespace|Subclasses|Definition):[ \t]*(.*)$/;

/** An inspect_reply as plain text (ANSI removed) and IPython's sections, or undefined when nothing was found. */
export function inspectionFromReply(reply: unknown): KernelInspection | undefined {
  if (!isObject(reply) || reply.status !== 'ok' || reply.found !== true || !isObject(reply.data)) return undefined;
  const plain = reply.data['text/plain'];
  if (typeof plain !== 'string') return undefined;
  const text = stripTerminalControls(plain).slice(0, MAX_INSPECTION_LENGTH).replace(/\s+$/, '');
  if (!text) return undefined;
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = SECTION.exec(line);
    if (m) {
      current = [];
      sections.set(m[1]!, current);
      if (m[2]) current.push(m[2]);
    } else current?.push(line);
  }
  const section = (...names: string[]) => {
    for (const name of names) {
      const body = sections.get(name)?.join('\n').trim();
      if (body && body !== '<no docstring>') return body;
    }
    return undefined;
  };
  const out: KernelInspection = { text };
  const signature = section('Signature', 'Init signature', 'Call signature', 'Definition');
  const type = section('Type');
  const docstring = section('Docstring', 'Class docstring', 'Init docstring', 'Call docstring');
  if (signature) out.signature = signature;
  if (type) out.type = type;
  if (docstring) out.docstring = docstring;
  return out;
}

// ---- signatures ---------------------------------------------------------------------------------------------------

/** Where the cursor is inside a call: the `(` that opens it, which argument, and the keyword typed for it if any. */
export interface CallContext {
  openParen: number;
  argument: number;
  keyword?: string;
}

const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * The innermost call around `cursor` (UTF-16) on the cell's text, scanning back: brackets closed before the cursor are
 * skipped, strings too (on one line); undefined when the cursor is not inside parentheses that follow a name.
 */
export function callContext(code: string, cursor: number): CallContext | undefined {
  const before = code.slice(0, cursor);
  const stack: string[] = [];
  let commas = 0;
  let argStart = before.length;
  for (let i = before.length - 1; i >= 0; i--) {
    const c = before[i]!;
    if (c === '"' || c === "'") {
      const open = before.lastIndexOf(c, i - 1);
      const lineStart = before.lastIndexOf('\n', i - 1);
      if (open > lineStart) i = open;
      continue;
    }
    if (c in CLOSE) stack.push(CLOSE[c]!);
    else if (c === '(' || c === '[' || c === '{') {
      if (stack.length) {
        stack.pop();
        continue;
      }
      if (c !== '(' || !/[\w)\].]\s*$/.test(before.slice(0, i))) return undefined;
      const current = before.slice(argStart === before.length ? i + 1 : argStart);
      const keyword = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(current)?.[1];
      return { openParen: i, argument: commas, ...(keyword ? { keyword } : {}) };
    } else if (c === ',' && !stack.length) {
      if (argStart === before.length) argStart = i + 1;
      commas++;
    }
  }
  return undefined;
}

/** A signature on one line and the [start, end) of each parameter in it, for the editor's signature help. */
export interface SignatureParts {
  label: string;
  parameters: { start: number; end: number; name: string }[];
}

/** Splits "f(a, b: int = 1, *args, **kw) -> str" into its parameters (top-level commas inside the outer parentheses). */
export function signatureParts(signature: string): SignatureParts | undefined {
  const label = signature.replace(/\s*\n\s*/g, ' ').replace(/\(\s+/g, '(').replace(/,\s*\)/g, ')').trim();
  const open = label.indexOf('(');
  if (open < 0) return undefined;
  const parameters: SignatureParts['parameters'] = [];
  let depth = 0;
  let start = open + 1;
  let quote: string | undefined;
  for (let i = open + 1; i < label.length; i++) {
    const c = label[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ',' || c === ')') && depth === 0) {
      const raw = label.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      const param = raw.trim();
      if (param) parameters.push({ start: start + lead, end: start + lead + param.length, name: /^\**([A-Za-z_]\w*)/.exec(param)?.[1] ?? param });
      if (c === ')') return { label, parameters };
      start = i + 1;
    } else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return { label, parameters };
}

/** Which parameter the argument under the cursor fills: by keyword when typed, else by position (up to a `*args`). */
export function activeParameter(parts: SignatureParts, call: CallContext): number {
  const names = parts.parameters.map((p) => p.name);
  if (call.keyword) {
    const byName = names.indexOf(call.keyword);
    if (byName >= 0) return byName;
  }
  const positional = parts.parameters.filter((p) => p.name !== '/' && p.name !== '*');
  const varargs = positional.findIndex((p) => parts.label.slice(p.start, p.end).startsWith('*'));
  const index = varargs >= 0 ? Math.min(call.argument, varargs) : call.argument;
  const target = positional[index];
  return target ? parts.parameters.indexOf(target) : -1;
}

// ---- scheduling ---------------------------------------------------------------------------------------------------

/** One kind of request (completions, or inspections for hovers and signatures): at most one in flight. */
interface Lane {
  inFlight?: Promise<void>;
  /** Bumped by each new request: a waiting one that is no longer the newest gives up. */
  newest: number;
}

/** Aborts after `ms` on the (mockable) setTimeout; `clear()` when done. */
function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** Settles when `promise` does or a signal aborts, whichever is first; never rejects. */
function settledOrAborted(promise: Promise<unknown>, signals: AbortSignal[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    if (signals.some((s) => s.aborted)) return done();
    for (const s of signals) s.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}

/**
 * The kernel's completions and inspections for one connection. A request waits for the previous one of its kind
 * (the kernel answers shell requests one at a time, so sending more only queues them), and only the newest waiting
 * one is sent: typing fast sends the first and the last. A kernel busy for more than `busyWaitMs` (a running cell, or
 * another client's request) is not asked at all. Every wait ends when `signal` aborts (the editor's cancellation).
 */
export class KernelIntrospection {
  private readonly lanes = { complete: { newest: 0 } as Lane, inspect: { newest: 0 } as Lane };
  private readonly busyWaitMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly session: IntrospectionSession, opts: KernelIntrospectionOptions = {}) {
    this.busyWaitMs = opts.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Completions at `cursor` (UTF-16 offset into `code`); undefined when nothing was asked or the answer came too late. */
  async complete(code: string, cursor: number, signal?: AbortSignal): Promise<KernelCompletion[] | undefined> {
    const reply = await this.request(this.lanes.complete, () => this.session.complete(code, toCodePoints(code, cursor)), signal);
    return reply === undefined ? undefined : completionsFromReply(code, cursor, reply);
  }

  /** What the kernel says of the name at `cursor` (UTF-16); undefined when not found, not asked or too late. */
  async inspect(code: string, cursor: number, signal?: AbortSignal): Promise<KernelInspection | undefined> {
    const reply = await this.request(this.lanes.inspect, () => this.session.inspect(code, toCodePoints(code, cursor)), signal);
    return reply === undefined ? undefined : inspectionFromReply(reply);
  }

  private async request<T>(lane: Lane, send: () => Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
    const ticket = ++lane.newest;
    const live = () => !signal?.aborted && lane.newest === ticket;
    while (lane.inFlight) {
      await settledOrAborted(lane.inFlight, signal ? [signal] : []);
      if (!live()) return undefined;
    }
    if (!(await this.idleSoon(signal)) || !live()) return undefined;
    const timeout = timeoutSignal(this.timeoutMs);
    let value: T | undefined;
    // A failed request (connection lost, kernel restarted) is no answer: the language server's stand alone.
    const reply = send().then((v) => {
      value = v;
    }, () => undefined);
    // The lane is free when the reply comes, or after the timeout (a lost reply must not block it for good).
    const inFlight = settledOrAborted(reply, [timeout.signal]).finally(() => {
      timeout.clear();
      if (lane.inFlight === inFlight) lane.inFlight = undefined;
    });
    lane.inFlight = inFlight;
    await settledOrAborted(inFlight, signal ? [signal] : []);
    return signal?.aborted ? undefined : value;
  }

  /** True when the kernel is idle now or becomes idle within busyWaitMs. */
  private async idleSoon(signal?: AbortSignal): Promise<boolean> {
    if (this.session.executionState === 'idle') return true;
    const wait = timeoutSignal(this.busyWaitMs);
    let sub: { dispose(): void } | undefined;
    const idle = new Promise<void>((resolve) => {
      sub = this.session.onExecutionState((state) => state === 'idle' && resolve());
    });
    try {
      await settledOrAborted(idle, signal ? [signal, wait.signal] : [wait.signal]);
      return this.session.executionState === 'idle' && !signal?.aborted;
    } finally {
      wait.clear();
      sub?.dispose();
    }
  }
}
