// MarketFeedClient given several endpoints of one feed (scale-out gateways, docs/scale-out.md):
// when its server goes away it dials the next one at once and resumes its subscriptions there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { MarketFeedClient } from '../client/marketfeed-client.js';
import { FakeMarketFeedServer } from './support/fake-server.mjs';
import { nextEvent, until } from './support/wait.mjs';

test('urls: a lost server makes the client move to the next at once and resume there', async () => {
  const first = await new FakeMarketFeedServer({ heartbeatMs: 100, tickIntervalMs: 20 }).start();
  const second = await new FakeMarketFeedServer({ heartbeatMs: 100, tickIntervalMs: 20 }).start();
  // A long backoff: only the immediate failover try can make the test pass in time.
  const client = new MarketFeedClient({
    url: first.wsUrl, urls: [second.wsUrl], WebSocket, pingIntervalMs: 0,
    backoff: { initialDelayMs: 30000, maxDelayMs: 30000, random: () => 0.5 },
  });
  try {
    await client.connect();
    assert.equal(client.url, first.wsUrl);
    await client.subscribe(['BTCUSDT'], { mode: 'full' });
    await nextEvent(client, 'trade', (e) => e.symbol === 'BTCUSDT');
    const resumed = nextEvent(client, 'resumed', () => true, 5000);
    first.dropAll(1011);
    const r = await resumed;
    assert.equal(client.url, second.wsUrl);
    assert.deepEqual([...r.recovered, ...r.notRecovered], ['BTCUSDT'], 'the resume names the symbol, recovered or not');
    await until(client, 'state', () => client.state === 'live', 5000, 'live on the second server');
    await nextEvent(client, 'trade', (e) => e.symbol === 'BTCUSDT');
  } finally {
    client.close();
    await first.stop();
    await second.stop();
  }
});

test('url and urls: duplicates are dialled once; url defaults to the first of urls', () => {
  const client = new MarketFeedClient({ urls: ['ws://127.0.0.1:1/ws/v1', 'ws://127.0.0.1:2/ws/v1'], WebSocket });
  assert.equal(client.url, 'ws://127.0.0.1:1/ws/v1');
});
