// The "apply-settings" step: re-checks the allow-list, then writes through a SettingsWriter, all keys or none.
import { promises as fs } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import { InvalidInputError } from '../core/http/errors';
import { settingRefusal } from './settingsPolicy';
import type { StepRunner } from './applyPreset';

export interface SettingsWriter {
  /** Current values of `keys` (undefined when unset), so a failed write can be undone. */
  read(keys: string[]): Promise<Record<string, unknown>>;
  /** Writes every entry; `undefined` removes a key. */
  write(entries: Record<string, unknown>): Promise<void>;
}

/** State key holding the values settings had before the preset changed them. */
export const PREVIOUS_SETTINGS_KEY = 'previousSettings';

export function settingsStep(writer: SettingsWriter): StepRunner<'apply-settings'> {
  return async (step, ctx) => {
    const keys = Object.keys(step.settings);
    // Defence in depth: the validator refused these already, but the step must never write one.
    const refused = keys.map(settingRefusal).filter((r): r is string => r !== undefined);
    if (refused.length) throw new InvalidInputError(refused.join('; '));
    const previous = await writer.read(keys);
    ctx.state[PREVIOUS_SETTINGS_KEY] = previous;
    ctx.report(`Writing ${keys.length} setting${keys.length === 1 ? '' : 's'}`);
    await writer.write(step.settings);
  };
}

/**
 * Writes settings into a JSON(C) settings file such as `.vscode/settings.json`, keeping its comments and
 * formatting; the new file replaces the old in one rename, so a failure leaves the old file intact.
 */
export class JsonFileSettingsWriter implements SettingsWriter {
  constructor(private readonly file: string) {}

  private async readText(): Promise<string> {
    try {
      return await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '{}\n';
      throw e;
    }
  }

  private parseObject(text: string): Record<string, unknown> {
    const errors: ParseError[] = [];
    const value: unknown = parse(text, errors, { allowTrailingComma: true });
    if (errors.length || typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidInputError(`${this.file} is not a JSON object; settings were not changed.`, 'Fix the file, then retry.');
    }
    return value as Record<string, unknown>;
  }

  async read(keys: string[]): Promise<Record<string, unknown>> {
    const current = this.parseObject(await this.readText());
    return Object.fromEntries(keys.map((k) => [k, Object.prototype.hasOwnProperty.call(current, k) ? current[k] : undefined]));
  }

  async write(entries: Record<string, unknown>): Promise<void> {
    let text = await this.readText();
    this.parseObject(text);
    for (const [key, value] of Object.entries(entries)) {
      // A settings key with dots is one property, not a nested path.
      text = applyEdits(text, modify(text, [key], value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    }
    await fs.mkdir(dirname(this.file), { recursive: true });
    const temp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.tmp`);
    await fs.writeFile(temp, text, 'utf8');
    await fs.rename(temp, this.file);
  }
}
