// A sliding-window counter: the sum of what was charged in the last `windowMs`. Entries leave in
// arrival order, so eviction is amortised O(1); the wait until a charge fits walks the window once.

export class SlidingWindow {
  private times: number[] = [];
  private costs: number[] = [];
  private head = 0;
  private sum = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Charged within the window ending at `now`. */
  used(now: number): number {
    this.evict(now);
    return this.sum;
  }

  /** 0 when `cost` fits now, else the milliseconds until enough of the window has slid out. */
  waitMs(now: number, cost: number): number {
    this.evict(now);
    if (cost <= 0 || this.sum + cost <= this.limit) return 0;
    let freed = 0;
    for (let i = this.head; i < this.times.length; i++) {
      freed += this.costs[i]!;
      if (this.sum - freed + cost <= this.limit) return this.times[i]! + this.windowMs - now;
    }
    // More than the whole limit at once: never fits; wait a whole window (Graph would too).
    return this.windowMs;
  }

  charge(now: number, cost: number): void {
    if (cost <= 0) return;
    this.evict(now);
    this.times.push(now);
    this.costs.push(cost);
    this.sum += cost;
  }

  private evict(now: number): void {
    const from = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= from) {
      this.sum -= this.costs[this.head]!;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.costs = this.costs.slice(this.head);
      this.head = 0;
    }
  }
}
