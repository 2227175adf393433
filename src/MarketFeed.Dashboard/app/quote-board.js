// The watchlist's view model: latest values per symbol, what changed since the last frame, and
// per-symbol update rates. Fed by client events; read by the watchlist view once per frame.

/**
 * @typedef {object} Row
 * @property {string} symbol
 * @property {number|null} bid
 * @property {number|null} ask
 * @property {number|null} last
 * @property {number|null} reference base of change: the server's reference price (previous close)
 *   from the symbol directory, or else the first trade price seen this session
 * @property {number|null} volume cumulative volume
 * @property {number} updatesPerSec
 * @property {number} digits price digits
 * @property {Set<string>} changed fields changed since the last render
 * @property {Map<string, 'up'|'down'>} moves direction of price moves since the last render
 */

export class QuoteBoard {
  /** @type {Map<string, Row>} */
  rows = new Map();
  /** Symbols with changes not yet rendered. */
  dirty = new Set();
  #counts = new Map();
  /** Total quote/trade updates in the last full second. */
  updatesPerSec = 0;
  #total = 0;

  /** @param {string} symbol */
  ensure(symbol) {
    let row = this.rows.get(symbol);
    if (!row) {
      row = { symbol, bid: null, ask: null, last: null, reference: null, volume: null, updatesPerSec: 0, digits: 2, changed: new Set(), moves: new Map() };
      this.rows.set(symbol, row);
      this.dirty.add(symbol);
    }
    return row;
  }

  remove(symbol) {
    this.rows.delete(symbol);
    this.dirty.delete(symbol);
    this.#counts.delete(symbol);
  }

  setDigits(symbol, digits) {
    const row = this.rows.get(symbol);
    if (row && row.digits !== digits) { row.digits = digits; this.#touch(row, 'bid', 'ask', 'last', 'change'); }
  }

  /** Sets the server's reference price (previous close): change is measured from it from now on. */
  setReference(symbol, price) {
    const row = this.rows.get(symbol);
    if (!row || price === null || price === undefined) return;
    if (row.reference !== price) { row.reference = price; this.#touch(row, 'change'); }
  }

  /** Applies a snapshot event (live). */
  applySnapshot(e) {
    const row = this.rows.get(e.symbol);
    if (!row) return;
    if (e.quote) { this.#set(row, 'bid', e.quote.bid); this.#set(row, 'ask', e.quote.ask); }
    if (e.trade) {
      this.#set(row, 'last', e.trade.price);
      this.#set(row, 'volume', e.trade.cumVolume);
      row.reference ??= e.trade.price;
      row.changed.add('change');
    }
  }

  /** Applies a quote event (live). */
  applyQuote(e) {
    const row = this.rows.get(e.symbol);
    if (!row) return;
    this.#count(e.symbol);
    this.#set(row, 'bid', e.bid);
    this.#set(row, 'ask', e.ask);
  }

  /** Applies a trade event (live). */
  applyTrade(e) {
    const row = this.rows.get(e.symbol);
    if (!row) return;
    this.#count(e.symbol);
    row.reference ??= e.price;
    this.#set(row, 'last', e.price);
    this.#set(row, 'volume', e.cumVolume);
    row.changed.add('change');
  }

  /** Rolls the per-second counters; call once a second. */
  rollSecond() {
    for (const row of this.rows.values()) {
      const n = this.#counts.get(row.symbol) ?? 0;
      if (n !== row.updatesPerSec) { row.updatesPerSec = n; this.#touch(row, 'rate'); }
    }
    this.#counts.clear();
    this.updatesPerSec = this.#total;
    this.#total = 0;
  }

  #count(symbol) {
    this.#counts.set(symbol, (this.#counts.get(symbol) ?? 0) + 1);
    this.#total++;
  }

  #set(row, field, value) {
    const old = row[field];
    if (old === value) return;
    if (old !== null && value !== null && field !== 'volume') row.moves.set(field, value > old ? 'up' : 'down');
    row[field] = value;
    this.#touch(row, field);
  }

  #touch(row, ...fields) {
    for (const f of fields) row.changed.add(f);
    this.dirty.add(row.symbol);
  }
}
