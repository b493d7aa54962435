import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusText, tooltipMarkdown, usd } from '../../../src/cost/editor/costStatusBar';
import type { MeterSnapshot } from '../../../src/cost/costMeter';

/** The tooltip as read: values are escaped Markdown (src/shared/text/untrustedText.ts), backslashes dropped. */
const shown = (md: string) => md.replace(/\\(.)/g, '$1');

test('status bar text and tooltip show totals and the per-resource breakdown', () => {
  const rate = { usdPerHour: 1.5, lines: [], asOf: '2024-06-01', source: 's', estimated: true as const, warnings: [] };
  const s: MeterSnapshot = {
    time: 0, totalUsdPerHour: 1.75, todayUsd: 4.5, sessionUsd: 2, monthUsd: 30, asOf: '2024-06-01', estimated: true,
    resources: [
      { id: 'a', kind: 'cluster', label: 'big|cluster', usdPerHour: 1.5, todayUsd: 4, sessionUsd: 2, rate, status: 'live' },
      { id: 'b', kind: 'server', label: 'server', usdPerHour: 0.25, todayUsd: 0.5, sessionUsd: 0, rate, status: 'unreachable' },
    ],
    budget: { limitUsd: 100, spentUsd: 30, fraction: 0.3, period: 'month', periodKey: '2026-01' },
    history: { time: [], totalUsdPerHour: [], sessionUsd: [], perResource: {} },
  };
  assert.equal(statusText(s), '$(pulse) $1.75/h · $4.50 today');
  const raw = tooltipMarkdown(s).markdown;
  assert.match(raw, /big\\\|cluster \| /, 'a | in a name cannot add a column');
  const md = shown(raw);
  assert.match(md, /big\|cluster \| \$1\.50 \| \$4\.00/);
  assert.match(md, /not answering/);
  assert.match(md, /\$30\.00 of \$100 this month \(30 %\)/);
  assert.match(md, /as of 2024-06-01/);
  assert.equal(usd(0.0123), '$0.012');
  assert.equal(usd(250), '$250');
});

test('a server nothing prices reads "unpriced", not $0, in the status bar and the tooltip', () => {
  const rate = { usdPerHour: 0, lines: [], asOf: '2024-06-01', source: 's', estimated: true as const, warnings: [], unpriced: true };
  const priced = { ...rate, usdPerHour: 0.5, unpriced: undefined };
  const base = { time: 0, todayUsd: 0, sessionUsd: 0, monthUsd: 0, asOf: '2024-06-01', estimated: true as const, history: { time: [], totalUsdPerHour: [], sessionUsd: [], perResource: {} } };
  const server = { id: 's', kind: 'server' as const, label: 'default @ hub', usdPerHour: 0, todayUsd: 0, sessionUsd: 0, rate, status: 'live' as const, unpriced: true };
  const only: MeterSnapshot = { ...base, totalUsdPerHour: 0, resources: [server] };
  assert.equal(statusText(only), '$(pulse) unpriced · $0.000 today');
  assert.match(shown(tooltipMarkdown(only).markdown), /default @ hub \| unpriced \|/);
  assert.match(shown(tooltipMarkdown(only).markdown), /pangeo\.cost\.hubProfilePrices/);
  const mixed: MeterSnapshot = { ...base, totalUsdPerHour: 0.5, resources: [server, { id: 'c', kind: 'cluster', label: 'c', usdPerHour: 0.5, todayUsd: 0, sessionUsd: 0, rate: priced, status: 'live' }] };
  assert.equal(statusText(mixed), '$(pulse) $0.500/h + 1 unpriced · $0.000 today');
});
