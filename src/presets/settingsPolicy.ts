// Which editor settings a preset may change: harmless display, notebook and pangeo.* keys only.
// schemas/preset.schema.json carries the same rule as a regex for squiggles; a unit test keeps them in step.

/** Whole-key prefixes a preset may set (the part after the prefix is free). */
const ALLOWED_PREFIXES = ['editor.', 'notebook.', 'diffEditor.', 'pangeo.'];

/** Exact keys a preset may set outside those prefixes. */
const ALLOWED_KEYS = new Set([
  'workbench.colorTheme',
  'workbench.iconTheme',
  'workbench.productIconTheme',
  'workbench.colorCustomizations',
  'window.zoomLevel',
  'files.autoSave',
  'files.autoSaveDelay',
  'files.trimTrailingWhitespace',
  'files.insertFinalNewline',
  'files.exclude',
]);

/** Words that make a key dangerous wherever they appear: they name something that runs or points at the file system. */
const FORBIDDEN_WORDS: Array<[word: string, what: string]> = [
  ['exec', 'an executable'],
  ['shell', 'a shell'],
  ['terminal', 'a terminal'],
  ['task', 'a task'],
  ['path', 'a path'],
  ['command', 'a command'],
  ['cmd', 'a command'],
  ['handler', 'a handler'],
  ['interpreter', 'an interpreter'],
  ['launch', 'a launch configuration'],
  ['program', 'a program'],
  ['script', 'a script'],
  ['binary', 'a binary'],
  ['env', 'environment variables'],
  ['arg', 'program arguments'],
  ['debug', 'a debugger'],
  ['codeactions', 'code actions run on save'],
  ['uri', 'a URI handler'],
  // Where the extension sends tokens and signed requests: a preset must not redirect them.
  ['url', 'an address credentials are sent to'],
  ['endpoint', 'an address credentials are sent to'],
  ['proxy', 'a proxy'],
  ['token', 'a credential'],
  ['secret', 'a credential'],
  ['credential', 'a credential'],
  ['password', 'a credential'],
  ['auth', 'authentication'],
  ['cert', 'certificates'],
];

/** Short words match only at the start of a word ("uriHandler", "env.file"), so "security" is not "uri". */
const SHORT_WORD = 4;

/** Lower-case words of a key: split at dots, dashes, underscores and camelCase humps. */
function words(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s._-]+/).filter(Boolean);
}

/** Why `key` may not be set by a preset, or undefined when it may. */
export function settingRefusal(key: string): string | undefined {
  const lower = key.toLowerCase();
  const keyWords = words(key);
  const word = FORBIDDEN_WORDS.find(([w]) => (w.length < SHORT_WORD ? keyWords.some((k) => k.startsWith(w)) : lower.includes(w)));
  if (word) return `setting "${key}" is refused: it names ${word[1]}`;
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(key)) return `setting "${key}" is refused: not a setting name`;
  if (ALLOWED_KEYS.has(key)) return undefined;
  if (ALLOWED_PREFIXES.some((p) => key.startsWith(p) && key.length > p.length)) return undefined;
  return `setting "${key}" is refused: presets may only change display (editor.*, workbench themes, window.zoomLevel, files.autoSave…), notebook.* and pangeo.* settings`;
}

export function isAllowedSetting(key: string): boolean {
  return settingRefusal(key) === undefined;
}
