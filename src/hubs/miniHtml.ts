// A small forgiving HTML reader for the spawn options form: elements, attributes and text, nothing more.
// Hand-written on purpose: node-html-parser/htmlparser2 pull ~230 KB of entity tables and CSS selector engines into
// the extension bundle (budget 400 KB), while a hub's form needs only tags, attributes and text.

export interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
  parent?: HtmlElement;
}
export type HtmlNode = HtmlElement | string;

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);
/** Opening one of these closes an open element of the same kind (HTML's implied end tags). */
const SELF_CLOSING_SIBLINGS = new Set(['option', 'p', 'li']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—', ndash: '–', copy: '©' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[name.toLowerCase()] ?? m;
  });
}

const TOKEN = /<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\/([a-zA-Z][\w:-]*)\s*>|<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>|[^<]+|</g;
const ATTR = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

export function parseHtml(html: string): HtmlElement {
  const root: HtmlElement = { tag: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(html); m; m = TOKEN.exec(html)) {
    const [token, closeTag, openTag, attrText, selfClose] = m;
    if (token.startsWith('<!')) continue;
    if (closeTag) {
      const tag = closeTag.toLowerCase();
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
      continue;
    }
    if (openTag) {
      const tag = openTag.toLowerCase();
      if (SELF_CLOSING_SIBLINGS.has(tag) && top().tag === tag) stack.pop();
      const el: HtmlElement = { tag, attrs: parseAttrs(attrText ?? ''), children: [], parent: top() };
      top().children.push(el);
      if (RAW_TEXT.has(tag)) {
        const end = html.toLowerCase().indexOf(`</${tag}`, TOKEN.lastIndex);
        const stop = end < 0 ? html.length : end;
        const raw = html.slice(TOKEN.lastIndex, stop);
        if (raw) el.children.push(tag === 'script' || tag === 'style' ? raw : decodeEntities(raw));
        const close = html.indexOf('>', stop);
        TOKEN.lastIndex = end < 0 || close < 0 ? html.length : close + 1;
        continue;
      }
      if (!VOID.has(tag) && !selfClose) stack.push(el);
      continue;
    }
    top().children.push(decodeEntities(token));
  }
  return root;
}

function parseAttrs(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text); m; m = ATTR.exec(text)) {
    const name = m[1]!.toLowerCase();
    if (!(name in attrs)) attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

export function isElement(n: HtmlNode): n is HtmlElement {
  return typeof n !== 'string';
}

/** Every element under `el` (document order) matching `pred`. */
export function findAll(el: HtmlElement, pred: (e: HtmlElement) => boolean): HtmlElement[] {
  const out: HtmlElement[] = [];
  const walk = (node: HtmlElement) => {
    for (const child of node.children) {
      if (!isElement(child)) continue;
      if (pred(child)) out.push(child);
      walk(child);
    }
  };
  walk(el);
  return out;
}

export function findFirst(el: HtmlElement, pred: (e: HtmlElement) => boolean): HtmlElement | undefined {
  return findAll(el, pred)[0];
}

export function textOf(el: HtmlElement): string {
  return el.children.map((c) => (isElement(c) ? (c.tag === 'script' || c.tag === 'style' ? '' : textOf(c)) : c)).join('');
}

export const byTag = (...tags: string[]) => (e: HtmlElement) => tags.includes(e.tag);
