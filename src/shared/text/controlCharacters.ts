// Characters that act instead of showing, declared once: what a terminal obeys (C0, DEL, C1 and the escape
// sequences they start) and what reorders or hides text on screen (bidi controls, invisible format characters).
// Text from a hub, scheduler, gateway or preset host passes through these functions before anyone sees it.

/** An inclusive range of code points. */
type CodePointRange = readonly [first: number, last: number];

export interface ControlCharacterClass {
  readonly name: 'c0' | 'del' | 'c1' | 'bidi' | 'format';
  readonly why: string;
  readonly ranges: readonly CodePointRange[];
}

export const CONTROL_CHARACTER_CLASSES: readonly ControlCharacterClass[] = [
  {
    name: 'c0',
    why: 'C0 controls (ESC, BEL, BS, CR, …) move the cursor, clear the screen or start escape sequences; \\n and \\t stay',
    ranges: [[0x00, 0x08], [0x0b, 0x1f]],
  },
  { name: 'del', why: 'DEL erases in some terminals', ranges: [[0x7f, 0x7f]] },
  { name: 'c1', why: 'C1 controls (CSI U+009B, OSC U+009D, …) are 8-bit escape sequence starts', ranges: [[0x80, 0x9f]] },
  {
    name: 'bidi',
    why: 'bidi controls reorder what is shown: "exe.fdp" after U+202E reads "pdf.exe"',
    ranges: [[0x061c, 0x061c], [0x200e, 0x200f], [0x202a, 0x202e], [0x2066, 0x2069]],
  },
  {
    name: 'format',
    why: 'invisible characters hide text or make two names look the same',
    ranges: [
      [0x00ad, 0x00ad], // soft hyphen
      [0x034f, 0x034f], // combining grapheme joiner
      [0x115f, 0x1160], // Hangul fillers
      [0x180e, 0x180e], // Mongolian vowel separator
      [0x200b, 0x200d], // zero-width space, non-joiner, joiner
      [0x2028, 0x2029], // line and paragraph separators
      [0x2060, 0x2065], // word joiner, invisible operators
      [0x206a, 0x206f], // deprecated format characters
      [0x3164, 0x3164], // Hangul filler
      [0xfeff, 0xfeff], // zero-width no-break space (BOM)
      [0xffa0, 0xffa0], // halfwidth Hangul filler
      [0xfff9, 0xfffb], // interlinear annotation
      [0x1d173, 0x1d17a], // musical format characters
      [0xe0000, 0xe007f], // tag characters: invisible ASCII look-alikes
    ],
  },
];

const hex = (codePoint: number): string => codePoint.toString(16).toUpperCase().padStart(4, '0');
const classPart = (range: CodePointRange): string =>
  range[0] === range[1] ? `\\u{${hex(range[0])}}` : `\\u{${hex(range[0])}}-\\u{${hex(range[1])}}`;

/** One regular expression per set of classes, built from the table above. */
function charactersOf(names: readonly ControlCharacterClass['name'][]): RegExp {
  const ranges = CONTROL_CHARACTER_CLASSES.filter((c) => names.includes(c.name)).flatMap((c) => c.ranges);
  return new RegExp(`[${ranges.map(classPart).join('')}]`, 'gu');
}

const ALL_CLASSES = charactersOf(['c0', 'del', 'c1', 'bidi', 'format']);

/** The class a code point belongs to, if any. */
export function controlCharacterClass(codePoint: number): ControlCharacterClass['name'] | undefined {
  return CONTROL_CHARACTER_CLASSES.find((c) => c.ranges.some(([first, last]) => codePoint >= first && codePoint <= last))?.name;
}

/** `⟨U+202E⟩`: what a hidden character becomes so a reader sees it is there. */
export function visibleMarker(codePoint: number): string {
  return `⟨U+${hex(codePoint)}⟩`;
}

/** True when the text holds any character of the classes above. */
export function hasControlCharacters(text: string): boolean {
  ALL_CLASSES.lastIndex = 0;
  return ALL_CLASSES.test(text);
}

/**
 * Every control, bidi and invisible format character becomes a visible marker; \n and \t stay.
 * The text keeps every other character, so nothing the server said is lost and nothing reorders it.
 */
export function showInvisible(text: string): string {
  return text.replace(ALL_CLASSES, (c) => visibleMarker(c.codePointAt(0)!));
}

// ECMA-48 sequences, whole, with their 7-bit (ESC x) and 8-bit (C1) introducers:
// strings (OSC ] , DCS P, SOS X, PM ^, APC _) run to BEL or ST (ESC \ or U+009C) — e.g. OSC 52 writes the clipboard;
// CSI [ takes parameter bytes 0x30–0x3F, intermediates 0x20–0x2F and one final byte 0x40–0x7E — e.g. ESC [ 2J;
// any other ESC takes intermediates and one final byte 0x30–0x7E — e.g. ESC c resets the terminal.
const ESCAPE_SEQUENCES = new RegExp(
  [
    '(?:\\u001B[\\]PX^_]|[\\u0090\\u0098\\u009D\\u009E\\u009F])[\\s\\S]*?(?:\\u0007|\\u001B\\\\|\\u009C)',
    '(?:\\u001B\\[|\\u009B)[\\u0030-\\u003F]*[\\u0020-\\u002F]*[\\u0040-\\u007E]',
    '\\u001B[\\u0020-\\u002F]*[\\u0030-\\u007E]',
  ].join('|'),
  'gu',
);

/**
 * For text printed to a terminal: escape sequences are removed whole (not just their ESC), CRLF becomes \n,
 * and every other control, bidi or invisible character is shown as a marker, so the terminal obeys nothing.
 */
export function stripTerminalControls(text: string): string {
  return showInvisible(text.replace(/\r\n/g, '\n').replace(ESCAPE_SEQUENCES, ''));
}

/**
 * For JSON text: every control, bidi and invisible character becomes a `\uXXXX` escape (astral ones as a
 * surrogate pair), so the bytes written hold none of them raw while a parser still reads the exact text.
 * Only valid on JSON text: outside strings JSON holds nothing but \n, \t and spaces, which stay.
 */
export function escapeJsonControls(json: string): string {
  return json.replace(ALL_CLASSES, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
