// Dashboard entry: wires the MarketFeed client to the watchlist, chart, health strip and
// replay panel. All DOM writes go through the FrameLoop (one batch per animation frame).

import { MarketFeedClient } from '../client/marketfeed-client.js';
import { CandleBuilder } from './candle-builder.js';
import { digitsForTick, formatPrice } from './format.js';
import { FrameLoop } from './frame-loop.js';
import { HealthStrip } from './health-strip.js';
import { PriceChart } from './price-chart.js';
import { QuoteBoard } from './quote-board.js';
import { ReplayPanel } from './replay-panel.js';
import { SymbolSearch } from './symbol-search.js';
import { WatchlistStore } from './watchlist-store.js';
import { WatchlistView } from './watchlist-view.js';

const $ = (id) => document.getElementById(id);
const INTERVALS = { '1s': 1, '1m': 60 };
const HISTORY_BARS = 600;

// ?ws=ws://host:port/ws/v1 points the page at another server (default: the one serving it).
const client = new MarketFeedClient({ url: new URLSearchParams(location.search).get('ws') ?? undefined });
const store = new WatchlistStore();
const board = new QuoteBoard();
const loop = new FrameLoop();
const health = new HealthStrip(document);
const chart = new PriceChart($('chart'));
const replay = new ReplayPanel($('replay'), client);
const candles = new Map();
const digits = new Map();
/** symbol -> reference price (previous close) from the directory; change is measured from it. */
const references = new Map();
let chartHeadDirty = true;

const watchlist = new WatchlistView($('watchlist-body'), board, {
  onSelect: select, onRemove: removeSymbol, onVisibilityChange: () => loop.request(),
});
new SymbolSearch($('symbol-search'), $('search-results'), (match) => client.symbols(match), addSymbol);

loop.add(() => watchlist.render());
loop.add(() => chart.render());
loop.add(() => health.render());
loop.add(() => replay.render());
loop.add(renderChartHead);
replay.onChange = () => loop.request();

// ---- client events --------------------------------------------------------------------------

client.on('state', (e) => { health.onState(e); loop.request(); });
client.on('close', (e) => { health.onClose(e); loop.request(); });
client.on('status', (e) => {
  health.onStatus(e);
  if (e.state === 'welcome') {
    // A (re)connect: every chart refetches its history when shown (the bars missed while away).
    for (const c of candles.values()) for (const b of Object.values(c)) b.seeded = false;
    loadDirectory(); replay.load(); loadHistory(store.selected);
  }
  loop.request();
});
client.on('ack', (e) => { health.setMode(e.mode, e.throttle); loop.request(); });
client.on('pong', (e) => { health.setRtt(e.rttMs); loop.request(); });
client.on('error', (e) => {
  if (e.code === 404 && e.symbol) watchlist.markUnknown(e.symbol);
  else health.onServerError(e);
  loop.request();
});
health.onChange = () => loop.request();
client.on('snapshot', (e) => {
  if (e.replayId !== null) return;
  board.applySnapshot(e);
  if (e.symbol === store.selected) chartHeadDirty = true;
  loop.request();
});
client.on('quote', (e) => {
  if (e.replayId !== null) return;
  board.applyQuote(e);
  if (e.symbol === store.selected) chartHeadDirty = true;
  loop.request();
});
client.on('trade', (e) => {
  if (e.replayId !== null) return;
  board.applyTrade(e);
  const c = candlesOf(e.symbol);
  c['1s'].addTrade(e.timeMs, e.price, e.volumeDelta); // ignored once the server's bar updates arrive
  c['1m'].addTrade(e.timeMs, e.price, e.volumeDelta);
  if (e.symbol === store.selected) chartHeadDirty = true;
  loop.request();
});
// The server's live bars (subscribed with `bars`): the chart's newest bar is the server's bar.
let liveBarUpdates = 0;
client.on('bar', (e) => {
  if (e.replayId !== null || !store.symbols.includes(e.symbol)) return;
  const builder = candlesOf(e.symbol)[e.interval];
  if (!builder) return;
  builder.applyBar(e);
  $('chart').dataset.liveUpdates = String(++liveBarUpdates);
  loop.request();
});

setInterval(() => {
  board.rollSecond();
  health.setRate(board.updatesPerSec);
  loop.request();
}, 1000);

// ---- user actions ---------------------------------------------------------------------------

function addSymbol(symbol) {
  if (!store.add(symbol)) { select(symbol); return; }
  showRow(symbol);
  client.subscribe([symbol], subscribeOptions()).catch(() => { /* shown via the error event / health strip */ });
  if (!store.selected) select(symbol);
}

function removeSymbol(symbol) {
  store.remove(symbol);
  board.remove(symbol);
  watchlist.removeRow(symbol);
  candles.delete(symbol);
  client.unsubscribe([symbol]).catch(() => {});
  select(store.selected);
}

function select(symbol) {
  if (symbol) store.select(symbol);
  watchlist.select(store.selected);
  if (store.selected) {
    const builder = candlesOf(store.selected)[store.data.interval];
    chart.show(builder, digits.get(store.selected) ?? 2);
    if (!builder.seeded) loadHistory(store.selected);
  }
  for (const b of $('interval').querySelectorAll('button')) b.classList.toggle('active', b.dataset.interval === store.data.interval);
  chartHeadDirty = true;
  loop.request();
}

/**
 * Opens the chart with the server's bars for the symbol and the chosen interval (docs/protocol.md
 * 4.11): on selection, and again after every (re)connect, so a reload or a reconnect never leaves
 * the chart empty or with a hole. Live trades keep the newest bar current from then on.
 */
async function loadHistory(symbol) {
  if (!symbol || client.state !== 'live') return;
  const interval = store.data.interval;
  try {
    const reply = await client.bars({ symbol, interval, last: HISTORY_BARS });
    candlesOf(symbol)[interval].seed(reply.bars);
    if (store.selected === symbol && store.data.interval === interval) chart.show(candlesOf(symbol)[interval], digits.get(symbol) ?? 2);
    loop.request();
  } catch { /* no history (bars disabled, unknown symbol): the chart fills from live trades */ }
}

function showRow(symbol) {
  board.ensure(symbol);
  watchlist.addRow(symbol);
  if (digits.has(symbol)) board.setDigits(symbol, digits.get(symbol));
  if (references.has(symbol)) board.setReference(symbol, references.get(symbol));
}

function candlesOf(symbol) {
  let c = candles.get(symbol);
  if (!c) candles.set(symbol, (c = { '1s': new CandleBuilder(INTERVALS['1s']), '1m': new CandleBuilder(INTERVALS['1m']) }));
  return c;
}

function subscribeOptions() {
  return { mode: 'conflated', throttle: Number(store.data.throttle) || 0, bars: Object.keys(INTERVALS) };
}

async function loadDirectory() {
  try {
    for (const s of await client.symbols()) {
      const d = digitsForTick(s.tickSize);
      digits.set(s.symbol, d);
      board.setDigits(s.symbol, d);
      if (s.referencePrice !== null) {
        references.set(s.symbol, s.referencePrice);
        board.setReference(s.symbol, s.referencePrice);
      }
    }
    select(store.selected);
  } catch { /* the directory only refines price digits and the base of change */ }
}

function renderChartHead() {
  if (!chartHeadDirty) return false;
  chartHeadDirty = false;
  const symbol = store.selected;
  const row = symbol ? board.rows.get(symbol) : null;
  $('chart-title').textContent = symbol ?? 'No symbol';
  const d = row?.digits ?? 2;
  $('chart-quote').textContent = row ? `Last ${formatPrice(row.last, d)}   Bid ${formatPrice(row.bid, d)}   Ask ${formatPrice(row.ask, d)}` : '';
  return false;
}

$('interval').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-interval]');
  if (!b) return;
  store.set('interval', b.dataset.interval);
  select(store.selected);
});

$('throttle').value = String(store.data.throttle ?? 0);
$('throttle').addEventListener('change', () => {
  store.set('throttle', Number($('throttle').value));
  if (store.symbols.length) client.subscribe(store.symbols, subscribeOptions()).catch(() => {});
});

// ---- start ----------------------------------------------------------------------------------

for (const s of store.symbols) showRow(s);
select(store.selected ?? store.symbols[0]);
client.connect().catch(() => {});
if (store.symbols.length) client.subscribe(store.symbols, subscribeOptions()).catch(() => {});

// For debugging from the console and for tests.
globalThis.marketfeed = { client, board, store, candles };
