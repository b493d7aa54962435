// The values of DASK_* variables as dask.config.collect_env reads them: `ast.literal_eval` of the text (numbers,
// True/False/None, quoted strings, lists, tuples and dicts of those), and the text itself when that fails.

/** What `ast.literal_eval(text)` gives for the literals dask's settings use, or `text` unchanged when it is no literal. */
export function pythonLiteral(text: string): unknown {
  try {
    // literal_eval drops leading spaces and tabs (Python ≥ 3.10); trailing whitespace is part of the source.
    const p = new Parser(text.replace(/^[ \t]+/, ''));
    const value = p.value();
    p.end();
    return value;
  } catch (e) {
    if (e instanceof NotALiteral) return text;
    throw e;
  }
}

class NotALiteral extends Error {}

const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*|\d(?:_?\d)*\.(?!\d)|(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?)/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.ws();
    if (this.i !== this.s.length) throw new NotALiteral();
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.sequence(']');
    if (c === '(') {
      // A parenthesised single value is that value; with a comma (or empty) it is a tuple.
      return this.sequence(')', true);
    }
    if (c === '{') return this.dict();
    if (c === '"' || c === "'") return this.string();
    const word = /^(True|False|None)\b/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[1]!.length;
      return word[1] === 'True' ? true : word[1] === 'False' ? false : null;
    }
    const m = NUMBER.exec(this.s.slice(this.i));
    if (m && m[0] && !/^[+-]$/.test(m[0])) {
      this.i += m[0].length;
      if (/^[A-Za-z_]/.test(this.s.slice(this.i))) throw new NotALiteral();
      const t = m[0].replace(/_/g, '');
      const sign = t.startsWith('-') ? -1 : 1;
      const body = t.replace(/^[+-]/, '');
      if (/^0[xXoObB]/.test(body)) return sign * Number(body.toLowerCase());
      // Python refuses leading zeros on a non-zero integer ("010").
      if (/^0\d/.test(body) && !/[.eE]/.test(body) && !/^0+$/.test(body)) throw new NotALiteral();
      return sign * Number(body);
    }
    throw new NotALiteral();
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private sequence(close: string, tuple = false): unknown {
    this.i++;
    const items: unknown[] = [];
    let comma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return tuple && items.length === 1 && !comma ? items[0] : items;
      }
      if (items.length && !comma) throw new NotALiteral();
      items.push(this.value());
      this.ws();
      comma = this.s[this.i] === ',';
      if (comma) this.i++;
      else if (this.s[this.i] !== close) throw new NotALiteral();
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = this.value();
      this.ws();
      if (this.s[this.i] !== ':') throw new NotALiteral();
      this.i++;
      out[String(key)] = this.value();
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new NotALiteral();
    }
  }

  private string(): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const delim = triple ? q.repeat(3) : q;
    this.i += delim.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw new NotALiteral();
      if (this.s.startsWith(delim, this.i)) {
        this.i += delim.length;
        break;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && !triple) throw new NotALiteral();
      if (c === '\\') {
        const n = this.s[this.i + 1];
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
        if (n !== undefined && n in esc) {
          out += esc[n];
          this.i += 2;
          continue;
        }
        out += c;
        this.i++;
        continue;
      }
      out += c;
      this.i++;
    }
    // Adjacent literals are one string in Python ('a' 'b' == 'ab').
    this.ws();
    const next = this.s[this.i];
    return next === '"' || next === "'" ? out + this.string() : out;
  }
}
