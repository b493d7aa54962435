// Tiny DOM builders shared by the webviews: elements with attributes and text (never innerHTML), and summary cards.
// Every text a page shows goes through here: bidi controls and invisible characters in a server's names become
// visible ⟨U+…⟩ markers, so "exe.fdp" after U+202E reads as sent, not as "pdf.exe".
import { showInvisible } from '../../src/shared/text/controlCharacters';

/** Attributes a reader sees (tooltips, screen readers): shown like text. */
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder']);

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, SHOWN_ATTRIBUTES.has(k) ? showInvisible(v) : v);
  if (text !== undefined) e.textContent = showInvisible(text);
  return e;
}

/** Sets an element's text (only when it changed: no needless layout). */
export function setText(e: Node, text: string): void {
  const shown = showInvisible(text);
  if (e.textContent !== shown) e.textContent = shown;
}

/** Sets an element's tooltip. */
export function setTitle(e: HTMLElement, text: string): void {
  const shown = showInvisible(text);
  if (e.title !== shown) e.title = shown;
}

/** A text node, for text beside other children. */
export function textNode(text: string): Text {
  return document.createTextNode(showInvisible(text));
}

/** Draws text on a canvas, optionally squeezed into maxWidth. */
export function drawText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth?: number): void {
  if (maxWidth === undefined) ctx.fillText(showInvisible(text), x, y);
  else ctx.fillText(showInvisible(text), x, y, maxWidth);
}

/** Adds a labelled card to `cards` and returns its value element. */
export function card(cards: HTMLElement, label: string, testId: string): HTMLElement {
  const c = cards.appendChild(el('div', { class: 'card' }));
  c.appendChild(el('div', { class: 'label' }, label));
  return c.appendChild(el('div', { class: 'value', 'data-testid': testId }, '–'));
}
