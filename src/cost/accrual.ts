// Integrates a rate ($/h) over observed samples: no sample, no charge; gaps and restarts are not billed.

export interface AccrualOptions {
  /** Longer intervals between samples are not charged (we do not know what ran then). */
  maxGapMs?: number;
  /** Local day of an instant (YYYY-MM-DD); injected so tests pin a time zone. */
  dayOf?: (t: number) => string;
  /** Next local midnight after t (epoch ms). */
  nextDayStart?: (t: number) => number;
}

export interface DayAmount {
  day: string;
  usd: number;
}

export interface AccrualStep {
  usd: number;
  byDay: DayAmount[];
  /** Why the interval before this sample was not charged, if it was not. */
  skipped?: 'first' | 'gap' | 'restart' | 'clock';
}

const HOUR = 3_600_000;

export class Accrual {
  private last?: { t: number; usdPerHour: number; epoch?: string };
  totalUsd = 0;
  coveredMs = 0;
  /** Time between samples that was not charged (gaps, restarts). */
  uncoveredMs = 0;
  readonly estimated = true;
  private readonly maxGapMs: number;
  private readonly dayOf: (t: number) => string;
  private readonly nextDayStart: (t: number) => number;

  constructor(opts: AccrualOptions = {}) {
    this.maxGapMs = opts.maxGapMs ?? 5 * 60_000;
    this.dayOf = opts.dayOf ?? localDay;
    this.nextDayStart = opts.nextDayStart ?? nextLocalMidnight;
  }

  /**
   * Records a sample at time t with the rate then in force. The previous sample's rate is charged
   * over [previous t, t] when that interval is short enough and the resource did not restart
   * (`epoch` changed, e.g. a new scheduler id).
   */
  observe(t: number, usdPerHour: number, epoch?: string): AccrualStep {
    const prev = this.last;
    this.last = { t, usdPerHour, epoch };
    if (!prev) return { usd: 0, byDay: [], skipped: 'first' };
    const dt = t - prev.t;
    if (dt <= 0) return { usd: 0, byDay: [], skipped: 'clock' };
    if (prev.epoch !== epoch) {
      this.uncoveredMs += dt;
      return { usd: 0, byDay: [], skipped: 'restart' };
    }
    if (dt > this.maxGapMs) {
      this.uncoveredMs += dt;
      return { usd: 0, byDay: [], skipped: 'gap' };
    }
    const byDay = this.split(prev.t, t, prev.usdPerHour);
    const usd = byDay.reduce((s, d) => s + d.usd, 0);
    this.totalUsd += usd;
    this.coveredMs += dt;
    return { usd, byDay };
  }

  /** A poll failed: the next sample starts a new segment, so the unobserved interval is not charged. */
  interrupt(): void {
    this.last = undefined;
  }

  private split(from: number, to: number, usdPerHour: number): DayAmount[] {
    const out: DayAmount[] = [];
    let t = from;
    while (t < to) {
      const end = Math.min(to, this.nextDayStart(t));
      const usd = ((end - t) / HOUR) * usdPerHour;
      const day = this.dayOf(t);
      const same = out.find((d) => d.day === day);
      if (same) same.usd += usd;
      else out.push({ day, usd });
      t = end;
    }
    return out;
  }
}

export function localDay(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function nextLocalMidnight(t: number): number {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}
