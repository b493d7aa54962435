// The cost panel webview: rate and accrued over time, per-resource table, session/today/month totals, the budget.
import uplotCss from 'uplot/dist/uPlot.min.css';
import themeCss from '../shared/theme.css';
import { Chart, chartLabel } from '../shared/charts';
import { formatUsd } from '../shared/format';
import { connect, injectStyles } from '../shared/hostBridge';
import { isHostMessage, type HostMessage, type CostSnapshot, type WebviewMessage } from '../../src/shared/protocol/panels';
import { el, card as addCard, setText } from '../shared/dom';

injectStyles(uplotCss, themeCss);

const rate = (n: number) => `${formatUsd(n)}/h`;

const app = document.getElementById('app') ?? document.body;
const header = app.appendChild(el('header'));
header.appendChild(el('h1', {}, 'Cost'));
header.appendChild(el('span', { class: 'estimated', 'data-testid': 'as-of' }, 'estimated'));
const budgetBanner = app.appendChild(el('div', { class: 'banner hidden', 'data-testid': 'budget-banner', role: 'status' }));

const cards = app.appendChild(el('div', { class: 'cards' }));
const card = (label: string, testId: string) => addCard(cards, label, testId);
const cardRate = card('Rate now', 'card-rate');
const cardToday = card('Today', 'card-today');
const cardSession = card('This session', 'card-session');
const cardMonth = card('This month', 'card-month');
const cardBudget = card('Budget used', 'card-budget');

const form = app.appendChild(el('div', { class: 'controls' }));
const box = form.appendChild(el('fieldset'));
box.appendChild(el('legend', {}, 'Budget'));
const limitInput = box.appendChild(el('input', { type: 'number', min: '0', step: '1', 'aria-label': 'budget in dollars', 'data-testid': 'budget-limit' }));
const periodSelect = box.appendChild(el('select', { 'aria-label': 'budget period', 'data-testid': 'budget-period' }));
for (const p of ['month', 'day']) periodSelect.appendChild(el('option', { value: p }, `per ${p}`));
const setButton = box.appendChild(el('button', { 'data-testid': 'budget-set' }, 'Set budget'));
const settingsButton = form.appendChild(el('button', { class: 'secondary' }, 'Cost settings'));
const status = form.appendChild(el('span', { class: 'status', role: 'status', 'data-testid': 'request-status' }));

const charts = app.appendChild(el('div', { class: 'charts' }));
const chartTotal = new Chart(charts, { title: 'Total rate and session spend', kind: 'time', yFormat: formatUsd,
  series: [{ label: '$/h', format: rate }, { label: 'session $', format: formatUsd }] }, 'chart-total');
const perResourceBox = charts;
let chartPerResource: Chart | undefined;
let perResourceIds = '';

app.appendChild(el('h2', {}, 'Resources'));
const table = app.appendChild(el('table', { 'data-testid': 'resources-table' }));
table.createTHead().appendChild(el('tr')).append(
  el('th', {}, 'Resource'), el('th', { class: 'num' }, '$/h'), el('th', { class: 'num' }, 'Today'),
  el('th', { class: 'num' }, 'Session'), el('th', {}, 'Priced as'));
const tbody = table.createTBody();
const footnote = app.appendChild(el('p', { class: 'muted', 'data-testid': 'footnote' }));

const bridge = connect<HostMessage, WebviewMessage>({ isHostMessage, ready: { type: 'ready', view: 'cost' } }, onMessage);

function onMessage(m: HostMessage): void {
  if (m.type === 'cost/snapshot') render(m.snapshot);
}

function render(s: CostSnapshot): void {
  const unpriced = s.resources.filter((r) => r.unpriced).length;
  setText(cardRate, unpriced && s.totalUsdPerHour === 0 ? 'unpriced' : `${rate(s.totalUsdPerHour)}${unpriced ? ` + ${unpriced} unpriced` : ''}`);
  setText(cardToday, formatUsd(s.todayUsd));
  setText(cardSession, formatUsd(s.sessionUsd));
  setText(cardMonth, formatUsd(s.monthUsd));
  const b = s.budget;
  setText(cardBudget, b ? `${Math.round(b.fraction * 100)} % of ${formatUsd(b.limitUsd)}` : 'no budget');
  if (b && document.activeElement !== limitInput) {
    limitInput.value = String(b.limitUsd);
    periodSelect.value = b.period;
  }
  const level = !b ? 0 : b.fraction >= 1 ? 100 : b.fraction >= 0.8 ? 80 : b.fraction >= 0.5 ? 50 : 0;
  budgetBanner.classList.toggle('hidden', level === 0);
  budgetBanner.classList.toggle('error', level === 100);
  budgetBanner.dataset.level = String(level);
  if (b && level) setText(budgetBanner, `${level === 100 ? 'Budget reached' : `${level} % of the budget used`}: ${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)} this ${b.period}.`);

  const x = s.history.time.map((t) => t / 1000);
  chartTotal.setData(x, [s.history.totalUsdPerHour, s.history.sessionUsd]);
  const ids = Object.keys(s.history.perResource);
  if (ids.join('\n') !== perResourceIds) {
    // A new set of resources needs new series: rebuild that one chart.
    chartPerResource?.plot.root.parentElement?.remove();
    chartPerResource = ids.length ? new Chart(perResourceBox, { title: 'Rate per resource', kind: 'time', yFormat: formatUsd,
      series: ids.map((id) => ({ label: chartLabel(s.history.perResource[id]!.label), format: rate })) }, 'chart-per-resource') : undefined;
    perResourceIds = ids.join('\n');
  }
  chartPerResource?.setData(x, ids.map((id) => s.history.perResource[id]!.usdPerHour));

  tbody.replaceChildren(...s.resources.map((r) => {
    const tr = el('tr', { 'data-id': r.id });
    const priced = r.rate.lines.map((l) => `${l.count} × ${l.what} @ ${rate(l.unitUsdPerHour)}`).join('; ') || 'not priced';
    tr.append(
      // A long name is cut with an ellipsis (theme.css): the whole of it is one hover away.
      el('td', { class: 'name', title: r.label }, r.label + (r.status === 'unreachable' ? ' (not answering: not charged)' : '')),
      el('td', { class: 'num' }, r.unpriced ? 'unpriced' : rate(r.usdPerHour)), el('td', { class: 'num' }, formatUsd(r.todayUsd)),
      el('td', { class: 'num' }, formatUsd(r.sessionUsd)), el('td', { class: 'name', title: [priced, ...r.rate.warnings].join('\n') }, priced));
    return tr;
  }));
  if (s.resources.length === 0) tbody.appendChild(el('tr')).appendChild(el('td', { colspan: '5', class: 'muted' }, 'Nothing billable is running.'));
  setText(footnote, `Estimated from list prices as of ${s.asOf}. No sample, no charge: time a resource was not observed is not counted.`);
}

setButton.addEventListener('click', () => {
  const limitUsd = Number(limitInput.value || '0');
  if (!Number.isFinite(limitUsd) || limitUsd < 0) {
    setText(status, 'The budget is a dollar amount ≥ 0 (0 removes it).');
    return;
  }
  setButton.disabled = true;
  void bridge.request({ type: 'cost/setBudget', limitUsd, period: periodSelect.value === 'day' ? 'day' : 'month' }).then((o) => {
    setText(status, o.message);
    setButton.disabled = false;
  });
});
settingsButton.addEventListener('click', () => bridge.post({ type: 'cost/openSettings' }));
