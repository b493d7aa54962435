// Server files benchmark (issue 11): opening a 5 MB notebook and listing a folder of 2,000 files through the
// pangeo-hub: provider, each against a plain `fetch` of the same Contents API call, interleaved in the same run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub } from '../test/support/jupyterhub';
import { HubClient } from '../src/hubs/hubClient';
import { HubFileSystemProvider } from '../src/files/editor/hubFileSystem';
import type { ConnectedServer, HubRegistry } from '../src/hubs/hubRegistry';
import { silentLogger } from '../src/core/log';
import { createFakeVscode } from '../test/support/fakeVscode';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A notebook of about `bytes` with code cells and text outputs, as a real analysis notebook has. */
function bigNotebook(bytes: number): string {
  const cells: unknown[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = `${'x'.repeat(70)} ${i}\n`.repeat(60);
    cells.push({ cell_type: 'code', execution_count: i + 1, id: `c${i}`, metadata: {}, source: [`print(${i})\n`],
      outputs: [{ output_type: 'stream', name: 'stdout', text: [text] }] });
    size += text.length + 120;
  }
  return JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 }, null, 1);
}

async function compare(label: string, rounds: number, ours: () => Promise<unknown>, plain: () => Promise<unknown>, log: (l: string) => void) {
  await ours(); await plain();
  const a: number[] = [], b: number[] = [];
  // Interleaved, alternating which goes first, so both see the same noise (and the same garbage collections).
  for (let i = 0; i < rounds; i++) {
    for (const [fn, out] of (i % 2 ? [[plain, b], [ours, a]] : [[ours, a], [plain, b]]) as Array<[() => Promise<unknown>, number[]]>) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
  }
  const ratio = median(a) / median(b);
  log(`${label}: ours ${median(a).toFixed(2)} ms, plain fetch ${median(b).toFixed(2)} ms, ratio ${ratio.toFixed(2)} (target ≤ 1.2) ${ratio <= 1.2 ? 'OK' : 'OVER'}`);
}

export async function runFilesBench(log: (l: string) => void = console.log): Promise<void> {
  const hub = await startTestHub({ users: ['bench'] });
  try {
    const minted = await new HubClient(hub.url).createTokenWithPassword('bench', hub.password, { note: 'bench' });
    const client = new HubClient(hub.url, { token: minted.token });
    const server = await client.startAndWait('bench', '', {}, { timeoutMs: 120_000 });
    const url = server.url!;
    const auth = { Authorization: `token ${minted.token}` };
    const home = join(hub.dir, 'home', 'bench');
    const notebook = bigNotebook(5 * 1024 * 1024);
    writeFileSync(join(home, 'big.ipynb'), notebook);
    mkdirSync(join(home, 'many'));
    for (let i = 0; i < 2000; i++) writeFileSync(join(home, 'many', `file-${String(i).padStart(4, '0')}.csv`), `a,b\n${i},${i * 2}\n`);

    const connected: ConnectedServer = { hubId: hub.url, hubLabel: 'bench', user: 'bench', server, client };
    const hubs = { readyServers: () => [connected], refresh: async () => undefined, onDidChangeServers: () => ({ dispose() {} }) } as unknown as HubRegistry;
    const provider = new HubFileSystemProvider({ vs: createFakeVscode().vs, hubs, logger: silentLogger });
    const uri = (path: string) => provider.uriFor({ hubId: hub.url, user: 'bench', serverName: '', path });

    log(`notebook: ${(notebook.length / 1048576).toFixed(1)} MB; folder: 2000 files`);
    await compare('open a 5 MB notebook (readFile)', 21,
      () => provider.readFile(uri('big.ipynb')),
      async () => (await fetch(`${url}api/contents/big.ipynb?type=file&content=1`, { headers: auth })).json(), log);
    await compare('list a folder of 2,000 files (readDirectory)', 21,
      () => provider.readDirectory(uri('many')),
      async () => (await fetch(`${url}api/contents/many?type=directory&content=1`, { headers: auth })).json(), log);
    provider.dispose();
  } finally {
    await hub.stop();
  }
}

if (require.main === module) {
  runFilesBench().then(() => process.exit(0), (e) => {
    console.error(e);
    process.exit(1);
  });
}
