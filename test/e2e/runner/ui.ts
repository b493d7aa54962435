// The tests' half of the UI handshake (see ../uiProtocol.ts): ask the harness to type, click or look, and wait
// for its answer. Only the code-server harness serves these requests.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestFile, responseFile, UI_ENV, type UiAction, type UiResponse } from '../uiProtocol';

let nextId = 1;

/** The next request's id: a runner started again after a window reload goes on from the last one's (files stay). */
export function nextUiId(): number {
  return nextId;
}

export function setNextUiId(id: number): void {
  nextId = id;
}

/** True when a harness with a browser is there to answer. */
export function uiAvailable(): boolean {
  return !!process.env[UI_ENV];
}

/** Performs one UI action in the browser; resolves with any text read, rejects with the harness's reason. */
export async function ui(action: UiAction, timeoutMs = 30_000): Promise<string | undefined> {
  const dir = process.env[UI_ENV];
  if (!dir) throw new Error(`UI actions need the code-server harness (${UI_ENV} is not set)`);
  const id = nextId++;
  const tmp = join(dir, `${requestFile(id)}.tmp`);
  writeFileSync(tmp, JSON.stringify({ id, action, timeoutMs }));
  renameSync(tmp, join(dir, requestFile(id)));
  const answer = join(dir, responseFile(id));
  const until = Date.now() + timeoutMs + 15_000; // the harness's own timeout comes first
  while (!existsSync(answer)) {
    if (Date.now() > until) throw new Error(`the harness did not answer UI request #${id} (${action.kind})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const response = JSON.parse(readFileSync(answer, 'utf8')) as UiResponse;
  if (!response.ok) throw new Error(`UI ${action.kind} "${'expect' in action ? action.expect : 'selector' in action ? action.selector : ''}" failed: ${response.error}`);
  return response.text;
}
