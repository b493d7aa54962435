// The preset review page: shows what a preset will do and where it came from, and asks for consent.
// It never runs anything itself: it only posts the user's decision to the extension host.
import themeCss from '../shared/theme.css';
import reviewCss from './review.css';
import { isReviewHostMessage, type ReviewHostMessage, type ReviewModel, type ReviewWebviewMessage, type StepStatus } from '../../src/shared/protocol/presetReview';
import { el, setText } from '../shared/dom';
import { connect, injectStyles } from '../shared/hostBridge';

injectStyles(themeCss, reviewCss);

// el() sets textContent only: preset text is never parsed as HTML.

const app = document.getElementById('app') ?? document.body;
const STATUS_TEXT: Record<StepStatus, string> = { pending: '', running: '… running', done: '✓ done', failed: '✗ failed' };
let stepItems: HTMLLIElement[] = [];
let footer: HTMLElement | undefined;

function render(r: ReviewModel): void {
  app.replaceChildren();
  app.appendChild(el('h1', { 'data-testid': 'preset-name', title: r.name }, `Apply the preset “${r.name}”?`));
  const meta = app.appendChild(el('div', { class: 'meta' }));
  const source = meta.appendChild(el('div', {}, r.sourceKind === 'file' ? 'From the file ' : 'From '));
  source.appendChild(el('span', { class: 'source', 'data-testid': 'preset-source' }, r.source));
  if (r.instructor) meta.appendChild(el('div', {}, `Prepared by ${r.instructor}`));
  if (r.description) meta.appendChild(el('div', {}, r.description));
  if (r.expires) meta.appendChild(el('div', {}, `Valid until ${r.expires}`));

  if (r.warnings?.length) {
    const box = app.appendChild(el('div', { class: 'banner', role: 'note', 'data-testid': 'preset-warnings' }));
    box.appendChild(el('strong', {}, 'Before you apply:'));
    const list = box.appendChild(el('ul', {}));
    for (const w of r.warnings) list.appendChild(el('li', {}, w));
  }
  app.appendChild(el('h2', {}, r.steps.length ? 'Applying it will, in this order:' : 'Applying it changes nothing.'));
  const list = app.appendChild(el('ol', { class: 'steps', 'data-testid': 'preset-steps' }));
  stepItems = r.steps.map((s) => {
    const li = list.appendChild(el('li', { 'data-step': s.id }));
    li.appendChild(el('span', { class: 'title' }, s.title));
    li.appendChild(el('span', { class: 'status' }));
    const details = li.appendChild(el('ul', { class: 'details' }));
    for (const d of s.details) details.appendChild(el('li', {}, d));
    return li;
  });
  app.appendChild(el('p', { class: 'note' }, 'A preset can only do the steps listed here: it cannot run commands. Nothing happens until you choose Apply.'));

  footer = app.appendChild(el('div', { class: 'consent' }));
  if (r.blockedReason) {
    app.insertBefore(el('div', { class: 'banner error', role: 'alert', 'data-testid': 'blocked' }, r.blockedReason), footer);
    footer.appendChild(button('Close', 'secondary', () => post({ type: 'review/decision', decision: 'cancel' })));
    return;
  }
  footer.appendChild(button('Apply', '', () => {
    disableButtons();
    post({ type: 'review/decision', decision: 'apply' });
  }, 'apply'));
  footer.appendChild(button('Cancel', 'secondary', () => {
    disableButtons();
    post({ type: 'review/decision', decision: 'cancel' });
  }, 'cancel'));
}

function button(label: string, cls: string, onClick: () => void, testId?: string): HTMLButtonElement {
  const b = el('button', { class: cls, ...(testId ? { 'data-testid': testId } : {}) }, label);
  b.addEventListener('click', onClick);
  return b;
}

function disableButtons(): void {
  footer?.querySelectorAll('button').forEach((b) => { b.disabled = true; });
}

function onMessage(m: ReviewHostMessage): void {
  switch (m.type) {
    case 'review/show':
      render(m.review);
      return;
    case 'review/step': {
      const li = stepItems[m.index];
      if (!li) return;
      li.className = m.status;
      const status = li.querySelector('.status');
      if (status) setText(status, m.message && m.status === 'failed' ? `${STATUS_TEXT[m.status]}: ${m.message}` : STATUS_TEXT[m.status]);
      return;
    }
    case 'review/finished': {
      if (!footer) return;
      footer.replaceChildren(el('span', { role: 'status', 'data-testid': 'outcome' }, m.message));
      if (m.canRetry) footer.appendChild(button('Retry', '', () => { disableButtons(); post({ type: 'review/retry' }); }, 'retry'));
      return;
    }
  }
}

// Last: the page says it is ready only once everything above can show what the host sends.
const bridge = connect<ReviewHostMessage, ReviewWebviewMessage>({ isHostMessage: isReviewHostMessage, ready: { type: 'ready' } }, onMessage);
function post(m: ReviewWebviewMessage): void {
  bridge.post(m);
}
