// Replays the recorded IOPub messages of a real ipykernel (fixtures/iopub-recorded.json) as KernelOutputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelMessage } from '@jupyterlab/services';
import { KernelOutput, toKernelOutput } from '../../../src/jupyterServer/kernelOutputs';

interface RecordedCell {
  code: string;
  messages: Array<{ msg_type: string; content: unknown }>;
  reply: { status: string; execution_count: number };
}

const recorded = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'iopub-recorded.json'), 'utf8')) as { cells: Record<string, RecordedCell> };

export function recordedCell(name: string): RecordedCell {
  const cell = recorded.cells[name];
  if (!cell) throw new Error(`no recorded cell ${name}`);
  return cell;
}

/** The raw IOPub message as the connection delivers it (only header.msg_type and content matter to the mapping). */
export function recordedMessages(name: string): KernelMessage.IIOPubMessage[] {
  return recordedCell(name).messages.map((m) => ({ header: { msg_type: m.msg_type }, content: m.content }) as unknown as KernelMessage.IIOPubMessage);
}

export function recordedOutputs(name: string): KernelOutput[] {
  return recordedMessages(name).map((m) => toKernelOutput(m)).filter((o): o is KernelOutput => o !== undefined);
}
