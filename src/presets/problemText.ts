// Preset problems in plain words for people ("line 5, column 12: hub › url: must use https://") instead of JSONPath
// jargon ("$.hub.url 5:12"); `path` stays in the data (CLI --json, tests) for tools.
import type { PresetProblem } from './presetTypes';

/** `$.content.open[0]` → `content › open › item 1`; the root (`$`) has no words (undefined). */
export function placeWords(path: string): string | undefined {
  const parts: string[] = [];
  // The grammar pathText writes: `.name`, `[3]`, `["any key"]`.
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  const body = path.startsWith('$') ? path.slice(1) : path;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(body)) && m.index === at) {
    at = re.lastIndex;
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(`item ${Number(m[2]) + 1}`);
    else parts.push(JSON.parse(m[3]!) as string);
  }
  if (at !== body.length) return body || undefined; // not our grammar: show it as it is rather than guess
  return parts.length ? parts.join(' › ') : undefined;
}

/** "line 5, column 12: hub › url: must use https://" */
export function problemText(p: Pick<PresetProblem, 'path' | 'line' | 'column' | 'message'>): string {
  const place = placeWords(p.path);
  return `line ${p.line}, column ${p.column}: ${place ? `${place}: ` : ''}${p.message}`;
}

/** For terminals and editors that link `file:line:column`: "course.pangeo.json:5:12: hub › url: must use https://" */
export function problemLineFor(file: string, p: Pick<PresetProblem, 'path' | 'line' | 'column' | 'message'>): string {
  const place = placeWords(p.path);
  return `${file}:${p.line}:${p.column}: ${place ? `${place}: ` : ''}${p.message}`;
}
