// The JS client against a real server (MARKETFEED_WS_URL): live bar updates (protocol 4.12).
// Run by tests/MarketFeed.IntegrationTests/JsClientBarUpdatesTests.cs, which starts the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { MarketFeedClient } from '../../client/marketfeed-client.js';
import { until } from '../support/wait.mjs';

const url = process.env.MARKETFEED_WS_URL;

test('full-mode AAPL with 1 s bars: every closed bar equals the trades of its second', { skip: !url, timeout: 60_000 }, async () => {
  const client = new MarketFeedClient({ url, WebSocket, pingIntervalMs: 0 });
  try {
    await client.connect();
    const trades = [];
    const closed = [];
    let open = 0;
    client.on('trade', (t) => { if (t.symbol === 'AAPL') trades.push(t); });
    client.on('bar', (b) => {
      assert.equal(b.symbol, 'AAPL');
      assert.equal(b.interval, '1s');
      if (b.closed) closed.push(b); else open++;
    });
    const ack = await client.subscribe('AAPL', { mode: 'full', bars: ['1s'] });
    const { priceDecimals } = ack.symbols[0];
    const sec = (t) => Number(t.time / 1_000_000_000n);
    const whole = () => (trades.length === 0 ? [] : closed.filter((b) => b.time > sec(trades[0])));
    await until(client, 'bar', () => whole().length >= 3, 45_000, 'three closed 1 s bars');

    for (const bar of whole()) {
      const inBar = trades.filter((t) => sec(t) === bar.time);
      assert.ok(inBar.length > 0, `closed bar ${bar.time} without trades`);
      const eq = (a, b, what) => assert.ok(Math.abs(a - b) < 10 ** -(priceDecimals + 2), `${what} ${a} != ${b} in bar ${bar.time}`);
      assert.equal(bar.count, inBar.length);
      eq(bar.volume, inBar.reduce((s, t) => s + t.size, 0), 'volume');
      eq(bar.open, inBar[0].price, 'open');
      eq(bar.close, inBar[inBar.length - 1].price, 'close');
      eq(bar.high, Math.max(...inBar.map((t) => t.price)), 'high');
      eq(bar.low, Math.min(...inBar.map((t) => t.price)), 'low');
      assert.equal(bar.basis, 'trades');
    }
    assert.ok(open > 0, 'open-bar updates arrive between closings');

    // Resubscribing without bars stops them (the subscription is replaced).
    await client.subscribe('AAPL', { mode: 'full' });
    const after = closed.length + open;
    const tradesNow = trades.length;
    await until(client, 'trade', () => trades.length >= tradesNow + 200, 20_000, '200 more trades');
    // Updates already in flight before the new ack may still land; none after a whole second more.
    assert.ok(closed.length + open <= after + 2, `${closed.length + open - after} bar updates after bars were dropped`);
  } finally {
    client.close();
  }
});
