// The CLI's secret store: a JSON file only its owner may read ($XDG_STATE_HOME/pangeo-compute/secrets.json, mode 0600,
// in a 0700 folder), as command-line tools keep tokens where no keyring is at hand. Only `hub login` writes to it.
import { join } from 'node:path';
import { JsonFileStore, type SecretStore } from '../core/keyValueStore';
import { stateDirectory } from '../dask/local/localClusterRegistry';

export class FileSecretStore implements SecretStore {
  private readonly file: JsonFileStore;

  constructor(readonly path: string) {
    this.file = new JsonFileStore(path);
  }

  async get(key: string): Promise<string | undefined> {
    const value = this.file.get<unknown>(key);
    return typeof value === 'string' ? value : undefined;
  }

  async store(key: string, value: string): Promise<void> {
    await this.file.update(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.file.update(key, undefined);
  }
}

export function cliSecretStore(env: NodeJS.ProcessEnv): FileSecretStore {
  return new FileSecretStore(join(stateDirectory(env), 'secrets.json'));
}
