// Reads kernel messages off the socket for @jupyterlab/services' connection (its `serializer`), in the wire protocol
// jupyter_server picks (v1.kernel.websocket.jupyter.org: 64-bit offsets, then channel, header, parent header, metadata,
// content and the binary buffers). The library's own reader copies every part into a new ArrayBuffer and builds a
// TextDecoder per message: 8.5 µs a message, most of a 10,000-message replay's client time; this one reads the parts
// in place (~1.5 µs). Sending, the JSON protocol and the legacy binary frames stay the library's.
import type { KernelMessage } from '@jupyterlab/services';

export const V1_PROTOCOL = 'v1.kernel.websocket.jupyter.org';

/** What the library's connection takes as its `serializer` (ServerConnection.ISettings['serializer']). */
export interface KernelSerializer {
  serialize(msg: KernelMessage.IMessage, protocol?: string): string | ArrayBuffer;
  deserialize(data: ArrayBuffer | string, protocol?: string): KernelMessage.IMessage;
}

/** The library's serializer with this reader for v1 frames; frames may come as Node Buffers (no copy off the socket). */
export function kernelSerializer(library: KernelSerializer): KernelSerializer {
  return {
    serialize: (msg, protocol) => library.serialize(msg, protocol),
    deserialize: (data: ArrayBuffer | ArrayBufferView | string, protocol?: string) => readKernelFrame(data, protocol, (d, p) => library.deserialize(d, p)),
  };
}

/** One frame as it came off the socket: v1 frames read in place, the others by the library's reader. */
export function readKernelFrame(data: ArrayBuffer | ArrayBufferView | string, protocol: string | undefined, library: KernelSerializer['deserialize']): KernelMessage.IMessage {
  if (typeof data === 'string') return library(data, protocol);
  const bytes = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
  if (protocol === V1_PROTOCOL) return decodeV1(bytes);
  // A legacy binary frame (the JSON protocol's messages with buffers): the library reads an ArrayBuffer of its own.
  return library(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, protocol);
}

/** One v1 frame: the JSON parts read where they lie; each binary buffer copied out (a widget may keep it). */
export function decodeV1(bytes: Buffer): KernelMessage.IMessage {
  if (bytes.length < 8) throw new Error(`Invalid kernel message: ${bytes.length} bytes`);
  const count = Number(bytes.readBigUInt64LE(0));
  if (count < 6 || 8 * (count + 1) > bytes.length) throw new Error(`Invalid kernel message: ${count} offsets in ${bytes.length} bytes`);
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) offsets.push(Number(bytes.readBigUInt64LE(8 * (i + 1))));
  const buffers: DataView[] = [];
  for (let i = 5; i < count - 1; i++) {
    const start = bytes.byteOffset + offsets[i]!;
    buffers.push(new DataView(bytes.buffer.slice(start, bytes.byteOffset + offsets[i + 1]!)));
  }
  return {
    channel: part(bytes, offsets, 0),
    header: JSON.parse(part(bytes, offsets, 1)) as unknown,
    parent_header: JSON.parse(part(bytes, offsets, 2)) as unknown,
    metadata: JSON.parse(part(bytes, offsets, 3)) as unknown,
    content: JSON.parse(part(bytes, offsets, 4)) as unknown,
    buffers,
  } as unknown as KernelMessage.IMessage;
}

/** Part `i` of a frame as text (a function of its own: no closure made per message). */
function part(bytes: Buffer, offsets: number[], i: number): string {
  return bytes.toString('utf8', offsets[i], offsets[i + 1]);
}
