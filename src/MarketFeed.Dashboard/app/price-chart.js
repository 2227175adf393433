// Candles + volume for the selected symbol with TradingView lightweight-charts, updated once per
// animation frame from a CandleBuilder.

import { CandlestickSeries, ColorType, HistogramSeries, createChart } from 'lightweight-charts';

const UP = '#26a69a';
const DOWN = '#ef5350';

export class PriceChart {
  /** @type {import('./candle-builder.js').CandleBuilder|null} */
  #builder = null;

  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#0f141b' }, textColor: '#8b97a8', fontSize: 11,
      },
      grid: { vertLines: { color: '#18202b' }, horzLines: { color: '#18202b' } },
      rightPriceScale: { borderColor: '#1f2935' },
      timeScale: { borderColor: '#1f2935', timeVisible: true, secondsVisible: true, rightOffset: 4 },
      crosshair: { mode: 0 },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN,
    });
    this.volume = this.chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume', lastValueVisible: false, priceLineVisible: false });
    this.chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.25 } });
  }

  /**
   * Shows a symbol's bars.
   * @param {import('./candle-builder.js').CandleBuilder} builder
   * @param {number} digits price digits
   */
  show(builder, digits) {
    this.#builder = builder;
    builder.takeChanged();
    const minMove = 1 / 10 ** digits;
    this.candles.applyOptions({ priceFormat: { type: 'price', precision: digits, minMove } });
    this.chart.timeScale().applyOptions({ secondsVisible: builder.intervalSec < 60 });
    this.candles.setData(builder.bars.map(candle));
    this.volume.setData(builder.bars.map(volumeBar));
    this.#lastTime = builder.bars.at(-1)?.time ?? -Infinity;
    this.#publishCount();
  }

  #lastTime = -Infinity;

  /** Applies new/changed bars. Called by the FrameLoop. */
  render() {
    const changed = this.#builder?.takeChanged() ?? [];
    if (changed.length && changed[0].time < this.#lastTime) {
      // A bar older than the newest drawn changed (e.g. a closed bar behind a newer one): redraw all.
      this.show(this.#builder, this.candles.options().priceFormat.precision);
      return false;
    }
    for (const bar of changed) {
      this.candles.update(candle(bar));
      this.volume.update(volumeBar(bar));
      this.#lastTime = bar.time;
    }
    if (changed.length) this.#publishCount();
    return false;
  }

  // Exposed for tests and curious users: how many bars the chart holds.
  #publishCount() {
    this.container.dataset.bars = String(this.#builder?.bars.filter((b) => !b.gap).length ?? 0);
    this.container.dataset.gaps = String(this.#builder?.bars.filter((b) => b.gap).length ?? 0);
    this.container.dataset.history = this.#builder?.seeded ? 'loaded' : 'none';
    this.container.dataset.first = String(this.#builder?.bars.find((b) => !b.gap)?.time ?? 0); // oldest bar, s since the epoch
    this.container.dataset.last = String(this.#builder?.bars.findLast((b) => !b.gap)?.time ?? 0); // newest bar
    this.container.dataset.source = this.#builder?.live ? 'bars' : 'trades'; // live bar updates, or built from trades
  }
}

function candle(b) {
  if (b.gap) return { time: b.time }; // whitespace: lightweight-charts leaves the slot empty
  return { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close };
}

function volumeBar(b) {
  if (b.gap) return { time: b.time };
  return { time: b.time, value: b.volume, color: b.close >= b.open ? 'rgba(38,166,154,0.45)' : 'rgba(239,83,80,0.45)' };
}
