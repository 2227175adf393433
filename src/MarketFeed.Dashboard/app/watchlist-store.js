// The watchlist and selected symbol, persisted in localStorage.

const KEY = 'marketfeed.watchlist.v1';
const DEFAULT = { symbols: ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'BTCUSDT'], selected: 'AAPL', interval: '1s', throttle: 0 };

/** Persistent user choices of the dashboard. */
export class WatchlistStore {
  constructor(storage = globalThis.localStorage) {
    this.storage = storage;
    this.data = { ...DEFAULT, ...this.#load() };
    this.data.symbols = [...new Set(this.data.symbols)];
  }

  get symbols() { return this.data.symbols; }

  get selected() { return this.data.selected; }

  /** @param {string} symbol @returns {boolean} true if added */
  add(symbol) {
    if (this.data.symbols.includes(symbol)) return false;
    this.data.symbols.push(symbol);
    this.#save();
    return true;
  }

  remove(symbol) {
    this.data.symbols = this.data.symbols.filter((s) => s !== symbol);
    if (this.data.selected === symbol) this.data.selected = this.data.symbols[0] ?? null;
    this.#save();
  }

  select(symbol) { this.data.selected = symbol; this.#save(); }

  set(key, value) { this.data[key] = value; this.#save(); }

  #load() {
    try { return JSON.parse(this.storage?.getItem(KEY) ?? 'null') ?? {}; } catch { return {}; }
  }

  #save() {
    try { this.storage?.setItem(KEY, JSON.stringify(this.data)); } catch { /* private mode: not persisted */ }
  }
}
