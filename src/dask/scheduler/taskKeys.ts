// Task keys as Dask names them: the prefix a key belongs to (its task group on Dask's dashboard).

/** Dask's key_split (dask/utils.py): "load-bf54…" → "load", "('sum-aggregate-1a2b', 0)" → "sum-aggregate". */
export function keySplit(key: unknown): string {
  const s: unknown = Array.isArray(key) ? key[0] : key;
  if (typeof s !== 'string' || s === '') return 'Other';
  const words = s.split('-');
  let result = /^\p{L}/u.test(words[0]!) ? words[0]! : words[0]!.split(',')[0]!.replace(/^[_'()"]+|[_'()"]+$/g, '');
  for (const word of words.slice(1)) {
    if (/^\p{L}+$/u.test(word) && !(word.length === 8 && /^[a-f]+/.test(word))) result += `-${word}`;
    else break;
  }
  if (result === '') return 'Other';
  if (result.length === 32 && /^[a-f0-9]{32}/.test(result)) return 'data';
  if (result.startsWith('<')) result = result.replace(/^[<>]+|[<>]+$/g, '').split(/\s+/)[0]!.split('.').pop()!;
  return result;
}
