// MarketFeedClient against the in-process fake server: subscribe, scaling, reconnect with
// backoff and resubscribe, heartbeat timeout, gap detection, close codes, ping.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { MarketFeedClient } from '../client/marketfeed-client.js';
import { FakeMarketFeedServer } from './support/fake-server.mjs';
import { nextEvent, until } from './support/wait.mjs';

let server;
const clients = [];

before(async () => { server = await new FakeMarketFeedServer({ heartbeatMs: 100, tickIntervalMs: 20 }).start(); });
after(async () => { for (const c of clients) c.close(); await server.stop(); });

function newClient(options = {}) {
  const c = new MarketFeedClient({
    url: server.wsUrl, WebSocket, pingIntervalMs: 0,
    backoff: { initialDelayMs: 20, maxDelayMs: 200, random: () => 0.5 }, ...options,
  });
  clients.push(c);
  return c;
}

test('subscribe acks with scales, then snapshot and scaled quotes/trades follow', async () => {
  const client = newClient();
  const welcome = await client.connect();
  assert.equal(welcome.heartbeatMs, 100);
  assert.equal(client.state, 'live');
  const snapshot = nextEvent(client, 'snapshot', (e) => e.symbol === 'BTCUSDT');
  const trade = nextEvent(client, 'trade', (e) => e.symbol === 'BTCUSDT');
  const quote = nextEvent(client, 'quote', (e) => e.symbol === 'BTCUSDT');
  // The fake server quotes a symbol only while someone holds it, so AAPL's book fills on its
  // first quote after the subscribe (its snapshot may carry no quote yet).
  const aaplQuote = nextEvent(client, 'quote', (e) => e.symbol === 'AAPL');
  let lastAapl = null;
  client.on('quote', (e) => { if (e.symbol === 'AAPL') lastAapl = e; });
  const ack = await client.subscribe(['AAPL', 'BTCUSDT', 'NOPE']);
  assert.deepEqual(ack.symbols.map((s) => [s.symbol, s.priceDecimals, s.sizeDecimals]), [['AAPL', 4, 0], ['BTCUSDT', 2, 3]]);
  assert.deepEqual(ack.errors.map((e) => [e.code, e.symbol]), [[404, 'NOPE']]);
  assert.equal((await snapshot).symbol, 'BTCUSDT');
  assert.ok((await quote).bid > 60000, 'BTC price is scaled to real units');
  const t = await trade;
  assert.ok(t.price > 60000 && t.price < 80000);
  assert.equal(typeof t.time, 'bigint');
  assert.ok(Math.abs(t.timeMs - Date.now()) < 5000);
  assert.ok(t.volumeDelta > 0);
  assert.deepEqual(client.subscriptions().map((s) => s.symbol), ['AAPL', 'BTCUSDT']);
  const aapl = await aaplQuote;
  assert.ok(aapl.bid > 100, 'AAPL price is scaled to real units');
  assert.equal(client.book('AAPL').bid, lastAapl.bid, 'the book holds the latest AAPL quote');
  client.close();
  assert.equal(client.state, 'closed');
});

test('server drop: reconnects with backoff and resubscribes what it held', async () => {
  const client = newClient();
  await client.connect();
  await client.subscribe('MSFT', { mode: 'conflated', throttle: 5 });
  const states = [];
  client.on('state', (e) => states.push(e.state));
  const controlsBefore = server.controls.length;
  const reconnecting = nextEvent(client, 'state', (e) => e.state === 'reconnecting');
  server.dropAll(1011);
  const r = await reconnecting;
  assert.equal(r.code, 1011);
  await nextEvent(client, 'state', (e) => e.state === 'live');
  const isResub = (c) => c.message.op === 'subscribe' && c.message.symbols.includes('MSFT');
  await until(server, 'control', () => server.controls.slice(controlsBefore).some(isResub), 2000, 'resubscribe');
  const resub = server.controls.slice(controlsBefore).find(isResub).message;
  assert.deepEqual(resub.symbols, ['MSFT']);
  assert.equal(resub.mode, 'conflated');
  assert.equal(Number(resub.throttle), 5);
  await nextEvent(client, 'quote', (e) => e.symbol === 'MSFT');
  assert.deepEqual(states.slice(0, 1), ['reconnecting']);
  client.close();
});

test('bars: subscribe asks for them, bar events come scaled, and a reconnect asks for them again', async () => {
  const client = newClient();
  await client.connect();
  const controlsBefore = server.controls.length;
  const bar = nextEvent(client, 'bar', (e) => e.symbol === 'BTCUSDT' && e.interval === '1m');
  await client.subscribe('BTCUSDT', { mode: 'conflated', bars: ['1m'] });
  const sub = server.controls.slice(controlsBefore).find((c) => c.message.op === 'subscribe').message;
  assert.deepEqual(sub.bars, ['1m']);
  const e = await bar;
  assert.ok(e.close > 60000 && e.close < 80000, 'prices scaled to real units');
  assert.ok(e.high >= e.close && e.low <= e.close && e.volume > 0 && e.count >= 1);
  assert.equal(typeof e.start, 'bigint');
  assert.equal(e.time, Number(e.start / 1_000_000_000n));
  assert.equal(e.time % 60, 0, 'a 1 m bar starts on a whole UTC minute');
  assert.equal(e.closed, false);
  assert.deepEqual(client.subscriptions(), [{ symbol: 'BTCUSDT', mode: 'conflated', throttle: 0, bars: ['1m'] }]);

  const dropped = server.controls.length;
  server.dropAll(1011);
  await nextEvent(client, 'state', (x) => x.state === 'live');
  const isResub = (c) => c.message.op === 'subscribe' && c.message.symbols.includes('BTCUSDT');
  await until(server, 'control', () => server.controls.slice(dropped).some(isResub), 2000, 'resubscribe');
  assert.deepEqual(server.controls.slice(dropped).find(isResub).message.bars, ['1m']);
  await nextEvent(client, 'bar', (x) => x.symbol === 'BTCUSDT');
  client.close();
});

test('server down: retry delays grow exponentially, then live again when it is back', async () => {
  const client = newClient({ backoff: { initialDelayMs: 20, maxDelayMs: 10_000, random: () => 1 } });
  await client.connect();
  await client.subscribe('NVDA');
  const delays = [];
  client.on('state', (e) => { if (e.state === 'reconnecting' && e.delayMs !== undefined) delays.push(e.delayMs); });
  await server.stop();
  await until(client, 'state', () => delays.length >= 4, 5000, '4 retries');
  assert.deepEqual(delays.slice(0, 4), [20, 40, 80, 160]);
  await server.start();
  await nextEvent(client, 'state', (e) => e.state === 'live', 10_000);
  await nextEvent(client, 'snapshot', (e) => e.symbol === 'NVDA');
  client.close();
});

test('silent server: declared dead after 3 missed heartbeats, then reconnects', async () => {
  const client = newClient();
  await client.connect();
  const errors = [];
  client.on('error', (e) => errors.push(e.codeName));
  server.setSilent(true);
  const started = Date.now();
  const dead = nextEvent(client, 'close', (e) => e.code === 4900, 3000);
  await dead;
  server.setSilent(false);
  assert.ok(Date.now() - started >= 300, 'waits 3 heartbeat intervals (3 x 100 ms)');
  assert.ok(errors.includes('heartbeat_timeout'));
  await nextEvent(client, 'state', (e) => e.state === 'live');
  client.close();
});

test('full mode: a sequence jump is a gap event and triggers a resubscribe', async () => {
  const client = newClient();
  await client.connect();
  await client.subscribe('TSLA', { mode: 'full' });
  await nextEvent(client, 'quote', (e) => e.symbol === 'TSLA');
  const controlsBefore = server.controls.length;
  const gap = nextEvent(client, 'gap');
  server.injectGap('TSLA', 5);
  const g = await gap;
  assert.equal(g.symbol, 'TSLA');
  assert.equal(g.mode, 'full');
  assert.equal(g.missed, 5);
  assert.equal(g.received - g.expected, 5);
  await until(server, 'control', () => server.controls.slice(controlsBefore).some((c) => c.message.op === 'subscribe' && c.message.symbols[0] === 'TSLA'), 2000, 'repair subscribe');
  assert.equal(client.stats.gaps, 1);
  client.close();
});

test('conflated mode: a sequence jump is counted, not a gap', async () => {
  const client = newClient();
  await client.connect();
  await client.subscribe('META');
  await nextEvent(client, 'quote', (e) => e.symbol === 'META');
  let gaps = 0;
  client.on('gap', () => gaps++);
  server.injectGap('META', 7);
  await until(client, 'frame', () => client.stats.conflatedTicks >= 7, 2000, 'conflated count');
  assert.equal(gaps, 0);
  client.close();
});

test('slow-consumer close 4001 is reported and the client reconnects', async () => {
  const client = newClient();
  await client.connect();
  const close = nextEvent(client, 'close');
  server.dropAll(4001);
  const e = await close;
  assert.equal(e.code, 4001);
  assert.equal(e.slowConsumer, true);
  assert.equal(e.willReconnect, true);
  await nextEvent(client, 'state', (s) => s.state === 'live');
  client.close();
});

test('policy close 1008 stops reconnecting', async () => {
  const client = newClient();
  await client.connect();
  const closed = nextEvent(client, 'state', (e) => e.state === 'closed');
  server.dropAll(1008);
  assert.equal((await closed).code, 1008);
});

test('ping measures RTT; symbols and catalog answer', async () => {
  const client = newClient();
  await client.connect();
  const pong = await client.ping();
  assert.ok(pong.rttMs >= 0 && pong.rttMs < 1000);
  assert.equal(typeof pong.serverTime, 'bigint');
  const dir = await client.symbols('BTC');
  assert.deepEqual(dir.map((s) => s.symbol), ['BTCUSDT']);
  assert.equal(dir[0].tickSize, 0.1);
  const cat = await client.catalog();
  assert.equal(cat[0].dataset, 'sample-20131007');
  assert.equal(cat[0].fromMs, Date.parse('2013-10-07T13:30:00Z'));
  client.close();
});

test('replay: start, ticks tagged with replayId, pause/resume, progress, end', async () => {
  const client = newClient();
  await client.connect();
  const trade = nextEvent(client, 'trade', (e) => e.replayId !== null);
  const info = await client.replay({ dataset: 'sample-20131007', symbols: ['AAPL'], speed: 'max' });
  assert.ok(info.replayId > 0);
  assert.equal((await trade).symbol, 'AAPL');
  const paused = await client.pauseReplay(info.replayId);
  assert.equal(paused.state, 'paused');
  const resumed = await client.resumeReplay(info.replayId);
  assert.equal(resumed.state, 'playing');
  const end = await nextEvent(client, 'replay-end', (e) => e.replayId === info.replayId, 10_000);
  assert.equal(end.reason, 'completed');
  const second = await client.replay({ dataset: 'sample-20131007', speed: 1 });
  const stopped = await client.stopReplay(second.replayId);
  assert.equal(stopped.reason, 'stopped');
  client.close();
});

test('unsubscribe stops updates and is not renewed after reconnect', async () => {
  const client = newClient();
  await client.connect();
  await client.subscribe(['AMZN', 'GOOGL']);
  assert.deepEqual(await client.unsubscribe('AMZN'), ['AMZN']);
  assert.equal(client.book('AMZN'), undefined);
  assert.deepEqual(client.subscriptions().map((s) => s.symbol), ['GOOGL']);
  client.close();
});

test('reconnect resumes: exactly the missed full-mode ticks, no snapshot, a resumed event', async () => {
  const keeper = newClient(); // keeps ETHUSDT ticking on the server while the client under test is away
  await keeper.connect();
  await keeper.subscribe('ETHUSDT', { mode: 'full' });
  const client = newClient();
  const welcome = await client.connect();
  await client.subscribe('ETHUSDT', { mode: 'full' });
  const seqs = [];
  let snapshots = 0;
  const gaps = [];
  client.on('quote', (e) => { if (e.symbol === 'ETHUSDT') seqs.push(Number(e.seq)); });
  client.on('trade', (e) => { if (e.symbol === 'ETHUSDT') seqs.push(Number(e.seq)); });
  client.on('snapshot', (e) => { if (e.symbol === 'ETHUSDT') snapshots++; });
  client.on('gap', (g) => gaps.push(g));
  await until(client, 'quote', () => seqs.length >= 5, 5000, 'ticks before the cut');
  snapshots = 0;
  const resumed = nextEvent(client, 'resumed');
  const controlsBefore = server.controls.length;
  server.connections.find((ws) => ws.connectionId === welcome.connectionId).terminate(); // TCP cut
  const cutAt = seqs.length;
  const r = await resumed;
  assert.deepEqual(r.recovered, ['ETHUSDT']);
  assert.deepEqual(r.notRecovered, []);
  const resub = server.controls.slice(controlsBefore).find((c) => c.message.op === 'subscribe').message;
  assert.equal(Number(resub.epoch), 1);
  assert.deepEqual(resub.resume.map(([n, q]) => [n, Number(q)]), [['ETHUSDT', seqs[cutAt - 1]]]);
  await until(client, 'quote', () => seqs.length >= cutAt + 10, 5000, 'ticks after the resume');
  assert.equal(snapshots, 0);
  assert.deepEqual(gaps, []);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `seq ${seqs[i - 1]} then ${seqs[i]}`);
  client.close();
  keeper.close();
});

test('reconnect to a server with another epoch: not recovered, snapshot', async () => {
  const client = newClient();
  const welcome = await client.connect();
  await client.subscribe('SOLUSDT', { mode: 'full' });
  await nextEvent(client, 'quote', (e) => e.symbol === 'SOLUSDT');
  const resumed = nextEvent(client, 'resumed');
  const snapshot = nextEvent(client, 'snapshot', (e) => e.symbol === 'SOLUSDT');
  server.epoch = 2;
  try {
    server.connections.find((ws) => ws.connectionId === welcome.connectionId).terminate();
    const r = await resumed;
    assert.deepEqual(r.recovered, []);
    assert.deepEqual(r.notRecovered, ['SOLUSDT']);
    await snapshot;
  } finally {
    server.epoch = 1;
    client.close();
  }
});

test('snapshot: one basket at a global sequence, unknown symbols reported, then gap-free updates', async () => {
  const client = newClient();
  await client.connect();
  const seqs = [];
  const gaps = [];
  client.on('trade', (e) => { if (e.symbol === 'TSLA') seqs.push(Number(e.seq)); });
  client.on('quote', (e) => { if (e.symbol === 'TSLA') seqs.push(Number(e.seq)); });
  client.on('gap', (g) => gaps.push(g));
  const basketEvent = nextEvent(client, 'basket');
  const basket = await client.snapshot(['TSLA', 'NOPE', 'NVDA'], { mode: 'full' });
  assert.equal(basket.mode, 'full');
  assert.ok(basket.globalSequence >= 0);
  assert.equal(basket.epoch, 1);
  assert.deepEqual(basket.symbols.map((s) => s.symbol), ['TSLA', 'NVDA']);
  assert.deepEqual(basket.states.map((s) => s.symbol), ['TSLA', 'NVDA']);
  assert.deepEqual(basket.errors.map((e) => [e.code, e.symbols]), [[404, ['NOPE']]]);
  assert.equal((await basketEvent).globalSequence, basket.globalSequence);
  const start = basket.states[0].seq;
  await until(client, 'quote', () => seqs.length >= 5, 5000, 'updates after the basket');
  assert.equal(seqs[0], start + 1, 'the first update follows the basket');
  assert.deepEqual(gaps, []);
  assert.deepEqual(client.subscriptions().map((s) => s.symbol).sort(), ['NVDA', 'TSLA']);
  const none = await client.snapshot(['NOPE2']); // as subscribe: resolves, with the error and nothing subscribed
  assert.deepEqual([none.states.length, none.errors.map((e) => e.code)], [0, [404]]);
  client.close();
});
