// OHLC + volume bars of one symbol and interval: the server's live bar updates when the
// subscription carries them (docs/protocol.md 4.12), else built here from trades.

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

  /** True once a server bar update arrived: from then on the server's bars rule and trades are not counted. */
  live = false;

  /**
   * Applies a live bar update from the server (the bar's latest state): replaces the bar with the
   * same start, or appends it after a gap entry when intervals were skipped. An update older than
   * every bar held is ignored.
   * @param {{time: number, open: number, high: number, low: number, close: number, volume: number}} update
   */
  applyBar(update) {
    this.live = true;
    const bar = { time: update.time, open: update.open, high: update.high, low: update.low, close: update.close, volume: update.volume };
    const last = this.bars[this.bars.length - 1];
    if (!last || bar.time > last.time) {
      if (last && bar.time > last.time + this.intervalSec) this.#push({ time: last.time + this.intervalSec, gap: true });
      this.#push(bar);
      return;
    }
    for (let i = this.bars.length - 1; i >= 0 && this.bars[i].time >= bar.time; i--) {
      if (this.bars[i].time === bar.time) {
        this.bars[i] = bar;
        this.#markChanged(i);
        return;
      }
    }
  }

  /**
   * Adds a trade (only while no server bar update arrived). Trades older than the current bar are ignored (charts append only).
   * @param {number} timeMs trade time, ms since the epoch
   * @param {number} price
   * @param {number} volume traded size this trade stands for (conflated: volume delta)
   */
  addTrade(timeMs, price, volume) {
    if (this.live) return;
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
