// A small in-process MarketFeed server speaking protocol v1 (docs/protocol.md) for tests and
// page development: welcome, subscribe/unsubscribe, snapshots, random quotes and trades,
// heartbeats, ping, symbols, catalog and a synthetic replay. Hooks let tests drop connections,
// go silent, inject a sequence gap, and stop/start the server on the same port.
// Not a reference implementation: the real server is src/MarketFeed.Server.

import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer } from 'ws';
import { loadUniverse } from './symbol-universe.mjs';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };
const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const enc = (messages) => encode(messages, { useBigInt64: true });

export class FakeMarketFeedServer {
  /**
   * Subscribes to server events (only 'control': a control message arrived, after it is in
   * `controls`). Returns the unsubscribe function, like the client's emitter.
   * @param {'control'} type
   * @param {(control: {connectionId: string, message: object}) => void} fn
   */
  on(type, fn) {
    if (type !== 'control') throw new TypeError(`unknown event '${type}'`);
    this.#controlListeners.add(fn);
    return () => this.#controlListeners.delete(fn);
  }

  /** Control messages received, in order: {connectionId, message}. */
  controls = [];
  /** The epoch in the welcome (protocol section 7.1); change it to act as a server whose sequences restarted. */
  epoch = 1;
  /** Ticks so far (the fake's global sequence for basket snapshots). */
  ticks = 0;
  #controlListeners = new Set();
  #http = null;
  #wss = null;
  #timers = [];
  #silent = false;
  #nextConnection = 1;
  #universe = loadUniverse();
  #bySymbol = new Map(this.#universe.map((s) => [s.symbol, s]));
  #state = new Map();
  #nextReplayId = 1_000_000;

  /**
   * @param {{port?: number, heartbeatMs?: number, tickIntervalMs?: number, staticDir?: string}} [options]
   */
  constructor(options = {}) {
    this.options = { port: 0, heartbeatMs: 1000, tickIntervalMs: 50, ...options };
    for (const s of this.#universe) {
      this.#state.set(s.symbolId, {
        seq: 0, quoteSeq: 0, quoteTime: 0n, bid: s.refPrice - s.tickSize, bidSize: 100, ask: s.refPrice + s.tickSize, askSize: 100,
        tradeSeq: 0, tradeTime: 0n, last: s.refPrice, lastSize: 0, lastSide: 0, cumVolume: 0, tradeCount: 0,
      });
    }
  }

  /** Base URL (http) once started. */
  get url() { return `http://127.0.0.1:${this.port}`; }

  /** WebSocket endpoint URL once started. */
  get wsUrl() { return `ws://127.0.0.1:${this.port}/ws/v1`; }

  /** Open connections. */
  get connections() { return this.#wss ? [...this.#wss.clients] : []; }

  /** Starts listening (on the previous port after a stop). */
  async start() {
    this.#http = http.createServer((req, res) => this.#serveStatic(req, res));
    this.#wss = new WebSocketServer({
      server: this.#http, path: '/ws/v1',
      handleProtocols: (protocols) => (protocols.has('marketfeed.v1') ? 'marketfeed.v1' : false),
    });
    this.#wss.on('connection', (ws) => this.#onConnection(ws));
    await new Promise((resolve) => this.#http.listen(this.port ?? this.options.port, '127.0.0.1', resolve));
    this.port = this.#http.address().port;
    this.#silent = false;
    this.#timers.push(setInterval(() => this.#heartbeat(), this.options.heartbeatMs));
    this.#timers.push(setInterval(() => this.#tick(), this.options.tickIntervalMs));
    return this;
  }

  /** Stops: closes every connection with `code` (1001 = going away) and the listener. */
  async stop(code = 1001) {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    for (const ws of this.connections) {
      for (const r of ws.replays?.values() ?? []) clearInterval(r.timer);
      code === 'terminate' ? ws.terminate() : ws.close(code, 'server stopping');
    }
    await new Promise((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections?.();
    await new Promise((resolve) => this.#http.close(() => resolve()));
  }

  /** Closes every connection with a close code (e.g. 4001) or kills the TCP link ('terminate'). */
  dropAll(code = 1011) {
    for (const ws of this.connections) (code === 'terminate' ? ws.terminate() : ws.close(code, 'dropped by test'));
  }

  /** Stops sending anything (heartbeats included) while keeping sockets open. */
  setSilent(silent) { this.#silent = silent; }

  /** Sends raw messages to every connection. */
  broadcast(messages) { for (const ws of this.connections) ws.send(enc(messages)); }

  /** Makes the next tick of `symbol` skip `count` sequence numbers (a gap for full-mode clients). */
  injectGap(symbol, count = 5) {
    const s = this.#bySymbol.get(symbol);
    this.#state.get(s.symbolId).seq += count;
  }

  // ---- connection ---------------------------------------------------------------------------

  #onConnection(ws) {
    ws.connectionId = `fake-${this.#nextConnection++}`;
    ws.subs = new Map();
    ws.replays = new Map();
    ws.send(enc([[9, 'welcome', {
      server: 'MarketFeed', protocol: 1, connectionId: ws.connectionId, epoch: this.epoch, heartbeatMs: this.options.heartbeatMs,
      maxSymbolsPerConnection: 500, maxControlMessageBytes: 65536, fullQueueCapacity: 10000, slowConsumerTimeoutMs: 5000,
    }]]));
    ws.on('message', (data, isBinary) => {
      let msg;
      try {
        msg = isBinary ? decode(data, { useBigInt64: true }) : JSON.parse(String(data));
      } catch {
        ws.send(enc([[5, 0, 400, 'bad_request', 'not MessagePack/JSON', null]]));
        return;
      }
      const control = { connectionId: ws.connectionId, message: msg };
      this.controls.push(control);
      for (const fn of [...this.#controlListeners]) fn(control);
      this.#onControl(ws, msg);
    });
  }

  // Synthetic history ending at the current interval: `last` bars (default 120) around the reference
  // price, with a three-interval gap in the middle so that the chart's gap drawing can be seen.
  #bars(ws, id, m) {
    const s = this.#bySymbol.get(m.symbol);
    if (!s) return ws.send(enc([[5, id, 404, 'unknown_symbol', `unknown symbol '${m.symbol}'`, m.symbol ?? null]]));
    const seconds = { '1s': 1, '1m': 60, '5m': 300 }[m.interval];
    if (!seconds) return ws.send(enc([[5, id, 400, 'bad_request', `interval ${m.interval} is not kept`, null]]));
    const n = Math.min(Number(m.last ?? 120), 2000);
    const step = BigInt(seconds) * 1_000_000_000n;
    const now = (nowNs() / step) * step;
    const bars = [];
    for (let i = n - 1; i >= 0; i--) {
      if (i >= Math.floor(n / 2) && i < Math.floor(n / 2) + 3) continue; // the gap
      const p = s.refPrice + (i % 7) * s.tickSize;
      bars.push([now - BigInt(i) * step, p, p + 2 * s.tickSize, p - s.tickSize, p + s.tickSize, 100 * (i + 1), i + 1, 0, i !== 0]);
    }
    return ws.send(enc([[15, id, s.symbol, m.interval, s.priceDecimals, s.sizeDecimals, bars, true]]));
  }

  #onControl(ws, m) {
    const id = Number(m.id ?? 0);
    switch (m.op) {
      case 'subscribe': return this.#subscribe(ws, id, m);
      case 'snapshot': return this.#basket(ws, id, m);
      case 'unsubscribe': {
        const names = m.symbols.includes('*') ? [...ws.subs.keys()].map((sid) => this.#universe[sid].symbol) : m.symbols;
        for (const n of names) { const s = this.#bySymbol.get(n); if (s) ws.subs.delete(s.symbolId); }
        return ws.send(enc([[12, id, names]]));
      }
      case 'ping': return ws.send(enc([[10, id, m.time ?? 0, nowNs()]]));
      case 'symbols': {
        const prefix = (m.match ?? '').toUpperCase();
        const list = this.#universe.filter((s) => s.symbol.startsWith(prefix));
        return ws.send(enc([[11, id, list.map((s) => [s.symbol, s.symbolId, s.priceDecimals, s.sizeDecimals, s.tickSize, s.lotSize, s.currency, s.description, s.refPrice])]]));
      }
      case 'catalog': {
        const from = 1_381_152_600_000_000_000n; // 2013-10-07T13:30:00Z
        return ws.send(enc([[13, id, [['sample-20131007', ['AAPL', 'MSFT'], from, from + 60_000_000_000n, 2400]]]]));
      }
      case 'replay': return this.#replay(ws, id, m);
      case 'bars': return this.#bars(ws, id, m);
      case 'replay.pause': case 'replay.resume': case 'replay.speed': {
        const r = ws.replays.get(Number(m.replayId));
        if (!r) return ws.send(enc([[5, id, 409, 'conflict', 'no such replay', null]]));
        if (m.op === 'replay.pause') r.paused = true;
        if (m.op === 'replay.resume') r.paused = false;
        if (m.op === 'replay.speed') r.speed = m.speed;
        return ws.send(enc([[14, r.replayId, r.paused ? 'paused' : 'playing', speedText(r.speed), r.position]]));
      }
      case 'replay.stop': {
        const r = ws.replays.get(Number(m.replayId));
        if (!r) return ws.send(enc([[5, id, 409, 'conflict', 'no such replay', null]]));
        clearInterval(r.timer);
        ws.replays.delete(r.replayId);
        return ws.send(enc([[8, id, r.replayId, 'stopped', r.ticksSent]]));
      }
      default:
        return ws.send(enc([[5, id, 405, 'unknown_op', `unknown op ${m.op}`, null]]));
    }
  }

  #subscribe(ws, id, m) {
    const mode = m.mode ?? 'conflated';
    const throttle = Number(m.throttle ?? 0);
    const refs = [];
    const out = [];
    for (const name of m.symbols ?? []) {
      const s = this.#bySymbol.get(name);
      if (!s) { out.push([5, id, 404, 'unknown_symbol', `unknown symbol ${name}`, name]); continue; }
      ws.subs.set(s.symbolId, { mode, throttle, bars: Array.isArray(m.bars) ? m.bars : [] });
      refs.push(s);
    }
    // Resume (section 7.1): same epoch and the ticks after lastSeq still held -> recovered, no snapshot.
    const resume = new Map((Array.isArray(m.resume) ? m.resume : []).map(([n, q]) => [String(n), Number(q)]));
    const sameEpoch = m.resume != null && Number(m.epoch) === this.epoch;
    const missed = [];
    const recovered = refs.map((s) => {
      if (!sameEpoch || !resume.has(s.symbol)) return false;
      const last = resume.get(s.symbol);
      const st = this.#state.get(s.symbolId);
      if (last === st.seq) return true;
      const after = (st.history ?? []).filter((x) => x[2] > last);
      if (last > st.seq || after.length === 0 || after[0][2] !== last + 1) return false;
      missed.push(...after);
      return true;
    });
    const ack = [3, id, mode, throttle, refs.map((s) => [s.symbol, s.symbolId, s.priceDecimals, s.sizeDecimals])];
    if (m.resume != null) ack.push(recovered);
    out.push(ack);
    if (m.snapshot !== false || m.resume != null) {
      for (const [i, s] of refs.entries()) {
        if (recovered[i]) continue;
        const st = this.#state.get(s.symbolId);
        out.push([4, s.symbolId, st.seq, st.quoteSeq, st.quoteTime, st.bid, st.bidSize, st.ask, st.askSize,
          st.tradeSeq, st.tradeTime, st.last, st.lastSize, st.lastSide, st.cumVolume, st.tradeCount]);
      }
    }
    out.push(...missed);
    ws.send(enc(out));
  }

  // Basket snapshot (section 5.1): errors, ack, one basket at one global sequence (here: the
  // fake's tick count, which it takes between two ticks), then live updates as for subscribe.
  #basket(ws, id, m) {
    const mode = m.mode ?? 'conflated';
    const throttle = Number(m.throttle ?? 0);
    const names = (m.symbols ?? []).length === 1 && m.symbols[0] === '*' ? this.#universe.map((s) => s.symbol) : (m.symbols ?? []);
    const refs = [];
    const unknown = [];
    for (const name of names) {
      const s = this.#bySymbol.get(name);
      if (!s) { unknown.push(name); continue; }
      ws.subs.set(s.symbolId, { mode, throttle });
      refs.push(s);
    }
    const out = [];
    if (unknown.length) out.push([5, id, 404, 'unknown_symbol', `${unknown.length} unknown symbols`, unknown[0], unknown]);
    out.push([3, id, mode, throttle, refs.map((s) => [s.symbol, s.symbolId, s.priceDecimals, s.sizeDecimals])]);
    const states = refs.map((s) => {
      const st = this.#state.get(s.symbolId);
      return [4, s.symbolId, st.seq, st.quoteSeq, st.quoteTime, st.bid, st.bidSize, st.ask, st.askSize,
        st.tradeSeq, st.tradeTime, st.last, st.lastSize, st.lastSide, st.cumVolume, st.tradeCount];
    });
    out.push([17, id, this.ticks, this.epoch, states]);
    ws.send(enc(out));
  }

  #replay(ws, id, m) {
    const s = this.#bySymbol.get((m.symbols ?? ['AAPL'])[0]) ?? this.#bySymbol.get('AAPL');
    const from = 1_381_152_600_000_000_000n;
    const to = from + 60_000_000_000n;
    const r = { replayId: this.#nextReplayId++, symbolId: 0, position: from, speed: m.speed ?? 1, paused: false, ticksSent: 0, seq: 0, price: s.refPrice };
    r.symbolId = r.replayId + 1; // replay symbol ids never collide with live ids
    ws.replays.set(r.replayId, r);
    ws.send(enc([[7, id, r.replayId, m.dataset, from, to, speedText(r.speed), m.mode ?? 'full', [[s.symbol, r.symbolId, s.priceDecimals, s.sizeDecimals]]]]));
    let lastStatus = 0;
    r.timer = setInterval(() => {
      if (r.paused || ws.readyState !== 1) return;
      const stepNs = BigInt(Math.round(50_000_000 * (r.speed === 'max' ? 200 : Number(r.speed))));
      r.position += stepNs;
      r.seq++;
      r.price += Math.round((Math.random() - 0.5) * 4) * s.tickSize;
      r.ticksSent++;
      const msgs = [[2, r.symbolId, r.seq, r.position, r.price, 10, 1, r.seq * 10, r.seq]];
      if (Date.now() - lastStatus > 1000 || r.position >= to) {
        lastStatus = Date.now();
        msgs.push([14, r.replayId, 'playing', speedText(r.speed), r.position < to ? r.position : to]);
      }
      if (r.position >= to) {
        clearInterval(r.timer);
        ws.replays.delete(r.replayId);
        msgs.push([8, id, r.replayId, 'completed', r.ticksSent]);
      }
      ws.send(enc(msgs));
    }, 50);
  }

  // ---- market simulation --------------------------------------------------------------------

  #heartbeat() {
    if (this.#silent) return;
    for (const ws of this.connections) if (ws.readyState === 1) ws.send(enc([[6, nowNs()]]));
  }

  #tick() {
    this.ticks++;
    const wanted = new Set();
    for (const ws of this.connections) for (const sid of ws.subs.keys()) wanted.add(sid);
    const updates = new Map();
    for (const sid of wanted) {
      const s = this.#universe[sid];
      const st = this.#state.get(sid);
      const t = nowNs();
      const msgs = [];
      if (Math.random() < 0.7) {
        st.seq++;
        const mid = Math.max(s.tickSize * 10, Math.round(((st.bid + st.ask) / 2) / s.tickSize + (Math.random() - 0.5) * 6) * s.tickSize);
        Object.assign(st, { quoteSeq: st.seq, quoteTime: t, bid: mid - s.tickSize, ask: mid + s.tickSize,
          bidSize: (1 + Math.floor(Math.random() * 9)) * 100 * s.lotSize, askSize: (1 + Math.floor(Math.random() * 9)) * 100 * s.lotSize });
        msgs.push([1, sid, st.seq, t, st.bid, st.bidSize, st.ask, st.askSize]);
      }
      if (Math.random() < 0.5) {
        st.seq++;
        const side = Math.random() < 0.5 ? 1 : 2;
        const size = (1 + Math.floor(Math.random() * 20)) * 10 * s.lotSize;
        Object.assign(st, { tradeSeq: st.seq, tradeTime: t, last: side === 1 ? st.ask : st.bid, lastSize: size, lastSide: side,
          cumVolume: st.cumVolume + size, tradeCount: st.tradeCount + 1 });
        msgs.push([2, sid, st.seq, t, st.last, size, side, st.cumVolume, st.tradeCount]);
        // Live bars from trades (protocol 4.12): the closed bar on rollover, then the current one.
        st.bars ??= {};
        for (const [interval, seconds] of Object.entries(BAR_SECONDS)) {
          const step = BigInt(seconds) * 1_000_000_000n;
          const start = (t / step) * step;
          const cur = st.bars[interval];
          const out = [];
          if (cur && cur[0] !== start) out.push([16, sid, interval, ...cur, 0, true]);
          st.bars[interval] = cur && cur[0] === start
            ? [start, cur[1], Math.max(cur[2], st.last), Math.min(cur[3], st.last), st.last, cur[5] + size, cur[6] + 1]
            : [start, st.last, st.last, st.last, st.last, size, 1];
          out.push([16, sid, interval, ...st.bars[interval], 0, false]);
          (st.barUpdates ??= {})[interval] = out;
        }
      }
      updates.set(sid, msgs);
      // Recent ticks per symbol, so that a resume can be served (like the server's journal).
      st.history = [...(st.history ?? []), ...msgs].slice(-10_000);
    }
    if (this.#silent) return;
    for (const ws of this.connections) {
      if (ws.readyState !== 1) continue;
      const frame = [];
      for (const [sid, sub] of ws.subs) {
        const msgs = updates.get(sid) ?? [];
        frame.push(...msgs);
        const st = this.#state.get(sid);
        if (msgs.some((x) => x[0] === 2)) for (const interval of sub.bars) frame.push(...(st.barUpdates?.[interval] ?? []));
      }
      if (frame.length) ws.send(enc(frame));
    }
  }

  // ---- static files (the built dashboard) ---------------------------------------------------

  async #serveStatic(req, res) {
    const dir = this.options.staticDir;
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (urlPath === '/ws/v1') { res.writeHead(400).end('WebSocket upgrade required'); return; }
    if (!dir) { res.writeHead(404).end(); return; }
    const file = path.join(dir, path.normalize(urlPath === '/' ? '/index.html' : urlPath));
    try {
      if (!file.startsWith(path.resolve(dir)) || !(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  }
}

const BAR_SECONDS = { '1s': 1, '1m': 60, '5m': 300 };

function speedText(speed) {
  return speed === 'max' ? 'max' : `${speed}x`;
}
