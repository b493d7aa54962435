// What "no link, no icon, no HTML" means, checked the same way by every test of server text in the editor:
// VS Code's own notification link syntax, unescaped codicons, and Markdown rendered by markdown-it with HTML and
// linkify on (stricter than VS Code's untrusted MarkdownString).
import { createRequire } from 'node:module';

type Renderer = { render(src: string): string };
const MarkdownIt = createRequire(__filename)('markdown-it') as new (o: object) => Renderer;
const md = new MarkdownIt({ html: true, linkify: true });

/** VS Code's notification link syntax (src/vs/base/common/linkedText.ts): such text becomes a clickable link. */
export const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
/** `$(name)` not preceded by a backslash: drawn as an icon in quick picks and the status bar. */
export const UNESCAPED_ICON = /(?<!\\)\$\(/;

export const renderMarkdown = (markdown: string): string => md.render(markdown);

/** Tags in rendered Markdown other than the ones our own templates use (links, images, HTML from the server). */
export function foreignTags(html: string): string[] {
  return (html.match(/<\/?[a-z][^>]*>/gi) ?? []).filter((t) => !/^<\/?(p|br|strong|em|code|table|thead|tbody|tr|th|td)( style="[^"]*")?>$/.test(t.replace(/\s*\/>$/, '>')));
}

/** The text rendered HTML shows. */
export const shownText = (html: string): string =>
  html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
