// Names places in a preset (JSON path text like `$.hub.url`) and finds their offsets in the parsed syntax tree.
import type { Node as JsonNode } from 'jsonc-parser';

export type Segment = string | number;

/** `$.hub.userOptions["image--unlisted-choice"]` style path text for segments. */
export function pathText(segments: readonly Segment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Segments of a JSON Pointer as ajv reports it (`/hub/url`, `/content/open/0`); numbers stay strings. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export interface Located {
  segments: Segment[];
  offset: number;
  length: number;
}

/**
 * Walks the tree along pointer segments (array indices typed by the node kind); stops at the deepest node found.
 * `at: 'key'` locates the property's key instead of its value (for unknown or duplicate keys).
 */
export function locate(root: JsonNode | undefined, segments: readonly string[], at: 'value' | 'key' = 'value'): Located {
  const found: Segment[] = [];
  let node = root;
  let keyNode: JsonNode | undefined;
  for (const seg of segments) {
    if (!node) break;
    if (node.type === 'object') {
      const prop = node.children?.find((p) => p.children?.[0]?.value === seg);
      if (!prop) break;
      keyNode = prop.children?.[0];
      node = prop.children?.[1];
      found.push(seg);
    } else if (node.type === 'array') {
      const i = Number(seg);
      const item = Number.isInteger(i) ? node.children?.[i] : undefined;
      if (!item) break;
      keyNode = undefined;
      node = item;
      found.push(i);
    } else {
      break;
    }
  }
  const complete = found.length === segments.length;
  const target = complete && at === 'key' && keyNode ? keyNode : node;
  // Unfound remaining segments still belong to the reported path.
  const all: Segment[] = [...found, ...segments.slice(found.length)];
  return { segments: all, offset: target?.offset ?? 0, length: target?.length ?? 0 };
}
