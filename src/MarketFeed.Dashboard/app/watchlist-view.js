// Renders the watchlist table from the QuoteBoard, once per animation frame, touching only the
// cells that changed, and only in rows that are on screen (off-screen rows stay dirty until they
// scroll into view). A price move flashes its cell with a static highlight for FLASH_MS: two
// repaints per flash, where a CSS animation would repaint every frame.

import { formatChange, formatPercent, formatPrice, formatVolume } from './format.js';

const FIELDS = ['bid', 'ask', 'last', 'change', 'changePct', 'volume', 'rate'];
const FLASH_MS = 350;

export class WatchlistView {
  /** @type {Map<string, {tr: HTMLTableRowElement, cells: Record<string, HTMLTableCellElement>}>} */
  #rows = new Map();
  /** Symbols whose row is (nearly) on screen. */
  #visible = new Set();
  /** Flashing cells and when their flash ends (performance.now()). */
  #flashing = new Map();
  #observer;

  /**
   * @param {HTMLTableSectionElement} tbody
   * @param {import('./quote-board.js').QuoteBoard} board
   * @param {{onSelect: (s: string) => void, onRemove: (s: string) => void}} handlers
   */
  constructor(tbody, board, handlers) {
    this.tbody = tbody;
    this.board = board;
    this.#observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const symbol = e.target.dataset.symbol;
        if (e.isIntersecting) this.#visible.add(symbol);
        else this.#visible.delete(symbol);
      }
      handlers.onVisibilityChange?.();
    }, { root: tbody.closest('.table-wrap'), rootMargin: '200px 0px' });
    tbody.addEventListener('click', (e) => {
      const tr = e.target.closest('tr[data-symbol]');
      if (!tr) return;
      if (e.target.closest('button.remove')) handlers.onRemove(tr.dataset.symbol);
      else handlers.onSelect(tr.dataset.symbol);
    });
  }

  /** Adds a row at the end. */
  addRow(symbol) {
    if (this.#rows.has(symbol)) return;
    const tr = document.createElement('tr');
    tr.dataset.symbol = symbol;
    const cells = {};
    const sym = document.createElement('td');
    sym.className = 'sym';
    sym.textContent = symbol;
    tr.append(sym);
    for (const f of FIELDS) {
      const td = document.createElement('td');
      td.className = `num ${f}`;
      td.textContent = '—';
      cells[f] = td;
      tr.append(td);
    }
    const rm = document.createElement('td');
    rm.innerHTML = '<button class="remove" title="Remove from watchlist" aria-label="Remove">×</button>';
    tr.append(rm);
    this.tbody.append(tr);
    this.#rows.set(symbol, { tr, cells });
    this.#observer.observe(tr);
  }

  removeRow(symbol) {
    const view = this.#rows.get(symbol);
    if (!view) return;
    this.#observer.unobserve(view.tr);
    for (const td of Object.values(view.cells)) this.#flashing.delete(td);
    view.tr.remove();
    this.#rows.delete(symbol);
    this.#visible.delete(symbol);
  }

  select(symbol) {
    for (const [s, r] of this.#rows) r.tr.classList.toggle('selected', s === symbol);
  }

  /** Marks rows whose symbol the server does not know. */
  markUnknown(symbol) {
    const r = this.#rows.get(symbol);
    if (r) { r.tr.classList.add('unknown'); r.cells.bid.textContent = 'unknown symbol'; }
  }

  /** Writes the changed cells of visible rows and ends expired flashes. Called by the FrameLoop. */
  render() {
    const board = this.board;
    const now = performance.now();
    for (const symbol of board.dirty) {
      const row = board.rows.get(symbol);
      const view = this.#rows.get(symbol);
      if (!row || !view) { board.dirty.delete(symbol); continue; }
      if (!this.#visible.has(symbol)) { row.moves.clear(); continue; } // written when scrolled into view
      const c = view.cells;
      for (const f of row.changed) {
        switch (f) {
          case 'bid': c.bid.textContent = formatPrice(row.bid, row.digits); break;
          case 'ask': c.ask.textContent = formatPrice(row.ask, row.digits); break;
          case 'last': c.last.textContent = formatPrice(row.last, row.digits); break;
          case 'volume': c.volume.textContent = formatVolume(row.volume); break;
          case 'rate': c.rate.textContent = String(row.updatesPerSec); break;
          case 'change': this.#renderChange(row, c); break;
          default: break;
        }
      }
      for (const [f, dir] of row.moves) {
        const td = c[f];
        if (!td) continue;
        if (td.dataset.flash !== dir) td.dataset.flash = dir;
        this.#flashing.set(td, now + FLASH_MS);
      }
      row.changed.clear();
      row.moves.clear();
      board.dirty.delete(symbol);
    }
    for (const [td, until] of this.#flashing) {
      if (until <= now) { delete td.dataset.flash; this.#flashing.delete(td); }
    }
    return this.#flashing.size > 0;
  }

  #renderChange(row, c) {
    if (row.last === null || row.reference === null) return;
    const change = row.last - row.reference;
    const pct = row.reference ? (change / row.reference) * 100 : null;
    c.change.textContent = formatChange(change, row.digits);
    c.changePct.textContent = formatPercent(pct);
    const cls = change > 0 ? 'pos' : change < 0 ? 'neg' : '';
    c.change.dataset.sign = cls;
    c.changePct.dataset.sign = cls;
    if (c.change.dataset.reference !== String(row.reference)) {
      c.change.dataset.reference = String(row.reference);
      c.change.title = c.changePct.title = `vs ${formatPrice(row.reference, row.digits)}`;
    }
  }
}
