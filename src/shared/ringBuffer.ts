// Fixed-capacity numeric series: memory stays flat however long a dashboard stays open.

export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    const end = (this.start + this.count) % this.capacity;
    this.data[end] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** i-th oldest value (0 = oldest). */
  at(i: number): number | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.data[(this.start + i) % this.capacity];
  }

  last(): number | undefined {
    return this.at(this.count - 1);
  }

  /** Oldest-first copy, e.g. for a chart. */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.data[(this.start + i) % this.capacity]!;
    return out;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}
