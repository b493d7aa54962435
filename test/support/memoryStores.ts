// An in-memory stand-in for VS Code's SecretStorage (SecretStore) in plain-Node tests; globalState's is core's MemoryStore.
import type { SecretStore } from '../../src/core/keyValueStore';

export class SecretMap implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string) { return this.map.get(key); }
  async store(key: string, value: string) { this.map.set(key, value); }
  async delete(key: string) { this.map.delete(key); }
}
