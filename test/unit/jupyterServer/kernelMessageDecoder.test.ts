// Our reader of kernel frames reads what @jupyterlab/services' own reader reads, from the Node Buffers `ws` hands over
// (slices of a larger read, at an offset), and leaves the JSON protocol and legacy binary frames to the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelMessage } from '@jupyterlab/services';
import { deserialize, serialize } from '@jupyterlab/services/lib/kernel/serialize';
import { decodeV1, kernelSerializer, V1_PROTOCOL } from '../../../src/jupyterServer/kernelMessageDecoder';

function message(buffers: DataView[] = []): KernelMessage.IMessage {
  return {
    channel: 'iopub',
    header: { msg_id: 'm1', msg_type: 'stream', session: 'kernel-s', username: 'u', date: '2026-12-07T00:00:00Z', version: '5.3' },
    parent_header: { msg_id: 'req-1', msg_type: 'execute_request', session: 'client', username: 'u', date: '', version: '5.3' },
    metadata: { note: 'ünïcødé ✓' },
    content: { name: 'stdout', text: 'π ≈ 3.14159\n' },
    buffers,
  } as unknown as KernelMessage.IMessage;
}

/** As `ws` hands a frame over: a Buffer inside a larger chunk, not at offset 0. */
function inChunk(frame: ArrayBuffer): Buffer {
  const chunk = Buffer.alloc(frame.byteLength + 13, 0xee);
  Buffer.from(frame).copy(chunk, 7);
  return chunk.subarray(7, 7 + frame.byteLength);
}

const bytes = (v: DataView | ArrayBuffer) => [...new Uint8Array(v instanceof DataView ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v)];

test('a v1 frame reads as the library reads it: JSON parts (non-ASCII text too) and binary buffers, from a Buffer at an offset', () => {
  const sent = message([new DataView(new Uint8Array([1, 2, 3]).buffer), new DataView(new Uint8Array([250, 0]).buffer)]);
  const frame = serialize(sent, V1_PROTOCOL) as ArrayBuffer;
  const library = deserialize(frame, V1_PROTOCOL);
  const ours = decodeV1(inChunk(frame));
  assert.deepEqual({ ...ours, buffers: [] }, { ...library, buffers: [] });
  assert.equal((ours.content as { text: string }).text, 'π ≈ 3.14159\n');
  assert.deepEqual(ours.buffers!.map((b) => bytes(b as DataView)), [[1, 2, 3], [250, 0]]);
  // Each buffer is a copy of its own: the chunk the socket read is reused.
  assert.equal((ours.buffers![0] as DataView).byteOffset, 0);
  assert.equal((ours.buffers![0] as DataView).buffer.byteLength, 3);
  const plain = decodeV1(inChunk(serialize(message(), V1_PROTOCOL) as ArrayBuffer));
  assert.deepEqual(plain.buffers, []);
});

test('the serializer: v1 Buffers and ArrayBuffers read here; JSON text and legacy binary frames as the library reads them; sending is the library\'s', () => {
  const s = kernelSerializer({ serialize, deserialize });
  const frame = serialize(message(), V1_PROTOCOL) as ArrayBuffer;
  assert.deepEqual(s.deserialize(inChunk(frame) as unknown as ArrayBuffer, V1_PROTOCOL), deserialize(frame, V1_PROTOCOL));
  assert.deepEqual(s.deserialize(frame, V1_PROTOCOL), deserialize(frame, V1_PROTOCOL));
  const text = serialize(message(), '') as string;
  assert.deepEqual(s.deserialize(text, ''), deserialize(text as unknown as ArrayBuffer, ''));
  // The JSON protocol sends a message with buffers as a binary frame of its own format.
  const legacy = serialize(message([new DataView(new Uint8Array([9, 8]).buffer)]), '') as ArrayBuffer;
  assert.ok(legacy instanceof ArrayBuffer);
  const read = s.deserialize(inChunk(legacy) as unknown as ArrayBuffer, '');
  assert.deepEqual({ ...read, buffers: [] }, { ...deserialize(legacy, ''), buffers: [] });
  assert.deepEqual(bytes(read.buffers![0] as DataView), [9, 8]);
  assert.deepEqual(s.serialize(message(), V1_PROTOCOL), serialize(message(), V1_PROTOCOL));
});

test('a frame too short for its offsets is an error, not a message read out of other bytes', () => {
  assert.throws(() => decodeV1(Buffer.alloc(4)), /Invalid kernel message/);
  const frame = Buffer.from(serialize(message(), V1_PROTOCOL) as ArrayBuffer);
  assert.throws(() => decodeV1(frame.subarray(0, 40)), /Invalid kernel message/);
});
