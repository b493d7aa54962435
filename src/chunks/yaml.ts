// Chunk entry: the YAML parser (Dask config files), loaded on demand through loadChunk('yaml').
export { parse } from 'yaml';
