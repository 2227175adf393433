// Builds OHLC + volume bars from trades (live or replayed) for one symbol and interval.

/**
 * @typedef {{time: number, open: number, high: number, low: number, close: number, volume: number}} Bar
 * `time` is the bar start in whole seconds since the epoch (lightweight-charts UTCTimestamp).
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
    if (last && time < last.time) return;
    if (last && time === last.time) {
      if (price > last.high) last.high = price;
      if (price < last.low) last.low = price;
      last.close = price;
      last.volume += volume;
      this.#markChanged(this.bars.length - 1);
      return;
    }
    this.bars.push({ time, open: price, high: price, low: price, close: price, volume });
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
