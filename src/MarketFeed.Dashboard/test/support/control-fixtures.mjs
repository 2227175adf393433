// Control messages exactly as MarketFeedClient sends them, captured from its public API through a
// recording WebSocket. Written to test/fixtures/control/*.bin; the .NET side parses them with the
// server's ControlRequestParser (tests/MarketFeed.UnitTests/JsClientFixtureTests.cs).
import { MarketFeedClient } from '../../client/marketfeed-client.js';
import { fixture } from './fixtures.mjs';

/** Fixed client clock for the ping's `time` (ms): 2025-11-27T00:00:00.123Z. */
export const PING_CLOCK_MS = 1_764_201_600_123;

class RecordingWebSocket {
  static last = null;
  sent = [];
  constructor(url, protocols) { this.url = url; this.protocols = protocols; RecordingWebSocket.last = this; }
  send(data) { this.sent.push(new Uint8Array(data)); }
  close() {}
}

/** @returns {Promise<Map<string, Uint8Array>>} fixture name -> bytes sent */
export async function captureControlFrames() {
  const client = new MarketFeedClient({ url: 'ws://fixture/ws/v1', WebSocket: RecordingWebSocket, pingIntervalMs: 0, reconnect: false });
  const live = client.connect();
  const ws = RecordingWebSocket.last;
  ws.onmessage({ data: fixture('status-welcome').slice().buffer });
  await live;

  const realNow = Date.now;
  const calls = [
    ['subscribe-conflated', () => client.subscribe(['AAPL', 'MSFT'], { mode: 'conflated', throttle: 10 })],
    ['subscribe-full', () => client.subscribe('btcusdt', { mode: 'full', snapshot: false })],
    ['unsubscribe', () => client.unsubscribe(['AAPL'])],
    ['ping', () => { Date.now = () => PING_CLOCK_MS; try { return client.ping(); } finally { Date.now = realNow; } }],
    ['symbols', () => client.symbols('A')],
    ['catalog', () => client.catalog()],
    ['replay', () => client.replay({
      dataset: 'ibm-20131007', symbols: ['IBM'], from: new Date('2013-10-07T13:30:00Z'),
      to: Date.parse('2013-10-07T14:00:00Z'), speed: 10, mode: 'full',
    })],
    ['replay-max', () => client.replay({ dataset: 'ibm-20131007', speed: 'max' })],
    ['replay-pause', () => client.pauseReplay(3)],
    ['replay-resume', () => client.resumeReplay(3)],
    ['replay-speed', () => client.setReplaySpeed(3, 0.5)],
    ['replay-seek', () => client.seekReplay(3, 1_381_154_400_000_000_000n)],
    ['replay-stop', () => client.stopReplay(3)],
  ];
  const frames = new Map();
  for (const [name, call] of calls) {
    const before = ws.sent.length;
    call().catch(() => {}); // no replies come: the close below rejects them
    await new Promise((r) => setImmediate(r));
    if (ws.sent.length !== before + 1) throw new Error(`${name}: expected one message, got ${ws.sent.length - before}`);
    frames.set(name, ws.sent[before]);
  }
  client.close();
  return frames;
}
