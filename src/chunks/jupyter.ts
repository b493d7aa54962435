// Chunk entry: the Jupyter kernel protocol (@jupyterlab/services) and the websocket client, loaded when the first
// kernel connects through loadChunk('jupyter').
export { ServerConnection } from '@jupyterlab/services';
export { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
export { default as WebSocketImpl } from 'ws';
export { deserialize } from '@jupyterlab/services/lib/kernel/serialize';
