// In-memory stand-ins for VS Code's globalState (KeyValueStore) and SecretStorage (SecretStore) in plain-Node tests.
import type { KeyValueStore, SecretStore } from '../../src/hubs/hubSessions';

export class MapStore implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined { return this.map.get(key) as T | undefined; }
  async update(key: string, value: unknown) { this.map.set(key, value); }
}

export class SecretMap implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string) { return this.map.get(key); }
  async store(key: string, value: string) { this.map.set(key, value); }
  async delete(key: string) { this.map.delete(key); }
}
