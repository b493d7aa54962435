// Human formats shared by the webviews: bytes, dollars, percentages, ages.

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatUsd(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n < 10 ? `$${n.toFixed(2)}` : `$${n.toFixed(0)}`;
}

export function formatAgo(thenMs: number, nowMs: number): string {
  if (!thenMs) return '–';
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function formatPercent(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(0)} %` : '–';
}
