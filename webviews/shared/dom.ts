// Tiny DOM builders shared by the webviews: elements with attributes and text (never innerHTML), and summary cards.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Adds a labelled card to `cards` and returns its value element. */
export function card(cards: HTMLElement, label: string, testId: string): HTMLElement {
  const c = cards.appendChild(el('div', { class: 'card' }));
  c.appendChild(el('div', { class: 'label' }, label));
  return c.appendChild(el('div', { class: 'value', 'data-testid': testId }, '–'));
}
