// Chunk entry: the ajv JSON Schema validator (~120 KB), loaded on first preset validation through loadChunk('ajv').
export { default as Ajv } from 'ajv';
