// The CPU-per-worker chart's bars: one per worker while they fit, else one per group of neighbouring workers (in the
// table's order) showing the busiest of them. 5,000 sub-pixel bars drew as a blur and cost ~10 ms an update; a bar per
// couple of pixels costs ~0.3 ms and still shows every hot spot. No DOM: unit-tested under Node.

export interface CpuBars {
  /** Slot indices 0..n-1 (the chart's x). */
  x: number[];
  cpu: number[];
  /** The worker each bar is (its busiest worker when grouped): the label, and what a click selects. */
  names: string[];
  addresses: string[];
  /** Workers per bar (1: one bar per worker). */
  group: number;
}

/** `maxBars`: how many bars fit (the plot's width in pixels over ~2). */
export function cpuBars(rows: readonly { address: string; name: string; cpuPercent: number }[], maxBars: number): CpuBars {
  const group = Math.max(1, Math.ceil(rows.length / Math.max(1, Math.floor(maxBars))));
  const bars = Math.ceil(rows.length / group);
  const out: CpuBars = { x: new Array<number>(bars), cpu: new Array<number>(bars), names: new Array<string>(bars), addresses: new Array<string>(bars), group };
  for (let b = 0; b < bars; b++) {
    let top = b * group;
    const end = Math.min(rows.length, top + group);
    for (let i = top + 1; i < end; i++) if (rows[i]!.cpuPercent > rows[top]!.cpuPercent) top = i;
    const r = rows[top]!;
    out.x[b] = b;
    out.cpu[b] = r.cpuPercent;
    out.names[b] = r.name || r.address;
    out.addresses[b] = r.address;
  }
  return out;
}
