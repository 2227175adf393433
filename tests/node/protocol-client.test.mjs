// A MarketFeed client written from docs/protocol.md alone (no code shared with the server),
// run against a real server whose WebSocket URL is in MARKETFEED_URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { decode, encode } from '@msgpack/msgpack';

const url = process.env.MARKETFEED_URL;

// Messages are arrays [kind, ...]; frames are arrays of messages. Timestamps exceed 2^53,
// so decode int64 as BigInt and convert what is known to be small.
const decodeFrame = (data) => decode(data, { useBigInt64: true });
const num = (v) => (typeof v === 'bigint' ? Number(v) : v);
// Small integers decode as numbers and large ones as BigInt: compare sequence numbers as BigInt.
const big = (v) => BigInt(v);

function connect() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['marketfeed.v1']);
    const queue = [];
    const waiters = [];
    ws.on('message', (data, isBinary) => {
      assert.ok(isBinary, 'server frames are binary');
      for (const m of decodeFrame(data)) {
        queue.push(m);
      }
      while (waiters.length && queue.length) waiters.shift()();
    });
    ws.on('open', () => resolve({
      ws,
      async next(timeoutMs = 10000) {
        if (!queue.length) {
          await new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error('timed out waiting for a message')), timeoutMs);
            waiters.push(() => { clearTimeout(timer); res(); });
          });
        }
        return queue.shift();
      },
    }));
    ws.on('error', reject);
  });
}

test('welcome, subscribe (JSON text), ack with scales, snapshot, then contiguous full-mode sequences', { skip: !url }, async () => {
  const c = await connect();
  try {
    const welcome = await c.next();
    assert.equal(welcome[0], 9);
    assert.equal(welcome[1], 'welcome');
    assert.ok(num(welcome[2].heartbeatMs) > 0);

    c.ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols: ['AAPL', 'MSFT', 'NVDA'], mode: 'full' }));
    let m;
    do { m = await c.next(); } while (m[0] !== 3);
    assert.equal(num(m[1]), 1);
    assert.equal(m[2], 'full');
    const ids = new Map(m[4].map(([sym, id, pd]) => [num(id), { sym, scale: 10 ** num(pd) }]));
    assert.deepEqual([...ids.values()].map((v) => v.sym), ['AAPL', 'MSFT', 'NVDA']);

    const last = new Map();
    let updates = 0;
    while (updates < 3000) {
      m = await c.next();
      const kind = m[0];
      if (kind === 4) {
        last.set(num(m[1]), big(m[2])); // snapshot: seq baseline
      } else if (kind === 1 || kind === 2) {
        const id = num(m[1]);
        assert.ok(ids.has(id), `unknown symbol id ${id}`);
        assert.ok(last.has(id), 'update before snapshot');
        assert.equal(big(m[2]), last.get(id) + 1n, `gap on ${ids.get(id).sym}`);
        last.set(id, big(m[2]));
        if (kind === 1) {
          const bid = Number(m[4]) / ids.get(id).scale;
          const ask = Number(m[6]) / ids.get(id).scale;
          assert.ok(bid > 0 && ask > bid, `bad quote ${bid}/${ask}`);
        } else {
          assert.ok([0, 1, 2].includes(num(m[6])), 'side');
          assert.ok(big(m[7]) >= big(m[5]), 'cumulative volume includes this trade');
        }
        updates++;
      }
    }
  } finally {
    c.ws.terminate();
  }
});

test('MessagePack control messages, ping/pong, errors with documented codes', { skip: !url }, async () => {
  const c = await connect();
  try {
    c.ws.send(encode({ op: 'ping', id: 7, time: 123 }));
    c.ws.send(encode({ op: 'subscribe', id: 8, symbols: ['NOT_A_SYMBOL'] }));
    c.ws.send('{"op":"frobnicate","id":9}');
    const got = new Map();
    while (got.size < 3) {
      const m = await c.next();
      if (m[0] === 10) got.set('pong', m);
      if (m[0] === 5 && num(m[2]) === 404) got.set('404', m);
      if (m[0] === 5 && num(m[2]) === 405) got.set('405', m);
    }
    assert.equal(num(got.get('pong')[1]), 7);
    assert.equal(num(got.get('pong')[2]), 123);
    assert.equal(got.get('404')[3], 'unknown_symbol');
    assert.equal(got.get('404')[5], 'NOT_A_SYMBOL');
    assert.equal(got.get('405')[3], 'unknown_op');
  } finally {
    c.ws.terminate();
  }
});

test('conflated mode: sequence never goes backwards, cumulative volume never decreases', { skip: !url }, async () => {
  const c = await connect();
  try {
    c.ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols: ['AAPL', 'MSFT'], throttle: 20 }));
    const lastSeq = new Map();
    const lastVol = new Map();
    let updates = 0;
    while (updates < 60) {
      const m = await c.next();
      if (m[0] === 4) { lastSeq.set(num(m[1]), big(m[2])); lastVol.set(num(m[1]), big(m[14])); }
      if (m[0] === 1 || m[0] === 2) {
        const id = num(m[1]);
        assert.ok(big(m[2]) > lastSeq.get(id), 'seq went backwards');
        lastSeq.set(id, big(m[2]));
        if (m[0] === 2) {
          assert.ok(big(m[7]) > lastVol.get(id), 'cumulative volume must grow with each trade');
          lastVol.set(id, big(m[7]));
        }
        updates++;
      }
    }
  } finally {
    c.ws.terminate();
  }
});

test('resume after a cut: epoch from the welcome, [symbol, lastSeq] pairs, recovered flags, exactly the missed ticks', { skip: !url }, async () => {
  const symbols = ['AAPL', 'MSFT', 'NVDA'];
  const last = new Map(); // symbol name -> last seq held (BigInt)
  let epoch;
  let names;
  const first = await connect();
  try {
    const welcome = await first.next();
    epoch = welcome[2].epoch;
    assert.ok(big(epoch) > 0n, 'welcome carries a positive epoch');
    first.ws.send(JSON.stringify({ op: 'subscribe', id: 1, symbols, mode: 'full' }));
    let m;
    do { m = await first.next(); } while (m[0] !== 3);
    names = new Map(m[4].map(([sym, id]) => [num(id), sym]));
    let updates = 0;
    while (updates < 2000) {
      m = await first.next();
      if (m[0] === 4) last.set(names.get(num(m[1])), big(m[2]));
      if (m[0] === 1 || m[0] === 2) {
        const sym = names.get(num(m[1]));
        assert.equal(big(m[2]), last.get(sym) + 1n);
        last.set(sym, big(m[2]));
        updates++;
      }
    }
  } finally {
    first.ws.terminate(); // a cut, not a close
  }

  const second = await connect();
  try {
    const welcome = await second.next();
    assert.equal(big(welcome[2].epoch), big(epoch), 'same server, same epoch');
    // MessagePack control message: seq numbers and the epoch as int64.
    second.ws.send(encode({
      op: 'subscribe', id: 2, symbols, mode: 'full', epoch: big(epoch),
      resume: symbols.map((s) => [s, last.get(s)]),
    }, { useBigInt64: true }));
    let m;
    do { m = await second.next(); } while (m[0] !== 3);
    assert.equal(num(m[1]), 2);
    assert.deepEqual(m[5], [true, true, true], 'sixth ack field: recovered per symbol');
    names = new Map(m[4].map(([sym, id]) => [num(id), sym]));
    let updates = 0;
    while (updates < 2000) {
      m = await second.next();
      assert.notEqual(m[0], 4, 'no snapshot for a recovered symbol');
      if (m[0] === 1 || m[0] === 2) {
        const sym = names.get(num(m[1]));
        assert.equal(big(m[2]), last.get(sym) + 1n, `resumed ${sym} must continue at lastSeq + 1`);
        last.set(sym, big(m[2]));
        updates++;
      }
    }
  } finally {
    second.ws.terminate();
  }
});
