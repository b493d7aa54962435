// `pangeo-compute files ls|get|put|rm`: the files of a ready hub server through the same Contents API client as the editor.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, CommandContext, CommandGroup, optionalString, UsageError } from './command';
import { HUB_OPTIONS, readyServerClient } from './hubSession';
import { ContentsClient } from '../files/contentsClient';
import { baseName, ContentsEntry, joinServerPath } from '../files/contentsModels';

const SERVER_OPTIONS = { ...HUB_OPTIONS, server: { type: 'string' as const } };

async function serverContents(ctx: CommandContext): Promise<ContentsClient> {
  return new ContentsClient(await readyServerClient(ctx));
}

function entryJson(e: ContentsEntry) {
  return { name: e.name, path: e.path, type: e.type, size: e.size ?? null, last_modified: e.lastModified, writable: e.writable };
}

const ls: Command = {
  summary: 'List a folder on the server (or show one file)',
  usage: '--url URL [--server NAME] [PATH]',
  options: SERVER_OPTIONS,
  async run(ctx) {
    const path = ctx.positionals[0] ?? '';
    const contents = await serverContents(ctx);
    const stat = await contents.stat(path, ctx.signal);
    const entries = stat.type === 'directory' ? (await contents.list(path, ctx.signal)).children : [stat];
    entries.sort((a, b) => (a.type === 'directory' ? 0 : 1) - (b.type === 'directory' ? 0 : 1) || a.name.localeCompare(b.name));
    const human = entries.map((e) => `${e.type === 'directory' ? 'd' : '-'} ${String(e.size ?? '').padStart(10)}  ${e.lastModified.slice(0, 19).replace('T', ' ')}  ${e.name}${e.type === 'directory' ? '/' : ''}`).join('\n');
    ctx.print(human || '(empty)', entries.map(entryJson));
  },
};

const get: Command = {
  summary: 'Download a file from the server to --output (default: its name in this folder; "-" for stdout)',
  usage: '--url URL [--server NAME] [--output FILE] PATH',
  options: { ...SERVER_OPTIONS, output: { type: 'string', short: 'o' } },
  async run(ctx) {
    const path = ctx.positionals[0];
    if (!path) throw new UsageError('Name the file on the server: files get PATH');
    const contents = await serverContents(ctx);
    const { entry, bytes } = await contents.read(path, ctx.signal);
    const output = optionalString(ctx, 'output') ?? baseName(path);
    if (output === '-') {
      ctx.writeBytes(bytes);
      return;
    }
    await writeFile(output, bytes);
    ctx.print(`${entry.path} → ${output} (${bytes.byteLength} bytes)`, { ...entryJson(entry), output, bytes: bytes.byteLength });
  },
};

const put: Command = {
  summary: 'Upload a local file to the server (large files in chunks, progress on stderr); PATH defaults to its name in the home folder',
  usage: '--url URL [--server NAME] LOCAL_FILE [PATH]',
  options: SERVER_OPTIONS,
  async run(ctx) {
    const [local, remote] = ctx.positionals;
    if (!local) throw new UsageError('Name the local file: files put LOCAL_FILE [PATH]');
    const bytes = await readFile(local).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read ${local}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    const contents = await serverContents(ctx);
    let target = remote ?? basename(local);
    // An existing folder as the target means "into this folder", as cp does.
    if ((await contents.statIfExists(target, ctx.signal))?.type === 'directory') target = joinServerPath(target, basename(local));
    let lastPct = -1;
    const entry = await contents.write(target, bytes, {
      signal: ctx.signal,
      onProgress: ({ done, total }) => {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        if (bytes.byteLength > 4 * 1024 * 1024 && pct !== lastPct) ctx.note(`uploading ${target}: ${pct}%`);
        lastPct = pct;
      },
    });
    ctx.print(`${local} → ${entry.path} (${bytes.byteLength} bytes)`, entryJson(entry));
  },
};

const rm: Command = {
  summary: "Delete a file or folder on the server (into the server's trash when it keeps one)",
  usage: '--url URL [--server NAME] PATH',
  options: SERVER_OPTIONS,
  async run(ctx) {
    const path = ctx.positionals[0];
    if (!path) throw new UsageError('Name what to delete: files rm PATH');
    const contents = await serverContents(ctx);
    await contents.delete(path, ctx.signal);
    ctx.print(`deleted ${path}`, { deleted: path });
  },
};

export const filesCommands: CommandGroup = {
  name: 'files',
  summary: 'List, download, upload and delete files on hub servers',
  commands: { ls, get, put, rm },
};
