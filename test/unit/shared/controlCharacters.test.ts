import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  controlCharacterClass,
  escapeJsonControls,
  hasControlCharacters,
  showInvisible,
  stripTerminalControls,
} from '../../../src/shared/text/controlCharacters';

const ESC = '\u001b';
const BEL = '\u0007';

/** Any raw character a terminal would obey or that reorders/hides text (\n and \t allowed). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

test('classes: C0 except \\n and \\t, DEL, C1, bidi, format', () => {
  assert.equal(controlCharacterClass(0x1b), 'c0');
  assert.equal(controlCharacterClass(0x0d), 'c0');
  assert.equal(controlCharacterClass(0x0a), undefined);
  assert.equal(controlCharacterClass(0x09), undefined);
  assert.equal(controlCharacterClass(0x7f), 'del');
  assert.equal(controlCharacterClass(0x9b), 'c1');
  assert.equal(controlCharacterClass(0x202e), 'bidi');
  assert.equal(controlCharacterClass(0x2067), 'bidi');
  assert.equal(controlCharacterClass(0x061c), 'bidi');
  assert.equal(controlCharacterClass(0x200b), 'format');
  assert.equal(controlCharacterClass(0xfeff), 'format');
  assert.equal(controlCharacterClass(0xe0041), 'format');
  assert.equal(controlCharacterClass(0x41), undefined);
  assert.equal(controlCharacterClass(0xe9), undefined);
});

test('showInvisible marks bidi and format characters, keeps the rest', () => {
  assert.equal(showInvisible('report\u202Efdp.exe'), 'report⟨U+202E⟩fdp.exe');
  assert.equal(showInvisible('a\u200Bb\u2066c\u2069'), 'a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩');
  assert.equal(showInvisible('tag\u{E0041}'), 'tag⟨U+E0041⟩');
  assert.equal(showInvisible('line 1\nline 2\tcol — ünïcödé 日本'), 'line 1\nline 2\tcol — ünïcödé 日本');
  assert.equal(hasControlCharacters('plain'), false);
  assert.equal(hasControlCharacters('a\u202Eb'), true);
  assert.equal(hasControlCharacters('a\u202Eb'), true); // a global regex must not remember its last match
});

test('stripTerminalControls removes whole escape sequences, not just ESC', () => {
  assert.equal(stripTerminalControls(`copy${ESC}]52;c;ZWNobyBwd25lZA==${BEL}done`), 'copydone');
  assert.equal(stripTerminalControls(`copy${ESC}]52;c;ZWNobyBwd25lZA==${ESC}\\done`), 'copydone');
  assert.equal(stripTerminalControls(`a${ESC}[2Jb${ESC}[1;31mred${ESC}[0m`), 'abred');
  assert.equal(stripTerminalControls(`a${ESC}[?1049hb`), 'ab');
  assert.equal(stripTerminalControls(`a${ESC}cb${ESC}(Bc`), 'abc');
  assert.equal(stripTerminalControls('a\u009B2Jb\u009D0;title\u009Cc'), 'abc');
  assert.equal(stripTerminalControls(`title${ESC}P+q\u0007x`), 'titlex');
});

test('stripTerminalControls shows every other control visibly', () => {
  assert.equal(stripTerminalControls(`bell${BEL}`), 'bell⟨U+0007⟩');
  assert.equal(stripTerminalControls('over\rwrite'), 'over⟨U+000D⟩write');
  assert.equal(stripTerminalControls('back\bspace\u007f'), 'back⟨U+0008⟩space⟨U+007F⟩');
  assert.equal(stripTerminalControls(`lone ${ESC}`), 'lone ⟨U+001B⟩');
  // An OSC without terminator: its introducer is removed as a 2-byte escape, the (now harmless) text stays.
  assert.equal(stripTerminalControls(`x${ESC}]52;c;abc`), 'x52;c;abc');
  assert.equal(stripTerminalControls('exe.\u202Efdp'), 'exe.⟨U+202E⟩fdp');
  assert.equal(stripTerminalControls('one\r\ntwo\n\tthree'), 'one\ntwo\n\tthree');
  for (let c = 0; c < 0x100; c++) {
    const out = stripTerminalControls(`x${String.fromCharCode(c)}y${ESC}`);
    assert.doesNotMatch(out, RAW_CONTROL, `U+${c.toString(16)}`);
  }
});

test('escapeJsonControls keeps JSON valid and the text exact, with no raw control bytes', () => {
  const value = { message: `a${ESC}]52;c;x${BEL}\u0085\u009B2J\u202Eexe\u200B\u{E0041}\u2028 é\n` };
  const json = escapeJsonControls(JSON.stringify(value, null, 2));
  assert.doesNotMatch(json, RAW_CONTROL);
  assert.doesNotMatch(json, /[\u2028\u{E0041}]/u);
  assert.deepEqual(JSON.parse(json), value);
  assert.match(json, /\\u202e/);
  assert.match(json, /\\udb40\\udc41/);
});
