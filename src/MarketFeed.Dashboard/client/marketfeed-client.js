// MarketFeed JS client (protocol marketfeed.v1, docs/protocol.md; API in docs/js-client.md).
// Works in browsers (global WebSocket) and in node (pass the `ws` package's WebSocket).

import { backoffDelay } from './backoff.js';
import { encodeControl } from './control-encoder.js';
import { Emitter } from './emitter.js';
import { decodeFrame } from './frame-decoder.js';
import { fromFixed } from './fixed-point.js';
import {
  CloseCode, ENDPOINT_PATH, ErrorCode, NO_RECONNECT_CLOSE_CODES, SLOW_CONSUMER_CLOSE_CODES, SUBPROTOCOL,
} from './protocol-constants.js';
import { SymbolStream } from './symbol-stream.js';
import { millisToNanos, nanosToMillis } from './wire-int.js';

export { CloseCode, ErrorCode, MessageKind, SUBPROTOCOL } from './protocol-constants.js';
export { decodeFrame } from './frame-decoder.js';
export { fromFixed, toFixed } from './fixed-point.js';
export { backoffDelay } from './backoff.js';

/** Error raised for a server error reply (kind 5) or a lost connection. */
export class MarketFeedError extends Error {
  /**
   * @param {string} message
   * @param {{code?: number, codeName?: string, symbol?: string|null, symbols?: string[], requestId?: number}} [info]
   */
  constructor(message, info = {}) {
    super(message);
    this.name = 'MarketFeedError';
    /** Protocol error code (section 8), or 0 for client-side errors. */
    this.code = info.code ?? 0;
    /** Protocol error name, e.g. 'unknown_symbol'; 'disconnected' or 'timeout' client-side. */
    this.codeName = info.codeName ?? '';
    this.symbol = info.symbol ?? null;
    /** Every symbol this error rejects (one unknown_symbol error lists all of a request's; else [symbol] or []). */
    this.symbols = info.symbols ?? (this.symbol != null ? [this.symbol] : []);
    this.requestId = info.requestId ?? 0;
  }
}

/**
 * @typedef {object} ClientOptions
 * @property {string} [url] WebSocket URL; default `ws(s)://<page host>/ws/v1` in a browser
 * @property {string[]} [urls] more endpoints of the same feed (scale-out gateways, docs/scale-out.md):
 *   after a lost connection the client dials the next one in turn (the first try at once) and resumes there
 * @property {typeof WebSocket} [WebSocket] constructor (node: `import WebSocket from 'ws'`)
 * @property {boolean} [reconnect=true] reconnect after an unexpected close
 * @property {import('./backoff.js').BackoffOptions} [backoff] reconnect delays
 * @property {number} [heartbeatMisses=3] silent heartbeat intervals before the link is declared dead
 * @property {number} [connectTimeoutMs=10000] max time from dialling to the welcome message
 * @property {number} [requestTimeoutMs=10000] max wait for a reply to a request
 * @property {number} [pingIntervalMs=5000] automatic ping period while live, for RTT (0 = off)
 * @property {boolean} [resubscribeOnGap=true] resubscribe a full-mode symbol when a gap is seen
 * @property {boolean} [resume=true] after a reconnect, resume each symbol from its last seq (protocol section 7.1); the 'resumed' event says which were recovered
 * @property {boolean} [reconnectOnPolicyClose=false] also reconnect after 1003/1008/1009
 */

/**
 * @typedef {'idle'|'connecting'|'live'|'reconnecting'|'closed'} ConnectionState
 */

/**
 * A MarketFeed connection: subscriptions survive reconnects; events carry scaled numbers.
 *
 * Events (`client.on(name, fn)`): `state`, `status`, `quote`, `trade`, `snapshot`, `ack`, `basket`,
 * `unsubscribed`, `error`, `gap`, `heartbeat`, `pong`, `close`, `frame`, `bar`, `replay-start`,
 * `replay-status`, `replay-end`, `message`. See docs/js-client.md for payloads.
 */
export class MarketFeedClient extends Emitter {
  /** @type {ClientOptions} */
  #opts;
  /** @type {WebSocket|null} */
  #ws = null;
  /** @type {ConnectionState} */
  #state = 'idle';
  #attempt = 0;
  #nextId = 1;
  #userClosed = false;
  #reconnectTimer = null;
  /** Endpoints of the feed: url first, then urls; #endpoint indexes the one in use. */
  #endpoints = [];
  #endpoint = 0;
  #watchdog = null;
  #connectTimer = null;
  #pingTimer = null;
  #lastReceiveAt = 0;
  #heartbeatMs = 1000;
  /** Desired live subscriptions: symbol -> {mode, throttle}. Replayed on every (re)connect. */
  #wanted = new Map();
  /** Streams by wire symbol id (live and replay ids never collide on one connection). */
  #streams = new Map();
  /** Live symbol name -> stream. */
  #liveByName = new Map();
  /** Live streams of the lost connection (by name) until the reconnect's acks say whether they resume. */
  #resumable = new Map();
  /** Active replays: replayId -> info. */
  #replays = new Map();
  /** requestId -> {op, resolve, reject, timer, errors, sentAt} */
  #pending = new Map();
  /** replayId -> [{id, expectState}] of replay control requests answered by a replay status. */
  #replayWaiters = new Map();
  /** replayId -> id of its pending replay.stop request. */
  #stopRequests = new Map();
  /** Symbols resubscribed after a gap and not yet acked (one repair at a time per symbol). */
  #repairing = new Set();
  #welcomeWaiters = [];
  #welcome = null;
  /** Epoch of the connection the cached sequences come from (from its welcome); null unknown. */
  #epoch = null;
  /** Symbols whose subscribe() call waits for the connection and will send them itself. */
  #deferred = new Set();

  /** Counters since construction. */
  stats = {
    framesReceived: 0, messagesReceived: 0, bytesReceived: 0, quotes: 0, trades: 0,
    conflatedTicks: 0, gaps: 0, staleDropped: 0, unknownSymbolMessages: 0, decodeErrors: 0,
    reconnects: 0, lastRttMs: null,
  };

  /** @param {ClientOptions} [options] */
  constructor(options = {}) {
    super();
    this.#opts = {
      reconnect: true, heartbeatMisses: 3, connectTimeoutMs: 10000, requestTimeoutMs: 10000,
      pingIntervalMs: 5000, resubscribeOnGap: true, resume: true, reconnectOnPolicyClose: false, backoff: {},
      ...options,
    };
    this.#opts.url ??= this.#opts.urls?.[0] ?? defaultUrl();
    this.#opts.WebSocket ??= globalThis.WebSocket;
    if (!this.#opts.WebSocket) throw new TypeError('No WebSocket: pass options.WebSocket (node: the ws package)');
    if (!this.#opts.url) throw new TypeError('options.url is required outside a page served over http(s)');
    this.#endpoints = [...new Set([this.#opts.url, ...(this.#opts.urls ?? [])])];
  }

  /** @returns {ConnectionState} current connection state */
  get state() { return this.#state; }

  /** Details of the last welcome status (connectionId, heartbeatMs, limits), or null. */
  get welcome() { return this.#welcome; }

  /** The URL this client connects (or last connected) to: `url`, or one of `urls` after a failover. */
  get url() { return this.#endpoints[this.#endpoint]; }

  /**
   * Opens the connection (reconnecting by itself afterwards). Idempotent.
   * @returns {Promise<object>} resolves with the welcome details once live
   */
  connect() {
    if (this.#state === 'live') return Promise.resolve(this.#welcome);
    const p = this.#waitLive();
    if (this.#state === 'idle' || this.#state === 'closed') {
      this.#userClosed = false;
      this.#attempt = 0;
      this.#dial('connecting');
    }
    return p;
  }

  /**
   * Subscribes to live symbols. The subscription is remembered and renewed after every reconnect.
   * @param {string|string[]} symbols
   * @param {{mode?: 'conflated'|'full', throttle?: number, snapshot?: boolean, bars?: string[]}} [options]
   *   `bars`: intervals the server keeps (e.g. ['1m']) whose live bar updates arrive as `bar` events
   * @returns {Promise<{mode: string, throttle: number, symbols: object[], errors: MarketFeedError[]}>}
   *   the ack: subscribed symbols with ids and decimals, and per-symbol errors (e.g. 404 unknown)
   */
  async subscribe(symbols, options = {}) {
    const list = toList(symbols);
    const mode = options.mode ?? 'conflated';
    const throttle = options.throttle ?? 0;
    const bars = options.bars?.length ? [...options.bars] : undefined;
    for (const s of list) this.#wanted.set(s, bars ? { mode, throttle, bars } : { mode, throttle });
    if (this.#state !== 'live') {
      // Sent below once live; keep the reconnect's resubscribe from sending them twice.
      for (const s of list) this.#deferred.add(s);
      try { await this.connect(); } finally { for (const s of list) this.#deferred.delete(s); }
    }
    return this.#request('subscribe', { symbols: list, mode, throttle, snapshot: options.snapshot ?? true, bars });
  }

  /**
   * Basket snapshot (docs/protocol.md section 5.1): subscribes the symbols (`'*'` = every symbol this
   * connection may see) and resolves with their states as of one global sequence of the feed. Every
   * update that follows is later than it (full mode: gap-free from each basket `seq`). The symbols
   * stay subscribed and are renewed (with a plain subscribe) after reconnects. Each state is also
   * emitted as a `snapshot` event, then the whole reply as a `basket` event.
   * @param {string|string[]} symbols
   * @param {{mode?: 'conflated'|'full', throttle?: number}} [options]
   * @returns {Promise<{requestId: number, globalSequence: number, epoch: number, mode: string, throttle: number,
   *   symbols: object[], states: object[], errors: MarketFeedError[]}>} `states` are the books (real units), in the order of `symbols`
   */
  async snapshot(symbols, options = {}) {
    const list = toList(symbols);
    const mode = options.mode ?? 'conflated';
    const throttle = options.throttle ?? 0;
    if (this.#state !== 'live') await this.connect();
    return this.#request('snapshot', { symbols: list, mode, throttle });
  }

  /**
   * Unsubscribes live symbols (`'*'` = all). They are not renewed after reconnects.
   * @param {string|string[]} symbols
   * @returns {Promise<string[]>} symbols the server confirmed
   */
  async unsubscribe(symbols) {
    const list = toList(symbols);
    if (list.includes('*')) this.#wanted.clear();
    else for (const s of list) this.#wanted.delete(s);
    if (this.#state !== 'live') return [];
    const ack = await this.#request('unsubscribe', { symbols: list });
    return ack.symbols;
  }

  /**
   * Measures round-trip time.
   * @returns {Promise<{rttMs: number, serverTime: bigint, serverTimeMs: number}>}
   */
  async ping() {
    const sentAt = performance.now();
    const pong = await this.#request('ping', { time: millisToNanos(Date.now()) });
    const rttMs = performance.now() - sentAt;
    this.stats.lastRttMs = rttMs;
    const event = { rttMs, serverTime: pong.serverTime, serverTimeMs: nanosToMillis(pong.serverTime) };
    this.emit('pong', event);
    return event;
  }

  /**
   * Looks up the symbol directory.
   * @param {string} [match] case-insensitive name prefix
   * @returns {Promise<Array<{symbol: string, symbolId: number, priceDecimals: number, sizeDecimals: number,
   *   tickSize: number, lotSize: number, currency: string, description: string, referencePrice: number|null}>>}
   *   tick/lot sizes and the reference price (previous close) scaled; referencePrice null when the server has none
   */
  async symbols(match) {
    const dir = await this.#request('symbols', match ? { match } : {});
    return dir.symbols.map((s) => ({
      ...s, tickSize: s.tickSize / 10 ** s.priceDecimals, lotSize: s.lotSize / 10 ** s.sizeDecimals,
      referencePrice: s.referencePrice ? s.referencePrice / 10 ** s.priceDecimals : null,
    }));
  }

  /**
   * Lists replayable datasets.
   * @returns {Promise<Array<{dataset: string, symbols: string[], from: bigint, to: bigint, fromMs: number, toMs: number, tickCount: number}>>}
   */
  async catalog() {
    const cat = await this.#request('catalog', {});
    return cat.datasets.map((d) => ({ ...d, fromMs: nanosToMillis(d.from), toMs: nanosToMillis(d.to) }));
  }

  /**
   * OHLCV bars of one symbol (docs/protocol.md 4.11), of the live feed or of a replay dataset.
   * Prices and volume come back scaled (numbers); `start` is the bar start as bigint ns and `time`
   * in whole seconds (lightweight-charts' UTCTimestamp). A missing interval is a gap: no bar.
   * @param {{symbol: string, interval: string, from?: bigint|number|Date|string, to?: bigint|number|Date|string,
   *   last?: number, dataset?: string}} request
   * @returns {Promise<{symbol: string, interval: string, complete: boolean, priceDecimals: number, sizeDecimals: number,
   *   bars: Array<{start: bigint, time: number, open: number, high: number, low: number, close: number,
   *   volume: number, count: number, basis: 'trades'|'mid', closed: boolean}>}>}
   */
  async bars(request) {
    const reply = await this.#request('bars', {
      symbol: request.symbol, interval: request.interval, from: wireTime(request.from), to: wireTime(request.to),
      last: request.last, dataset: request.dataset,
    });
    const p = reply.priceDecimals;
    const v = reply.sizeDecimals;
    return {
      symbol: reply.symbol, interval: reply.interval, complete: reply.complete, priceDecimals: p, sizeDecimals: v,
      bars: reply.bars.map((b) => ({
        ...b, time: Number(b.start / 1_000_000_000n),
        open: fromFixed(b.open, p), high: fromFixed(b.high, p), low: fromFixed(b.low, p), close: fromFixed(b.close, p),
        volume: fromFixed(b.volume, v),
      })),
    };
  }

  /**
   * Starts a replay on this connection. Its ticks arrive as `quote`/`trade` events with `replayId` set.
   * Times: bigint = ns since the epoch, number = ms since the epoch, Date, or ISO-8601 text.
   * A replay does not survive a reconnect (`replay-end` with reason `disconnected`).
   * With `continueLive` the replay ends with reason `live` and its symbols continue as live subscriptions
   * (docs/protocol.md 6.1): for today's live recording the sequence check runs on across the switch (a
   * `resumed` event lists them as recovered); other datasets start again from live snapshots.
   * @param {{dataset: string, symbols?: string[], from?: bigint|number|Date|string, to?: bigint|number|Date|string,
   *   speed?: number|'max', mode?: 'full'|'conflated', throttle?: number, continueLive?: boolean, bars?: string[]}} request
   *   `bars`: intervals (any, e.g. ['1m']) whose bar updates, computed from the replayed ticks, arrive as `bar` events
   * @returns {Promise<{replayId: number, dataset: string, from: bigint, to: bigint, fromMs: number, toMs: number,
   *   speed: string, mode: string, symbols: object[]}>}
   */
  async replay(request) {
    if (this.#state !== 'live') await this.connect();
    const fields = {
      dataset: request.dataset, symbols: request.symbols, from: wireTime(request.from), to: wireTime(request.to),
      speed: request.speed, mode: request.mode, throttle: request.throttle,
      continueLive: request.continueLive ? true : undefined,
      bars: request.bars?.length ? request.bars : undefined,
    };
    const start = await this.#request('replay', fields);
    return this.#replays.get(start.replayId) ?? replayInfo(start);
  }

  /** Pauses a replay. @param {number} replayId @returns {Promise<object>} the replay status */
  pauseReplay(replayId) { return this.#replayControl('replay.pause', replayId, {}, 'paused'); }

  /** Resumes a replay. @param {number} replayId @returns {Promise<object>} the replay status */
  resumeReplay(replayId) { return this.#replayControl('replay.resume', replayId, {}, 'playing'); }

  /**
   * Changes a replay's speed. @param {number} replayId @param {number|'max'} speed
   * @returns {Promise<object>} the replay status
   */
  setReplaySpeed(replayId, speed) { return this.#replayControl('replay.speed', replayId, { speed }); }

  /**
   * Moves a replay to a time (a snapshot of each symbol follows).
   * @param {number} replayId @param {bigint|number|Date|string} time
   * @returns {Promise<object>} the replay status
   */
  seekReplay(replayId, time) { return this.#replayControl('replay.seek', replayId, { time: wireTime(time) }); }

  /** Stops a replay. @param {number} replayId @returns {Promise<object>} the replay end */
  stopReplay(replayId) {
    const request = this.#request('replay.stop', { replayId });
    // The replay end may echo the replay's own request id rather than this one: settle by replayId too.
    if (request.requestId) this.#stopRequests.set(replayId, request.requestId);
    return request;
  }

  /**
   * Latest state of a live symbol, in real units, or undefined if not subscribed.
   * @param {string} symbol
   * @returns {import('./symbol-stream.js').Book|undefined}
   */
  book(symbol) { return this.#liveByName.get(symbol)?.book; }

  /** Live subscriptions this client keeps: [{symbol, mode, throttle}]. */
  subscriptions() { return [...this.#wanted].map(([symbol, s]) => ({ symbol, ...s })); }

  /** Closes the connection for good (no reconnect). Pending requests are rejected. */
  close() {
    this.#userClosed = true;
    clearTimeout(this.#reconnectTimer);
    const ws = this.#ws;
    if (ws) {
      this.#detach(ws);
      try { ws.close(CloseCode.NORMAL, 'client closed'); } catch { /* already closing */ }
      this.#onDisconnected(CloseCode.NORMAL, 'client closed');
    } else {
      this.#setState('closed');
      this.#failWelcomeWaiters(new MarketFeedError('client closed', { codeName: 'closed' }));
    }
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  #dial(state) {
    this.#setState(state, { attempt: this.#attempt });
    let ws;
    try {
      ws = new this.#opts.WebSocket(this.url, [SUBPROTOCOL]);
    } catch (err) {
      this.emit('error', new MarketFeedError(`cannot open ${this.url}: ${err.message}`, { codeName: 'connect_failed' }));
      this.#scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#lastReceiveAt = performance.now();
    ws.onmessage = (e) => this.#onFrame(e.data);
    ws.onclose = (e) => { this.#detach(ws); this.#onDisconnected(e.code, e.reason); };
    ws.onerror = () => { /* a close event follows; the error itself carries no detail */ };
    this.#connectTimer = setTimeout(() => this.#drop(CloseCode.CLIENT_HEARTBEAT_TIMEOUT, 'no welcome in time'), this.#opts.connectTimeoutMs);
  }

  #detach(ws) {
    ws.onmessage = ws.onclose = ws.onerror = null;
    if (this.#ws === ws) this.#ws = null;
  }

  /** Gives up on the current socket without waiting for a closing handshake it may never finish. */
  #drop(code, reason) {
    const ws = this.#ws;
    if (!ws) return;
    this.#detach(ws);
    try { ws.close(code, reason); } catch { /* ignore */ }
    this.#onDisconnected(code, reason);
  }

  #onDisconnected(code, reason) {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#watchdog);
    clearInterval(this.#pingTimer);
    const wasLive = this.#state === 'live';
    const err = new MarketFeedError(`connection closed (${code}${reason ? ` ${reason}` : ''})`, { codeName: 'disconnected', code });
    for (const p of this.#pending.values()) { clearTimeout(p.timer); p.reject(err); }
    this.#pending.clear();
    this.#replayWaiters.clear();
    this.#stopRequests.clear();
    for (const info of this.#replays.values()) {
      this.emit('replay-end', { requestId: 0, replayId: info.replayId, reason: 'disconnected', ticksSent: 0 });
    }
    this.#replays.clear();
    // The live streams' books and sequence trackers, kept for the resume after the reconnect.
    this.#resumable = this.#opts.resume ? new Map(this.#liveByName) : new Map();
    this.#streams.clear();
    this.#liveByName.clear();
    this.#repairing.clear();
    const policy = NO_RECONNECT_CLOSE_CODES.includes(code) && !this.#opts.reconnectOnPolicyClose;
    const willReconnect = !this.#userClosed && this.#opts.reconnect && !policy;
    this.emit('close', {
      code, reason: reason ?? '', wasLive, willReconnect, slowConsumer: SLOW_CONSUMER_CLOSE_CODES.includes(code),
    });
    if (willReconnect) {
      this.#scheduleReconnect(code);
    } else {
      this.#setState('closed', { code });
      this.#failWelcomeWaiters(err);
    }
  }

  #scheduleReconnect(code) {
    let delayMs = backoffDelay(this.#attempt, this.#opts.backoff);
    if (this.#endpoints.length > 1) {
      // Failover: the next gateway of the same feed, the first try at once.
      this.#endpoint = (this.#endpoint + 1) % this.#endpoints.length;
      if (this.#attempt === 0) delayMs = 0;
    }
    this.#attempt++;
    this.#setState('reconnecting', { attempt: this.#attempt, delayMs, code });
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      this.stats.reconnects++;
      this.#dial('reconnecting');
    }, delayMs);
  }

  #onWelcome(details) {
    clearTimeout(this.#connectTimer);
    this.#welcome = details;
    this.#heartbeatMs = details.heartbeatMs > 0 ? details.heartbeatMs : 1000;
    this.#attempt = 0;
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => this.#checkAlive(), Math.max(50, this.#heartbeatMs / 2));
    clearInterval(this.#pingTimer);
    if (this.#opts.pingIntervalMs > 0) {
      this.#pingTimer = setInterval(() => { this.ping().catch(() => {}); }, this.#opts.pingIntervalMs);
    }
    this.#setState('live');
    const resumeEpoch = this.#epoch;
    this.#epoch = details.epoch ?? null;
    this.#resubscribeAll(resumeEpoch);
    const waiters = this.#welcomeWaiters;
    this.#welcomeWaiters = [];
    for (const w of waiters) w.resolve(details);
    if (this.#opts.pingIntervalMs > 0) this.ping().catch(() => {});
  }

  #checkAlive() {
    const silentMs = performance.now() - this.#lastReceiveAt;
    if (silentMs > this.#opts.heartbeatMisses * this.#heartbeatMs) {
      this.emit('error', new MarketFeedError(`no data for ${Math.round(silentMs)} ms: reconnecting`, { codeName: 'heartbeat_timeout' }));
      this.#drop(CloseCode.CLIENT_HEARTBEAT_TIMEOUT, 'heartbeat timeout');
    }
  }

  #resubscribeAll(resumeEpoch) {
    const groups = new Map();
    for (const [symbol, s] of this.#wanted) {
      if (this.#deferred.has(symbol)) continue;
      const key = `${s.mode}/${s.throttle}/${(s.bars ?? []).join(',')}`;
      if (!groups.has(key)) groups.set(key, { ...s, symbols: [], resume: [] });
      const g = groups.get(key);
      g.symbols.push(symbol);
      // Resume from the last seq seen (protocol section 7.1); the ack says which symbols were recovered.
      const held = this.#resumable.get(symbol);
      if (this.#opts.resume && resumeEpoch != null && held && held.replayId === null && held.tracker.lastSeq > 0) {
        g.resume.push([symbol, held.tracker.lastSeq]);
      }
    }
    for (const g of groups.values()) {
      const request = { symbols: g.symbols, mode: g.mode, throttle: g.throttle, snapshot: true, bars: g.bars };
      if (g.resume.length > 0) Object.assign(request, { epoch: resumeEpoch, resume: g.resume });
      this.#request('subscribe', request).catch((err) => this.emit('error', err));
    }
  }

  #waitLive() {
    return new Promise((resolve, reject) => this.#welcomeWaiters.push({ resolve, reject }));
  }

  #failWelcomeWaiters(err) {
    const waiters = this.#welcomeWaiters;
    this.#welcomeWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  #setState(state, extra = {}) {
    const previous = this.#state;
    this.#state = state;
    if (previous !== state || extra.attempt !== undefined) this.emit('state', { state, previous, ...extra });
  }

  // ---- requests -------------------------------------------------------------------------------

  #request(op, fields) {
    const ws = this.#ws;
    if (!ws || this.#state !== 'live') {
      return Promise.reject(new MarketFeedError(`cannot send ${op}: not connected`, { codeName: 'disconnected' }));
    }
    const id = this.#nextId++;
    const promise = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new MarketFeedError(`${op} timed out`, { codeName: 'timeout', requestId: id }));
      }, this.#opts.requestTimeoutMs);
      this.#pending.set(id, { op, resolve, reject, timer, errors: [] });
      ws.send(encodeControl({ op, id, ...fields }));
    });
    promise.requestId = id;
    return promise;
  }

  #replayControl(op, replayId, fields, expectState) {
    const request = this.#request(op, { replayId, ...fields });
    // The reply is a replay status (kind 14), which carries no request id: match it by replayId
    // (and by the state a pause/resume leads to, so a periodic progress status does not answer it).
    if (request.requestId) {
      let waiting = this.#replayWaiters.get(replayId);
      if (!waiting) this.#replayWaiters.set(replayId, (waiting = []));
      waiting.push({ id: request.requestId, expectState });
    }
    return request;
  }

  #settle(requestId, value) {
    const p = this.#pending.get(requestId);
    if (!p) return null;
    this.#pending.delete(requestId);
    clearTimeout(p.timer);
    p.resolve(value);
    return p;
  }

  // ---- receiving ------------------------------------------------------------------------------

  #onFrame(data) {
    this.#lastReceiveAt = performance.now();
    if (typeof data === 'string') return; // v1 servers send binary frames only
    let messages;
    try {
      messages = decodeFrame(data);
    } catch (err) {
      this.stats.decodeErrors++;
      this.emit('error', new MarketFeedError(`undecodable frame: ${err.message}`, { codeName: 'decode_error' }));
      return;
    }
    this.stats.framesReceived++;
    this.stats.bytesReceived += data.byteLength;
    this.stats.messagesReceived += messages.length;
    for (const m of messages) {
      try {
        this.#dispatch(m);
      } catch (err) {
        this.stats.decodeErrors++;
        this.emit('error', new MarketFeedError(`bad ${m.kind} message: ${err.message}`, { codeName: 'decode_error' }));
      }
    }
    this.emit('frame', { messages: messages.length, bytes: data.byteLength });
  }

  #dispatch(m) {
    if (this.hasListeners('message')) this.emit('message', m);
    switch (m.kind) {
      case 'quote': return this.#onQuote(m);
      case 'trade': return this.#onTrade(m);
      case 'snapshot': return this.#onSnapshot(m);
      case 'heartbeat': return this.emit('heartbeat', { serverTime: m.serverTime, serverTimeMs: nanosToMillis(m.serverTime) });
      case 'subscribeAck': return this.#onSubscribeAck(m);
      case 'unsubscribeAck': return this.#onUnsubscribeAck(m);
      case 'error': return this.#onError(m);
      case 'status': return this.#onStatus(m);
      case 'pong': return this.#settle(m.requestId, m);
      case 'symbolDirectory': return this.#settle(m.requestId, m);
      case 'catalog': return this.#settle(m.requestId, m);
      case 'bars': return this.#settle(m.requestId, m);
      case 'barUpdate': return this.#onBarUpdate(m);
      case 'basket': return this.#onBasket(m);
      case 'replayStart': return this.#onReplayStart(m);
      case 'replayStatus': return this.#onReplayStatus(m);
      case 'replayEnd': return this.#onReplayEnd(m);
      default: return undefined; // unknown kinds are ignored (section 2)
    }
  }

  #onQuote(m) {
    const stream = this.#streams.get(m.symbolId);
    if (!stream) { this.stats.unknownSymbolMessages++; return; }
    const { event, verdict } = stream.applyQuote(m);
    this.#afterTick(stream, verdict, m.seq);
    if (event) { this.stats.quotes++; this.emit('quote', event); }
  }

  #onTrade(m) {
    const stream = this.#streams.get(m.symbolId);
    if (!stream) { this.stats.unknownSymbolMessages++; return; }
    const { event, verdict } = stream.applyTrade(m);
    this.#afterTick(stream, verdict, m.seq);
    if (event) { this.stats.trades++; this.emit('trade', event); }
  }

  #afterTick(stream, verdict, seq) {
    if (!verdict.accept) { this.stats.staleDropped++; return; }
    if (!verdict.gap) { this.stats.conflatedTicks += verdict.skipped; return; }
    this.stats.gaps++;
    this.emit('gap', {
      symbol: stream.symbol, symbolId: stream.symbolId, replayId: stream.replayId,
      mode: stream.mode, expected: verdict.expected, received: seq, missed: verdict.skipped,
    });
    if (this.#opts.resubscribeOnGap && stream.replayId === null && !this.#repairing.has(stream.symbol)) {
      this.#repairing.add(stream.symbol);
      this.#request('subscribe', { symbols: [stream.symbol], mode: stream.mode, throttle: stream.throttle, snapshot: true, bars: this.#wanted.get(stream.symbol)?.bars })
        .catch((err) => this.emit('error', err))
        .finally(() => this.#repairing.delete(stream.symbol));
    }
  }

  /** A live bar update (protocol 4.12): scaled like the `bars` reply, as a `bar` event. */
  #onBarUpdate(m) {
    const stream = this.#streams.get(m.symbolId);
    if (!stream) { this.stats.unknownSymbolMessages++; return; }
    const p = stream.priceDecimals;
    const b = m.bar;
    this.emit('bar', {
      symbol: stream.symbol, symbolId: stream.symbolId, replayId: stream.replayId, interval: m.interval,
      start: b.start, time: Number(b.start / 1_000_000_000n),
      open: fromFixed(b.open, p), high: fromFixed(b.high, p), low: fromFixed(b.low, p), close: fromFixed(b.close, p),
      volume: fromFixed(b.volume, stream.sizeDecimals), count: b.count, basis: b.basis, closed: b.closed,
    });
  }

  #onSnapshot(m) {
    const stream = this.#streams.get(m.symbolId);
    if (!stream) { this.stats.unknownSymbolMessages++; return; }
    this.emit('snapshot', stream.applySnapshot(m));
  }

  #onSubscribeAck(m) {
    const recovered = [];
    const notRecovered = [];
    m.symbols.forEach((ref, i) => {
      const stream = new SymbolStream(ref, { mode: m.mode, throttle: m.throttle });
      const held = this.#resumable.get(ref.symbol);
      this.#resumable.delete(ref.symbol);
      if (m.recovered && m.recovered[i] && held && held.mode === m.mode) {
        // Recovered: no snapshot comes; the book and the sequence check carry on across the cut.
        stream.tracker = held.tracker;
        stream.rawCumVolume = held.rawCumVolume;
        stream.rawTradeCount = held.rawTradeCount;
        stream.book = { ...held.book, symbolId: ref.symbolId };
        recovered.push(ref.symbol);
      } else if (m.recovered) {
        notRecovered.push(ref.symbol);
      }
      this.#streams.set(ref.symbolId, stream);
      this.#liveByName.set(ref.symbol, stream);
    });
    if (m.recovered) this.emit('resumed', { requestId: m.requestId, recovered, notRecovered });
    const p = this.#pending.get(m.requestId);
    const result = { requestId: m.requestId, mode: m.mode, throttle: m.throttle, symbols: m.symbols, errors: p ? p.errors : [] };
    if (p && p.op === 'snapshot') {
      // A basket snapshot resolves with the basket that follows; renew its symbols after reconnects.
      p.ack = result;
      for (const ref of m.symbols) this.#wanted.set(ref.symbol, { mode: m.mode, throttle: m.throttle });
    } else {
      this.#settle(m.requestId, result);
    }
    this.emit('ack', result);
  }

  #onBasket(m) {
    const books = [];
    for (const state of m.states) {
      const stream = this.#streams.get(state.symbolId);
      if (!stream) { this.stats.unknownSymbolMessages++; continue; }
      this.emit('snapshot', stream.applySnapshot(state));
      books.push({ ...stream.book });
    }
    const p = this.#pending.get(m.requestId);
    const ack = p && p.ack ? p.ack : { mode: null, throttle: 0, symbols: [], errors: p ? p.errors : [] };
    const result = { ...ack, requestId: m.requestId, globalSequence: m.globalSequence, epoch: m.epoch, states: books };
    this.#settle(m.requestId, result);
    this.emit('basket', result);
  }

  #onUnsubscribeAck(m) {
    const all = m.symbols.includes('*');
    for (const [name, stream] of this.#liveByName) {
      if (all || m.symbols.includes(name)) {
        this.#liveByName.delete(name);
        this.#streams.delete(stream.symbolId);
      }
    }
    this.#settle(m.requestId, m);
    this.emit('unsubscribed', { requestId: m.requestId, symbols: m.symbols });
  }

  #onError(m) {
    const err = new MarketFeedError(m.message || m.codeName, m);
    const p = this.#pending.get(m.requestId);
    if (p) {
      const perSymbol = (p.op === 'subscribe' || p.op === 'snapshot') && (m.code === ErrorCode.UNKNOWN_SYMBOL || m.code === ErrorCode.LIMIT_EXCEEDED || m.code === ErrorCode.FORBIDDEN) && m.symbol;
      if (perSymbol) {
        p.errors.push(err); // the ack follows and carries the symbols that did subscribe
      } else {
        this.#pending.delete(m.requestId);
        clearTimeout(p.timer);
        p.reject(err);
      }
    }
    // One unknown_symbol error lists every unknown symbol of the request in `symbols`.
    if (m.code === ErrorCode.UNKNOWN_SYMBOL) for (const s of m.symbols ?? (m.symbol ? [m.symbol] : [])) this.#wanted.delete(s);
    this.emit('error', err);
  }

  #onStatus(m) {
    if (m.state === 'welcome') this.#onWelcome(m.details);
    this.emit('status', { state: m.state, details: m.details });
  }

  #onReplayStart(m) {
    for (const ref of m.symbols) {
      this.#streams.set(ref.symbolId, new SymbolStream(ref, { mode: m.mode, replayId: m.replayId }));
    }
    const info = replayInfo(m);
    this.#replays.set(m.replayId, info);
    this.#settle(m.requestId, m);
    this.emit('replay-start', info);
  }

  #onReplayStatus(m) {
    const info = this.#replays.get(m.replayId);
    const positionMs = nanosToMillis(m.position);
    let progress = null;
    if (info && info.to > info.from) {
      progress = Math.min(1, Math.max(0, Number(m.position - info.from) / Number(info.to - info.from)));
    }
    const event = { replayId: m.replayId, state: m.state, speed: m.speed, position: m.position, positionMs, progress };
    const waiting = this.#replayWaiters.get(m.replayId);
    if (waiting) {
      const answered = waiting.filter((w) => w.expectState === undefined || w.expectState === m.state);
      for (const w of answered) this.#settle(w.id, event);
      const left = waiting.filter((w) => !answered.includes(w) && this.#pending.has(w.id));
      if (left.length) this.#replayWaiters.set(m.replayId, left);
      else this.#replayWaiters.delete(m.replayId);
    }
    this.emit('replay-status', event);
  }

  #onReplayEnd(m) {
    const info = this.#replays.get(m.replayId);
    if (info && m.reason === 'live') {
      // The replay continues live (protocol 6.1): the live ack that follows carries on each symbol's
      // sequence where the replay left it, and the symbols are live subscriptions from now on.
      for (const ref of info.symbols) {
        const stream = this.#streams.get(ref.symbolId);
        if (stream) this.#resumable.set(ref.symbol, stream);
        this.#wanted.set(ref.symbol, { mode: info.mode, throttle: 0 });
      }
    }
    if (info) for (const ref of info.symbols) this.#streams.delete(ref.symbolId);
    this.#replays.delete(m.replayId);
    const event = { requestId: m.requestId, replayId: m.replayId, reason: m.reason, ticksSent: m.ticksSent };
    this.#settle(m.requestId, event);
    const stopId = this.#stopRequests.get(m.replayId);
    if (stopId !== undefined) { this.#stopRequests.delete(m.replayId); this.#settle(stopId, event); }
    this.#replayWaiters.delete(m.replayId);
    this.emit('replay-end', event);
  }
}

function replayInfo(m) {
  return {
    replayId: m.replayId, dataset: m.dataset, from: m.from, to: m.to,
    fromMs: nanosToMillis(m.from), toMs: nanosToMillis(m.to), speed: m.speed, mode: m.mode, symbols: m.symbols,
  };
}

function toList(symbols) {
  const list = Array.isArray(symbols) ? symbols : [symbols];
  return [...new Set(list.map((s) => String(s).trim().toUpperCase()).filter(Boolean))];
}

/** Protocol time: bigint ns as is, number ms to ns, Date/ISO text to ISO text. */
function wireTime(t) {
  if (t === undefined || t === null) return undefined;
  if (typeof t === 'bigint') return t;
  if (typeof t === 'number') return millisToNanos(t);
  if (t instanceof Date) return t.toISOString();
  return String(t);
}

function defaultUrl() {
  const loc = globalThis.location;
  if (!loc || !loc.host) return undefined;
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${ENDPOINT_PATH}`;
}
