// The one way text from a hub, scheduler, gateway, Coiled or a preset host reaches the editor's UI: as plain text that
// no surface turns into a link, a command, an icon, HTML or reordered characters. Each surface of the editor renders
// something different, so there is one function per kind of surface:
//   plainLabel        tree items (label, description), tab titles, input box titles: shown as is, one line
//   plainText         string tooltips: shown as is, lines kept
//   iconLabel         quick pick label/description/detail, status bar text: these draw `$(name)` as an icon
//   notificationText  notifications and notification progress: these draw `[x](command:…)` as a link
//   inputPrompt       an input box's prompt: draws `$(name)` as an icon and `[x](command:…)` as a link
//   markdown`…`       MarkdownString tooltips: our own Markdown in the template, server text interpolated as text
// All of them show bidi controls, invisible format characters and control characters as ⟨U+202E⟩ markers and cap the
// length; the whole text stays one click away (src/editor/untrustedMarkdown.ts: "Show Full Text").
import { showInvisible } from './controlCharacters';

/** Row labels, tab titles, quick pick items: longer is cut with "…". */
export const LABEL_MAX = 200;
/** A notification's message. */
export const MESSAGE_MAX = 500;
/** One interpolated value in a Markdown tooltip. */
export const MARKDOWN_VALUE_MAX = 1000;

const ELLIPSIS = '…';

/** `max` code points at most (never half a surrogate pair); the cut text ends with "…". */
export function capLength(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const points = Array.from(text);
  if (points.length <= max) return { text, truncated: false };
  return { text: points.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS, truncated: true };
}

/** Hidden characters as markers; line breaks and tabs as single spaces (every one-line surface). */
function oneLine(text: string): string {
  return showInvisible(text).replace(/\r\n|[\r\n\t]/g, ' ');
}

/** Text for a surface that shows characters as they are: tree item label/description/string tooltip, tab title. */
export function plainLabel(text: string, max = LABEL_MAX): string {
  return capLength(oneLine(text), max).text;
}

/** A plain tooltip's longest text. */
export const TOOLTIP_MAX = 2000;

/** Like plainLabel, with its line breaks kept: for string tooltips, which show lines as they are. */
export function plainText(text: string, max = TOOLTIP_MAX): string {
  return capLength(showInvisible(text.replace(/\r\n?/g, '\n')), max).text;
}

/**
 * Text for a surface that draws `$(name)` as a codicon (quick pick items, status bar): `\$(name)` is drawn as the
 * literal `$(name)` there.
 */
export function iconLabel(text: string, max = LABEL_MAX): string {
  return escapeIcons(plainLabel(text, max));
}

/** `$(name)` → `\$(name)`, VS Code's own escape for label surfaces that render icons. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

/** An input box's prompt (e.g. a kernel's input() prompt): one line, no icon, no link. */
export function inputPrompt(text: string, max = LABEL_MAX): string {
  return escapeIcons(capLength(inertLinks(oneLine(text)), max).text);
}

/** A message that may be cut: `full` is the whole text (markers shown, lines kept) for "Show Full Text". */
export interface ShownText {
  readonly text: string;
  readonly truncated: boolean;
  readonly full: string;
}

/**
 * Text for a notification or a notification's progress message. Notifications turn `[label](https:…|command:…|file:…)`
 * into a link (clicking a `command:` one runs the command with its arguments): a space between `]` and `(` keeps the
 * characters and breaks the link. Codicons are not drawn in notifications, so `$(` stays as it is.
 */
export function notificationText(text: string, max = MESSAGE_MAX): ShownText {
  const full = inertLinks(showInvisible(text));
  const cut = capLength(inertLinks(oneLine(text)), max);
  return { text: cut.text, truncated: cut.truncated, full };
}

/** `[a](b)` → `[a] (b)`: the link syntax of notifications needs `](` with nothing between. */
export function inertLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}

// ---- Markdown ---------------------------------------------------------------------------------------------------

declare const SAFE_MARKDOWN: unique symbol;

/** Markdown whose every part is either ours (a template literal) or server text escaped to show as text. */
export interface SafeMarkdown {
  readonly markdown: string;
  readonly [SAFE_MARKDOWN]: true;
}

const safe = (markdown: string) => ({ markdown }) as SafeMarkdown;

/**
 * Every ASCII punctuation character backslash-escaped (CommonMark and marked show it literally): no emphasis, link,
 * image, autolink (`https\://`, `www\.`), HTML tag, entity, heading, list, table or code span can start. Line breaks
 * become hard breaks (blank lines and indents dropped: no new paragraph, no code block). Markers for hidden characters
 * first; the value is cut at `max`.
 */
export function escapeMarkdown(text: string, max = MARKDOWN_VALUE_MAX): string {
  return capLength(showInvisible(text), max).text.replace(/[!-/:-@[-`{-~]/g, '\\$&').replace(/\s*[\r\n]\s*/g, '  \n');
}

/** Server text as a code span: a fence longer than any backtick run inside, so the text cannot close it. */
export function code(text: string, max = MARKDOWN_VALUE_MAX): SafeMarkdown {
  const shown = capLength(oneLine(text), max).text;
  const longestRun = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return safe(`${fence} ${shown} ${fence}`);
}

/** A value interpolated into `markdown`…``: server text (escaped), a number, safe Markdown, or nothing. */
export type MarkdownValue = string | number | SafeMarkdown | undefined | null | false;

/**
 * The template's literal parts are our own Markdown (trusted); each interpolated string is escaped and shown as text:
 * markdown`**${cluster.name}** — ${status}`.
 */
export function markdown(strings: TemplateStringsArray, ...values: readonly MarkdownValue[]): SafeMarkdown {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += markdownOf(value) + (strings[i + 1] ?? '');
  });
  return safe(out);
}

function markdownOf(value: MarkdownValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'number') return escapeMarkdown(String(value));
  if (typeof value === 'string') return escapeMarkdown(value);
  return value.markdown;
}

/** Safe parts joined with our own separator (e.g. '\n\n' between paragraphs); empty parts dropped. */
export function joinMarkdown(parts: readonly MarkdownValue[], separator: string): SafeMarkdown {
  return safe(parts.map(markdownOf).filter(Boolean).join(separator));
}

/** A code block's longest text (a docstring in a hover). */
export const CODE_BLOCK_MAX = 8000;

/**
 * Server text as a fenced code block, lines kept: no Markdown, link or HTML inside is interpreted, and the fence is
 * longer than any backtick run in the text, so the text cannot close it. `language` (ours) picks the highlighting.
 */
export function codeBlock(text: string, language: 'python' | 'text' = 'text', max = CODE_BLOCK_MAX): SafeMarkdown {
  const shown = capLength(showInvisible(text.replace(/\r\n?/g, '\n')), max).text;
  const longestRun = Math.max(2, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return safe(`${fence}${language}\n${shown}\n${fence}`);
}
