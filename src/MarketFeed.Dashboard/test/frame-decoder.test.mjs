// Decodes frames produced by the server's encoder (fixtures) and checks every field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame } from '../client/frame-decoder.js';
import { fixture, TIME } from './support/fixtures.mjs';

const one = (name) => {
  const messages = decodeFrame(fixture(name));
  assert.equal(messages.length, 1, `${name} holds one message`);
  return messages[0];
};

test('quote', () => {
  assert.deepEqual(one('quote'), {
    kind: 'quote', symbolId: 0, seq: 42, time: TIME, bidPrice: 1_815_200, bidSize: 300, askPrice: 1_815_300, askSize: 500,
    flags: 3, // suspicious | size unknown (appended field)
  });
});

test('trade keeps an int64 cumulative volume exact and the timestamp as bigint ns', () => {
  assert.deepEqual(one('trade'), {
    kind: 'trade', symbolId: 7, seq: 43, time: TIME, price: 9_512_345, size: 1_500, side: 2,
    cumVolume: 5_000_000_000, tradeCount: 98_765, flags: 0,
  });
});

test('subscribe ack', () => {
  assert.deepEqual(one('subscribe-ack'), {
    kind: 'subscribeAck', requestId: 1, mode: 'conflated', throttle: 10,
    symbols: [
      { symbol: 'AAPL', symbolId: 0, priceDecimals: 4, sizeDecimals: 0 },
      { symbol: 'BTCUSDT', symbolId: 7, priceDecimals: 2, sizeDecimals: 3 },
    ],
    recovered: null, // only after a subscribe with `resume` (a sixth field)
  });
});

test('snapshot', () => {
  assert.deepEqual(one('snapshot'), {
    kind: 'snapshot', symbolId: 0, seq: 42, quoteSeq: 42, quoteTime: TIME,
    bidPrice: 1_815_200, bidSize: 300, askPrice: 1_815_300, askSize: 500,
    tradeSeq: 41, tradeTime: TIME - 1_000_000n, lastPrice: 1_815_250, lastSize: 100, lastSide: 1,
    cumVolume: 1_234_567, tradeCount: 8_910,
  });
});

test('error', () => {
  assert.deepEqual(one('error'), {
    kind: 'error', requestId: 1, code: 404, codeName: 'unknown_symbol', message: 'unknown symbol ZZZZ', symbol: 'ZZZZ', symbols: ['ZZZZ'],
  });
});

test('heartbeat', () => {
  assert.deepEqual(one('heartbeat'), { kind: 'heartbeat', serverTime: TIME });
});

test('replay start, status and end', () => {
  assert.deepEqual(one('replay-start'), {
    kind: 'replayStart', requestId: 7, replayId: 3, dataset: 'ibm-20131007', from: TIME, to: TIME + 1_800_000_000_000n,
    speed: '10x', mode: 'full', symbols: [{ symbol: 'IBM', symbolId: 1_000_000, priceDecimals: 4, sizeDecimals: 0 }],
  });
  assert.deepEqual(one('replay-status'), {
    kind: 'replayStatus', replayId: 3, state: 'playing', speed: '10x', position: TIME + 900_000_000_000n, requestId: 12,
  });
  assert.deepEqual(one('replay-end'), { kind: 'replayEnd', requestId: 7, replayId: 3, reason: 'completed', ticksSent: 123_456 });
});

test('status welcome and lagging details are plain numbers and strings', () => {
  assert.deepEqual(one('status-welcome'), {
    kind: 'status', state: 'welcome',
    details: {
      server: 'MarketFeed', protocol: 1, connectionId: 'c-42', heartbeatMs: 1000, maxSymbolsPerConnection: 500,
      maxControlMessageBytes: 65_536, fullQueueCapacity: 10_000, slowConsumerTimeoutMs: 5000,
    },
  });
  assert.deepEqual(one('status-lagging'), {
    kind: 'status', state: 'lagging', details: { reason: 'queue', queueDepth: 6000, queueCapacity: 10_000 },
  });
});

test('pong', () => {
  assert.deepEqual(one('pong'), { kind: 'pong', requestId: 4, clientTime: TIME, serverTime: TIME + 250_000n });
});

test('symbol directory', () => {
  assert.deepEqual(one('symbol-directory'), {
    kind: 'symbolDirectory', requestId: 5,
    symbols: [
      { symbol: 'AAPL', symbolId: 0, priceDecimals: 4, sizeDecimals: 0, tickSize: 100, lotSize: 1, currency: 'USD', description: 'Apple Inc', referencePrice: 1_815_200 },
      { symbol: 'BTCUSDT', symbolId: 7, priceDecimals: 2, sizeDecimals: 3, tickSize: 10, lotSize: 1, currency: 'USDT', description: 'Bitcoin / Tether perpetual', referencePrice: 9_500_000 },
    ],
  });
});

test('unsubscribe ack', () => {
  assert.deepEqual(one('unsubscribe-ack'), { kind: 'unsubscribeAck', requestId: 3, symbols: ['AAPL'] });
});

test('catalog', () => {
  assert.deepEqual(one('catalog'), {
    kind: 'catalog', requestId: 6,
    datasets: [{
      dataset: 'ibm-20131007', symbols: ['IBM'], from: TIME, to: TIME + 23_400_000_000_000n, tickCount: 1_234_567,
      state: 'intact', readableTicks: 1_234_567, damage: null,
    }],
  });
});

test('a batched frame yields its messages in order', () => {
  const kinds = decodeFrame(fixture('batch')).map((m) => `${m.kind}:${m.seq ?? ''}`);
  assert.deepEqual(kinds, ['snapshot:42', 'quote:43', 'trade:47', 'heartbeat:']);
});

test('unknown kinds and extra trailing fields are tolerated', async () => {
  const { encode } = await import('@msgpack/msgpack');
  const [unknown, quote] = decodeFrame(encode([[99, 'x'], [1, 0, 1, 5, 10, 1, 11, 2, 'future-field']]));
  assert.deepEqual(unknown, { kind: 'unknown', rawKind: 99, fields: ['x'] });
  assert.equal(quote.askSize, 2);
  assert.equal(quote.time, 5n);
});

test('bar update (16): a replay id, the interval name, int64 start and volume exact', () => {
  assert.deepEqual(one('bar-update'), {
    kind: 'barUpdate', symbolId: 1_048_576, interval: '1m',
    bar: {
      start: TIME - 123_456_789n, open: 1_815_200, high: 1_816_000, low: 1_814_900, close: 1_815_500,
      volume: 5_000_000_000, count: 321, basis: 'trades', closed: true,
    },
  });
});
