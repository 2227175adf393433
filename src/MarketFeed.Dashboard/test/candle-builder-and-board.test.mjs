// Pure dashboard logic: candles from trades and the watchlist view model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CandleBuilder } from '../app/candle-builder.js';
import { QuoteBoard } from '../app/quote-board.js';

test('candles: OHLC and volume per interval, changed bars reported once', () => {
  const b = new CandleBuilder(1);
  b.addTrade(10_000, 100, 5);
  b.addTrade(10_400, 102, 1);
  b.addTrade(10_900, 99, 2);
  b.addTrade(11_100, 101, 3);
  assert.deepEqual(b.bars, [
    { time: 10, open: 100, high: 102, low: 99, close: 99, volume: 8 },
    { time: 11, open: 101, high: 101, low: 101, close: 101, volume: 3 },
  ]);
  assert.equal(b.takeChanged().length, 2);
  assert.equal(b.takeChanged().length, 0);
  b.addTrade(10_500, 500, 1); // older than the current bar: ignored
  assert.equal(b.bars[0].high, 102);
  const m = new CandleBuilder(60);
  m.addTrade(125_000, 1, 1);
  assert.equal(m.bars[0].time, 120);
});

test('candles: an interval without trades is a gap entry, not a flat bar', () => {
  const b = new CandleBuilder(1);
  b.addTrade(10_000, 100, 1);
  b.addTrade(14_200, 101, 1);
  assert.deepEqual(b.bars.map((x) => (x.gap ? `gap@${x.time}` : x.time)), [10, 'gap@11', 14]);
});

test('candles: server history replaces bars up to its newest; later live bars stay; holes become gaps', () => {
  const b = new CandleBuilder(60);
  b.addTrade(120_000, 9, 1); // a live bar already covered by the history
  b.addTrade(300_000, 7, 2); // a live bar newer than the history
  b.seed([
    { time: 0, open: 1, high: 2, low: 1, close: 2, volume: 10 },
    { time: 60, open: 2, high: 3, low: 2, close: 3, volume: 20 },
    { time: 180, open: 3, high: 3, low: 3, close: 3, volume: 5 },
  ]);
  assert.deepEqual(b.bars.map((x) => (x.gap ? `gap@${x.time}` : `${x.time}:${x.volume}`)), ['0:10', '60:20', 'gap@120', '180:5', 'gap@240', '300:2']);
  assert.equal(b.seeded, true);
  assert.equal(b.takeChanged().length, 6);
  b.addTrade(300_500, 8, 1);
  assert.equal(b.bars.at(-1).volume, 3);
});

test('candles: live bar updates replace the bar of their start, skipped intervals become gaps, trades no longer count', () => {
  const b = new CandleBuilder(60);
  b.addTrade(60_000, 5, 1); // built from a trade until the server's bars arrive
  b.applyBar({ time: 60, open: 4, high: 6, low: 3, close: 5, volume: 9, count: 3, closed: false });
  assert.deepEqual(b.bars, [{ time: 60, open: 4, high: 6, low: 3, close: 5, volume: 9 }]);
  b.takeChanged();
  b.addTrade(61_000, 100, 50); // ignored: the server's bar is exact
  assert.equal(b.bars[0].high, 6);
  assert.deepEqual(b.takeChanged(), []);
  b.applyBar({ time: 60, open: 4, high: 7, low: 3, close: 7, volume: 10, closed: true });
  b.applyBar({ time: 240, open: 8, high: 8, low: 8, close: 8, volume: 1, closed: false }); // 2 quiet minutes
  assert.deepEqual(b.bars.map((x) => (x.gap ? `gap@${x.time}` : `${x.time}:${x.close}:${x.volume}`)), ['60:7:10', 'gap@120', '240:8:1']);
  assert.deepEqual(b.takeChanged().map((x) => x.time), [60, 120, 240]);
  b.applyBar({ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }); // older than all held: ignored
  assert.equal(b.bars.length, 3);
});

test('candles: the oldest bars are dropped past maxBars', () => {
  const b = new CandleBuilder(1, 3);
  for (let s = 0; s < 5; s++) b.addTrade(s * 1000, s, 1);
  assert.deepEqual(b.bars.map((x) => x.time), [2, 3, 4]);
});

test('board: change from the first trade, moves for flashes, rates per second', () => {
  const board = new QuoteBoard();
  board.ensure('AAPL');
  board.applyTrade({ symbol: 'AAPL', price: 100, cumVolume: 10 });
  board.applyQuote({ symbol: 'AAPL', bid: 99.9, ask: 100.1 });
  board.applyTrade({ symbol: 'AAPL', price: 101, cumVolume: 12 });
  const row = board.rows.get('AAPL');
  assert.equal(row.reference, 100);
  assert.equal(row.last, 101);
  assert.equal(row.moves.get('last'), 'up');
  assert.ok(board.dirty.has('AAPL'));
  board.rollSecond();
  assert.equal(row.updatesPerSec, 3);
  assert.equal(board.updatesPerSec, 3);
  board.applyQuote({ symbol: 'MSFT', bid: 1, ask: 2 }); // not in the watchlist: ignored
  assert.equal(board.rows.has('MSFT'), false);
});

test("board: the server's reference price (previous close) is the base of change, whenever it arrives", () => {
  const board = new QuoteBoard();
  board.ensure('AAPL');
  board.ensure('IBM');
  board.applyTrade({ symbol: 'AAPL', price: 101, cumVolume: 10 });
  assert.equal(board.rows.get('AAPL').reference, 101); // fallback until the directory answers
  board.dirty.clear();
  board.rows.get('AAPL').changed.clear();
  board.setReference('AAPL', 98.5);
  const row = board.rows.get('AAPL');
  assert.equal(row.reference, 98.5);
  assert.ok(row.changed.has('change') && board.dirty.has('AAPL'), 'change re-rendered');
  board.applyTrade({ symbol: 'AAPL', price: 102, cumVolume: 12 });
  assert.equal(row.reference, 98.5, 'later trades keep the server reference');

  board.setReference('IBM', 180); // before any trade
  board.applyTrade({ symbol: 'IBM', price: 181, cumVolume: 5 });
  assert.equal(board.rows.get('IBM').reference, 180);
  board.setReference('IBM', null); // none from the server: nothing changes
  assert.equal(board.rows.get('IBM').reference, 180);
});
