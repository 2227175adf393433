// Builds OHLC + volume bars from trades (live or replayed) for one symbol and interval.

/**
 * @typedef {{time: number, open: number, high: number, low: number, close: number, volume: number}|{time: number, gap: true}} Bar
 * `time` is the bar start in whole seconds since the epoch (lightweight-charts UTCTimestamp). A
 * `gap` entry marks intervals with no data: the chart draws it as empty space, never a flat bar.
 */

export class CandleBuilder {
  /** @type {Bar[]} */
  bars = [];
  /** Index of the first bar changed since the last `takeChanged()`; -1 if none. */
  #firstChanged = -1;

  /**
   * @param {number} intervalSec bar length in seconds (1 or 60)
   * @param {number} [maxBars=2000] oldest bars are dropped past this
   */
  constructor(intervalSec, maxBars = 2000) {
    this.intervalSec = intervalSec;
    this.maxBars = maxBars;
  }

  /**
   * Adds a trade. Trades older than the current bar are ignored (charts append only).
   * @param {number} timeMs trade time, ms since the epoch
   * @param {number} price
   * @param {number} volume traded size this trade stands for (conflated: volume delta)
   */
  addTrade(timeMs, price, volume) {
    const time = Math.floor(timeMs / 1000 / this.intervalSec) * this.intervalSec;
    const last = this.bars[this.bars.length - 1];
    if (last && !last.gap && time > last.time + this.intervalSec) this.#push({ time: last.time + this.intervalSec, gap: true });
    if (last && time < last.time) return;
    if (last && !last.gap && time === last.time) {
      if (price > last.high) last.high = price;
      if (price < last.low) last.low = price;
      last.close = price;
      last.volume += volume;
      this.#markChanged(this.bars.length - 1);
      return;
    }
    this.#push({ time, open: price, high: price, low: price, close: price, volume });
  }

  /**
   * Loads bars from the server (oldest first, as `MarketFeedClient.bars()` returns them): they
   * replace every bar up to the newest of them; bars built from later trades stay. Missing
   * intervals become gap entries.
   * @param {Array<{time: number, open: number, high: number, low: number, close: number, volume: number}>} history
   */
  seed(history) {
    if (!history.length) return;
    const newest = history[history.length - 1].time;
    const later = this.bars.filter((b) => b.time > newest && !b.gap);
    this.bars = [];
    for (const b of history) {
      const prev = this.bars[this.bars.length - 1];
      if (prev && b.time > prev.time + this.intervalSec) this.bars.push({ time: prev.time + this.intervalSec, gap: true });
      this.bars.push({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });
    }
    for (const b of later) {
      const prev = this.bars[this.bars.length - 1];
      if (b.time > prev.time + this.intervalSec) this.bars.push({ time: prev.time + this.intervalSec, gap: true });
      this.bars.push(b);
    }
    if (this.bars.length > this.maxBars) this.bars.splice(0, this.bars.length - this.maxBars);
    this.#firstChanged = 0;
    this.seeded = true;
  }

  #push(bar) {
    this.bars.push(bar);
    if (this.bars.length > this.maxBars) {
      this.bars.splice(0, this.bars.length - this.maxBars);
      this.#firstChanged = 0;
    }
    this.#markChanged(this.bars.length - 1);
  }

  /** Bars changed or added since the previous call (oldest first), and clears the mark. */
  takeChanged() {
    if (this.#firstChanged < 0) return [];
    const changed = this.bars.slice(this.#firstChanged);
    this.#firstChanged = -1;
    return changed;
  }

  #markChanged(i) {
    if (this.#firstChanged < 0 || i < this.#firstChanged) this.#firstChanged = i;
  }
}
