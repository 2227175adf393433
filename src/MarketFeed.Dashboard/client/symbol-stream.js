// The client-side state of one subscribed symbol (live or replay): scales, sequence tracker and
// the latest book. Turns wire messages into scaled events.

import { fromFixed } from './fixed-point.js';
import { SequenceTracker } from './sequence-tracker.js';
import { TRADE_SIDES } from './protocol-constants.js';
import { nanosToMillis } from './wire-int.js';

/**
 * @typedef {object} Book latest state of a symbol, in real (scaled) units
 * @property {string} symbol
 * @property {number} symbolId
 * @property {number|null} replayId null for live data
 * @property {number} seq last seq of either kind
 * @property {number|null} bid
 * @property {number|null} bidSize
 * @property {number|null} ask
 * @property {number|null} askSize
 * @property {number|null} last last trade price
 * @property {number|null} lastSize
 * @property {'buy'|'sell'|'unknown'|null} lastSide
 * @property {number} cumVolume cumulative traded size since the server (or replay) started
 * @property {number} tradeCount cumulative number of trades
 * @property {number|null} quoteTimeMs
 * @property {number|null} tradeTimeMs
 */

export class SymbolStream {
  /**
   * @param {{symbol: string, symbolId: number, priceDecimals: number, sizeDecimals: number}} ref
   * @param {{mode: 'conflated'|'full', throttle?: number, replayId?: number|null}} sub
   */
  constructor(ref, sub) {
    this.symbol = ref.symbol;
    this.symbolId = ref.symbolId;
    this.priceDecimals = ref.priceDecimals;
    this.sizeDecimals = ref.sizeDecimals;
    this.mode = sub.mode;
    this.throttle = sub.throttle ?? 0;
    this.replayId = sub.replayId ?? null;
    this.tracker = new SequenceTracker(sub.mode);
    /** Raw cumulative volume/count of the last trade seen (baseline for deltas); null = unknown. */
    this.rawCumVolume = null;
    this.rawTradeCount = null;
    /** @type {Book} */
    this.book = {
      symbol: ref.symbol, symbolId: ref.symbolId, replayId: this.replayId, seq: 0,
      bid: null, bidSize: null, ask: null, askSize: null,
      last: null, lastSize: null, lastSide: null, cumVolume: 0, tradeCount: 0,
      quoteTimeMs: null, tradeTimeMs: null,
    };
  }

  price(v) { return fromFixed(v, this.priceDecimals); }

  size(v) { return fromFixed(v, this.sizeDecimals); }

  /** Applies a snapshot (kind 4) and returns the 'snapshot' event. */
  applySnapshot(m) {
    this.tracker.reset(m);
    const b = this.book;
    b.seq = m.seq;
    let quote = null;
    let trade = null;
    if (m.quoteSeq !== 0) {
      quote = {
        seq: m.quoteSeq, time: m.quoteTime, timeMs: nanosToMillis(m.quoteTime),
        bid: this.price(m.bidPrice), bidSize: this.size(m.bidSize), ask: this.price(m.askPrice), askSize: this.size(m.askSize),
      };
      Object.assign(b, { bid: quote.bid, bidSize: quote.bidSize, ask: quote.ask, askSize: quote.askSize, quoteTimeMs: quote.timeMs });
    }
    if (m.tradeSeq !== 0) {
      trade = {
        seq: m.tradeSeq, time: m.tradeTime, timeMs: nanosToMillis(m.tradeTime),
        price: this.price(m.lastPrice), size: this.size(m.lastSize), side: TRADE_SIDES[m.lastSide] ?? 'unknown',
        cumVolume: this.size(m.cumVolume), tradeCount: m.tradeCount,
      };
      Object.assign(b, {
        last: trade.price, lastSize: trade.size, lastSide: trade.side,
        cumVolume: trade.cumVolume, tradeCount: trade.tradeCount, tradeTimeMs: trade.timeMs,
      });
    }
    this.rawCumVolume = m.cumVolume;
    this.rawTradeCount = m.tradeCount;
    return { ...this.#ids(), seq: m.seq, quote, trade };
  }

  /**
   * Applies a quote (kind 1). Returns the 'quote' event, or null if the quote is stale.
   * @returns {{event: object|null, verdict: import('./sequence-tracker.js').SequenceVerdict}}
   */
  applyQuote(m) {
    const verdict = this.tracker.observe('quote', m.seq);
    if (!verdict.accept) return { event: null, verdict };
    const b = this.book;
    b.seq = this.tracker.lastSeq;
    b.bid = this.price(m.bidPrice);
    b.bidSize = this.size(m.bidSize);
    b.ask = this.price(m.askPrice);
    b.askSize = this.size(m.askSize);
    b.quoteTimeMs = nanosToMillis(m.time);
    const event = {
      ...this.#ids(), seq: m.seq, time: m.time, timeMs: b.quoteTimeMs,
      bid: b.bid, bidSize: b.bidSize, ask: b.ask, askSize: b.askSize, skipped: verdict.skipped,
    };
    return { event, verdict };
  }

  /**
   * Applies a trade (kind 2). `volumeDelta`/`tradeCountDelta` account for every trade since the
   * previous one received, conflated or not (from the cumulative fields).
   * @returns {{event: object|null, verdict: import('./sequence-tracker.js').SequenceVerdict}}
   */
  applyTrade(m) {
    const verdict = this.tracker.observe('trade', m.seq);
    if (!verdict.accept) return { event: null, verdict };
    const rawVolumeDelta = this.rawCumVolume === null ? m.size : m.cumVolume - this.rawCumVolume;
    const tradeCountDelta = this.rawTradeCount === null ? 1 : m.tradeCount - this.rawTradeCount;
    this.rawCumVolume = m.cumVolume;
    this.rawTradeCount = m.tradeCount;
    const b = this.book;
    b.seq = this.tracker.lastSeq;
    b.last = this.price(m.price);
    b.lastSize = this.size(m.size);
    b.lastSide = TRADE_SIDES[m.side] ?? 'unknown';
    b.cumVolume = this.size(m.cumVolume);
    b.tradeCount = m.tradeCount;
    b.tradeTimeMs = nanosToMillis(m.time);
    const event = {
      ...this.#ids(), seq: m.seq, time: m.time, timeMs: b.tradeTimeMs,
      price: b.last, size: b.lastSize, side: b.lastSide, cumVolume: b.cumVolume, tradeCount: b.tradeCount,
      volumeDelta: this.size(rawVolumeDelta), tradeCountDelta, skipped: verdict.skipped,
    };
    return { event, verdict };
  }

  #ids() {
    return { symbol: this.symbol, symbolId: this.symbolId, replayId: this.replayId };
  }
}
