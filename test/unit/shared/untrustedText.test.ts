// Every hostile sample through every function of untrustedText: no link, no icon, no HTML, no hidden character, length
// capped, and the words themselves still shown. Markdown is checked by rendering it (markdown-it with HTML and
// linkify on, stricter than VS Code's untrusted MarkdownString) and looking at the HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTILE_SAMPLES, TEN_THOUSAND, UNSAFE_CHARACTER, COMMAND_LINK } from '../../fixtures/hostileText';
import { foreignTags, NOTIFICATION_LINK, renderMarkdown, shownText as decode, UNESCAPED_ICON } from '../../support/untrustedChecks';
import {
  capLength, code, codeBlock, CODE_BLOCK_MAX, iconLabel, inputPrompt, joinMarkdown, LABEL_MAX, markdown, MARKDOWN_VALUE_MAX, MESSAGE_MAX, notificationText, plainLabel, plainText,
} from '../../../src/shared/text/untrustedText';

const md = { render: renderMarkdown };
const length = (s: string) => Array.from(s).length;

for (const { name, text } of HOSTILE_SAMPLES) {
  test(`plain labels: ${name}`, () => {
    for (const shown of [plainLabel(text), iconLabel(text)]) {
      assert.doesNotMatch(shown, UNSAFE_CHARACTER);
      assert.doesNotMatch(shown, /[\r\n]/, 'one line');
      assert.ok(length(shown) <= LABEL_MAX, `${length(shown)} characters`);
    }
    assert.doesNotMatch(iconLabel(text), UNESCAPED_ICON, 'no $(icon) left for a quick pick to draw');
    const tooltip = plainText(text);
    assert.doesNotMatch(tooltip, UNSAFE_CHARACTER);
  });

  test(`notifications: ${name}`, () => {
    const shown = notificationText(text);
    assert.doesNotMatch(shown.text, NOTIFICATION_LINK, 'no link in the message');
    assert.doesNotMatch(shown.full, NOTIFICATION_LINK, 'no link in the full text either');
    assert.doesNotMatch(shown.text, UNSAFE_CHARACTER);
    assert.doesNotMatch(shown.full, UNSAFE_CHARACTER);
    assert.ok(length(shown.text) <= MESSAGE_MAX);
    assert.equal(shown.truncated, length(shown.text) < length(shown.full.replace(/\n/g, ' ')));
  });

  test(`markdown: ${name}`, () => {
    const rendered = md.render(markdown`**Cluster ${text}** — ${text}`.markdown);
    assert.deepEqual(foreignTags(rendered), [], rendered.slice(0, 300));
    assert.doesNotMatch(rendered, UNSAFE_CHARACTER);
    assert.match(rendered, /^<p><strong>Cluster /, 'our own Markdown still renders');
    const inCode = md.render(markdown`Options: ${code(text)}`.markdown);
    assert.deepEqual(foreignTags(inCode), [], inCode.slice(0, 300));
    assert.equal((inCode.match(/<code>/g) ?? []).length, 1, 'one code span: the text cannot close it');
  });

  test(`code blocks (kernel docstrings in hovers): ${name}`, () => {
    const rendered = md.render(joinMarkdown([codeBlock(text, 'python'), codeBlock(`${text}\n\`\`\`\nafter`)], '\n\n').markdown);
    assert.deepEqual(foreignTags(rendered).filter((t) => !/^<\/?(pre|code)[ >]/.test(t)), [], rendered.slice(0, 300));
    assert.doesNotMatch(rendered, UNSAFE_CHARACTER);
    assert.equal((rendered.match(/<pre><code/g) ?? []).length, 2, 'two blocks: the text cannot close its fence');
    assert.match(rendered, /^<pre><code class="language-python">/);
    assert.doesNotMatch(rendered.replace(/<\/?(pre|code)[^>]*>/g, ''), /<[a-z]/i, 'nothing but the blocks');
  });
}

test('a code block keeps the lines and the characters (shown as text), capped', () => {
  const doc = 'Greets NAME.\n\n    See https://example.com [x](command:evil) <b>bold</b>\n``` not a fence\n~~~';
  const rendered = md.render(codeBlock(doc).markdown);
  assert.equal(decode(rendered.replace(/^<pre><code[^>]*>|<\/code><\/pre>\n$/g, '')), `${doc}\n`);
  assert.ok(Array.from(codeBlock('x'.repeat(CODE_BLOCK_MAX * 2)).markdown).length < CODE_BLOCK_MAX + 20);
});

test('the words are kept: markers for hidden characters, escapes that render as the original characters', () => {
  assert.equal(plainLabel('invoice\u202Efdp.exe'), 'invoice⟨U+202E⟩fdp.exe');
  assert.equal(iconLabel('$(warning) Official'), '\\$(warning) Official');
  // A kernel's input() prompt: the input box draws icons and follows links (command: ones too).
  assert.equal(inputPrompt(`$(key) Password ${COMMAND_LINK}\n> `), '\\$(key) Password [Official fix] (command:workbench.action.openSettings) > ');
  assert.equal(notificationText(`Spawn failed. ${COMMAND_LINK}`).text, 'Spawn failed. [Official fix] (command:workbench.action.openSettings)');
  const link = '[Your hub](https://evil.example "Official") <img src=x onerror="alert(1)"> a`b';
  assert.equal(decode(md.render(markdown`${link}`.markdown)).trim(), link);
  assert.equal(decode(md.render(markdown`${code('a` [x](command:y) `b')}`.markdown)).trim(), 'a` [x](command:y) `b');
  assert.equal(md.render(markdown`${'line one\n\n    line two'}`.markdown), '<p>line one<br>\nline two</p>\n', 'a hard break: no new paragraph, no code block');
});

test('lengths are capped with an ellipsis and the full text is kept for "Show Full Text"', () => {
  assert.equal(length(plainLabel(TEN_THOUSAND)), LABEL_MAX);
  assert.ok(plainLabel(TEN_THOUSAND).endsWith('…'));
  const shown = notificationText(TEN_THOUSAND);
  assert.equal(shown.truncated, true);
  assert.equal(shown.full, TEN_THOUSAND);
  assert.ok(markdown`${TEN_THOUSAND}`.markdown.length <= MARKDOWN_VALUE_MAX);
  assert.deepEqual(capLength('😀'.repeat(5), 3), { text: '😀😀…', truncated: true }, 'never half a surrogate pair');
  assert.deepEqual(capLength('short', 10), { text: 'short', truncated: false });
});

test('joinMarkdown drops empty parts and keeps our separators', () => {
  assert.equal(joinMarkdown([markdown`**a**`, '', undefined, false, 'b_c'], '\n\n').markdown, '**a**\n\nb\\_c');
});
