// Reads the harness's scenario settings inside the extension host (file named by PANGEO_E2E_CONFIG).
import { readFileSync } from 'node:fs';
import { CONFIG_ENV, type E2EConfig } from '../results';

let cached: E2EConfig | undefined;

export function e2eConfig(): E2EConfig {
  if (!cached) {
    const path = process.env[CONFIG_ENV];
    cached = path ? (JSON.parse(readFileSync(path, 'utf8')) as E2EConfig) : {};
  }
  return cached;
}
