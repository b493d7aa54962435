// Reads what a detached run's wrapper (detachedRunWrapper.ts) writes on the server: its status.json and the records of
// its output-NNNNN.jsonl log segments. The text is the server's (and the user's program's): checked, never trusted.
import { randomBytes } from 'node:crypto';
import { PangeoError } from '../core/http/errors';
import { maybe, num, oneOf, shape, str } from '../core/http/responseCheck';
import { RUN_FORMAT_VERSION } from './detachedRunWrapper';

export type RunState = 'running' | 'ok' | 'error' | 'interrupted';

export interface RunStatus {
  id: string;
  kernelId: string;
  state: RunState;
  /** ISO times (UTC) as the server's clock wrote them. */
  started: string;
  ended?: string;
  /** Last time the wrapper wrote the status (every 2 s while output changes, at least every 60 s). */
  updated?: string;
  /** The first line of the code (120 characters at most). */
  code: string;
  /** The last non-empty line printed (200 characters at most). */
  lastOutput: string;
  error?: { ename: string; evalue: string };
  logBytes: number;
  /** Output dropped beyond the log's cap. */
  droppedBytes: number;
  segments: number;
  /** The session id the run's kernel process signs its messages with (absent when the kernel is not ipykernel). */
  kernelSession?: string;
}

/** One piece of output in the order printed: a stream's text, or the text/plain of a result or display. */
export interface RunOutput {
  stream: 'stdout' | 'stderr' | 'result';
  text: string;
}

/** Run ids: the UTC start time then 6 hex digits, so a listing sorts by start and an id never names another path. */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-f]{6}$/;

export function newRunId(now = new Date(), random = randomBytes(3).toString('hex')): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${random}`;
}

export const STATUS_FILE = 'status.json';
const SEGMENT_PATTERN = /^output-(\d{5})\.jsonl$/;

export function segmentName(index: number): string {
  return `output-${String(index).padStart(5, '0')}.jsonl`;
}

/** The segment's index, or undefined for any other file. */
export function segmentIndex(name: string): number | undefined {
  const m = SEGMENT_PATTERN.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The run's history on the server cannot be read as a run's: made by another version, or changed by hand. */
export class RunHistoryDamagedError extends PangeoError {
  constructor(where: string, what: string) {
    super('UnexpectedResponse', `The run history at ${where} cannot be read: ${what}.`,
      'It was written by another version of pangeo-compute or changed by hand; start the run again to get a new history.', { url: where });
  }
}

interface RawStatus {
  version: number; id: string; kernel_id: string; state: RunState; started: string; ended?: string | null; updated?: string | null;
  code?: string | null; last_output?: string | null; error?: { ename: string; evalue: string } | null; log_bytes: number;
  dropped_bytes: number; segments: number; kernel_session?: string | null;
}

const isRawStatus = shape<RawStatus>({
  version: num, id: str, kernel_id: str, state: oneOf('running', 'ok', 'error', 'interrupted'), started: str, ended: maybe(str),
  updated: maybe(str), code: maybe(str), last_output: maybe(str), error: maybe(shape({ ename: str, evalue: str })), log_bytes: num,
  dropped_bytes: num, segments: num, kernel_session: maybe(str),
});

export function parseRunStatus(text: string, where: string): RunStatus {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RunHistoryDamagedError(where, 'its status is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (version !== RUN_FORMAT_VERSION) throw new RunHistoryDamagedError(where, `its format is version ${String(version)}, this pangeo-compute reads ${RUN_FORMAT_VERSION}`);
  if (!isRawStatus(raw)) throw new RunHistoryDamagedError(where, 'its status lacks fields a run writes');
  return {
    id: raw.id, kernelId: raw.kernel_id, state: raw.state, started: raw.started, ended: raw.ended ?? undefined, updated: raw.updated ?? undefined,
    code: raw.code ?? '', lastOutput: raw.last_output ?? '', error: raw.error ?? undefined, logBytes: raw.log_bytes,
    droppedBytes: raw.dropped_bytes, segments: raw.segments, ...(raw.kernel_session ? { kernelSession: raw.kernel_session } : {}),
  };
}

const STREAMS = { o: 'stdout', e: 'stderr', r: 'result' } as const;

/**
 * The complete records of a segment from character `from` on (the log is ASCII, so characters are bytes). A line not
 * yet ended by a newline is being written: it is left for the next read, at `next`. A line that is no record is
 * counted in `damaged` and skipped, so one bad line never hides the rest.
 */
export function parseRunLog(text: string, from = 0): { outputs: RunOutput[]; next: number; damaged: number } {
  const outputs: RunOutput[] = [];
  let damaged = 0;
  let start = from;
  for (let end = text.indexOf('\n', start); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
    const line = text.slice(start, end);
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      damaged++;
      continue;
    }
    const { s, x } = (record ?? {}) as { s?: unknown; x?: unknown };
    if (typeof x !== 'string' || typeof s !== 'string' || !(s in STREAMS)) {
      damaged++;
      continue;
    }
    const stream = STREAMS[s as keyof typeof STREAMS];
    // Consecutive pieces of one stream are one write for the terminal.
    const previous = outputs[outputs.length - 1];
    if (previous?.stream === stream) previous.text += x;
    else outputs.push({ stream, text: x });
  }
  return { outputs, next: start, damaged };
}
