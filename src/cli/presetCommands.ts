// `pangeo-compute preset ...`: validate a preset file, print its one-click link, show what applying it would do.
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../core/http/errors';
import { describePresetPlan, planText } from '../presets/presetPlan';
import { codeServerPresetLink, presetLink } from '../presets/presetLink';
import { validatePreset } from '../presets/validatePreset';
import { problemLineFor } from '../presets/problemText';
import type { Preset, PresetValidation } from '../presets/presetTypes';
import { EXIT, optionalString, UsageError, type CommandContext, type CommandGroup } from './command';

async function readPresetInput(ctx: CommandContext): Promise<{ name: string; bytes: Uint8Array }> {
  const file = ctx.positionals[0];
  if (!file) throw new UsageError('give the preset FILE (or - for standard input)');
  if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument "${ctx.positionals[1]}"`);
  if (file === '-') return { name: '<stdin>', bytes: Buffer.from(await ctx.io.readStdin(), 'utf8') };
  try {
    return { name: file, bytes: await readFile(file) };
  } catch (e) {
    throw new InvalidInputError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

function printProblems(ctx: CommandContext, name: string, validation: PresetValidation): void {
  const lines = validation.problems.map((p) => problemLineFor(name, p));
  ctx.print(`${name}: ${validation.problems.length} problem${validation.problems.length === 1 ? '' : 's'}\n${lines.join('\n')}`, {
    ok: false, file: name, problems: validation.problems.map(({ path, line, column, message, code }) => ({ path, line, column, message, code })),
  });
}

/** Reads and validates the FILE argument; prints the problems and gives undefined when it is invalid. */
async function readValidPreset(ctx: CommandContext): Promise<{ name: string; preset: Preset } | undefined> {
  const { name, bytes } = await readPresetInput(ctx);
  const validation = validatePreset(bytes);
  if (validation.ok) return { name, preset: validation.preset };
  printProblems(ctx, name, validation);
  return undefined;
}

export const presetCommands: CommandGroup = {
  name: 'preset',
  summary: 'Workspace presets: validate, link, show',
  commands: {
    validate: {
      summary: 'Check a preset file; exit 0 when valid, 1 when not (one "file:line:column: where: message" line per problem)',
      usage: 'FILE',
      async run(ctx) {
        const valid = await readValidPreset(ctx);
        if (!valid) return EXIT.failure;
        const { name, preset } = valid;
        ctx.print(`${name}: valid preset "${preset.name}"`, { ok: true, file: name, problems: [] });
        return EXIT.ok;
      },
    },
    link: {
      summary: 'Print the one-click links: for desktop VS Code (vscode://), and with --code-server for code-server in the browser (https://); the preset inlined, or --url where it is hosted (https)',
      usage: 'FILE [--url https://...] [--scheme vscode|vscode-insiders] [--code-server https://HUB/hub/user-redirect/vscode/]',
      options: { url: { type: 'string' }, scheme: { type: 'string' }, 'code-server': { type: 'string' } },
      async run(ctx) {
        const valid = await readValidPreset(ctx);
        if (!valid) return EXIT.failure;
        const { preset } = valid;
        const scheme = optionalString(ctx, 'scheme');
        if (scheme && !/^[a-z][a-z0-9+.-]*$/.test(scheme)) throw new UsageError('--scheme must be a URI scheme like vscode');
        const url = optionalString(ctx, 'url');
        const codeServer = optionalString(ctx, 'code-server');
        const link = presetLink(url ?? preset, { scheme });
        if (!codeServer) {
          ctx.print(link, { link, kind: url ? 'url' : 'inline' });
          ctx.note('That link opens in desktop VS Code. For code-server in the browser add --code-server <its https address> (on a JupyterHub: https://HUB/hub/user-redirect/<code-server path>/).');
          return EXIT.ok;
        }
        const codeServerLink = codeServerPresetLink(url ?? preset, codeServer);
        ctx.print(`desktop VS Code:       ${link}\ncode-server (browser): ${codeServerLink}`, { link, codeServerLink, kind: url ? 'url' : 'inline' });
        return EXIT.ok;
      },
    },
    show: {
      summary: 'Print, step by step, what applying the preset would do',
      usage: 'FILE',
      async run(ctx) {
        const valid = await readValidPreset(ctx);
        if (!valid) return EXIT.failure;
        const { name, preset } = valid;
        const plan = describePresetPlan(preset);
        ctx.print(planText(plan, name), { ok: true, file: name, plan });
        return EXIT.ok;
      },
    },
  },
};
