// Decodes server frames (docs/protocol.md sections 2 and 4) into plain message objects with the
// wire's fixed-point integers left unscaled. Scaling needs the symbol's decimals, which the
// client learns from acks; see marketfeed-client.js.
//
// Integer policy: frames are decoded with useBigInt64: true so that nothing is silently rounded.
// Timestamps (ns since the epoch, ~1.7e18, above 2^53) are returned as exact bigint; every other
// integer (ids, seq, prices, sizes, volumes, counts) is returned as a number, exact below 2^53.

import { Decoder } from '@msgpack/msgpack';
import { MessageKind } from './protocol-constants.js';
import { nanos, num } from './wire-int.js';

const decoder = new Decoder({ useBigInt64: true });

/**
 * @typedef {{symbol: string, symbolId: number, priceDecimals: number, sizeDecimals: number}} SymbolRef
 */

/**
 * Decodes one binary frame into its messages. Messages of unknown kinds come back as
 * `{ kind: 'unknown', rawKind, fields }`; extra trailing fields of known kinds are ignored.
 * @param {ArrayBuffer|ArrayBufferView} bytes the WebSocket binary payload
 * @returns {object[]} decoded messages, in frame order
 * @throws {Error} if the payload is not a MessagePack array of arrays
 */
export function decodeFrame(bytes) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  const frame = decoder.decode(view);
  if (!Array.isArray(frame)) throw new Error('frame is not a MessagePack array');
  const out = new Array(frame.length);
  for (let i = 0; i < frame.length; i++) out[i] = decodeMessage(frame[i]);
  return out;
}

/**
 * Maps one message array to an object.
 * @param {unknown[]} m
 * @returns {object}
 */
export function decodeMessage(m) {
  if (!Array.isArray(m) || m.length === 0) throw new Error('message is not a non-empty array');
  const kind = num(m[0]);
  switch (kind) {
    case MessageKind.QUOTE:
      return {
        kind: 'quote', symbolId: num(m[1]), seq: num(m[2]), time: nanos(m[3]),
        bidPrice: num(m[4]), bidSize: num(m[5]), askPrice: num(m[6]), askSize: num(m[7]),
        flags: num(m[8] ?? 0), // appended (protocol change log): bit 0 suspicious, bit 1 size unknown
      };
    case MessageKind.TRADE:
      return {
        kind: 'trade', symbolId: num(m[1]), seq: num(m[2]), time: nanos(m[3]),
        price: num(m[4]), size: num(m[5]), side: num(m[6]), cumVolume: num(m[7]), tradeCount: num(m[8]),
        flags: num(m[9] ?? 0),
      };
    case MessageKind.SUBSCRIBE_ACK:
      // m[5], only after a subscribe with `resume`: per symbol, recovered without a snapshot (section 7.1).
      return { kind: 'subscribeAck', requestId: num(m[1]), mode: m[2], throttle: num(m[3]), symbols: symbolRefs(m[4]), recovered: Array.isArray(m[5]) ? m[5].map(Boolean) : null };
    case MessageKind.SNAPSHOT:
      return {
        kind: 'snapshot', symbolId: num(m[1]), seq: num(m[2]),
        quoteSeq: num(m[3]), quoteTime: nanos(m[4]),
        bidPrice: num(m[5]), bidSize: num(m[6]), askPrice: num(m[7]), askSize: num(m[8]),
        tradeSeq: num(m[9]), tradeTime: nanos(m[10]),
        lastPrice: num(m[11]), lastSize: num(m[12]), lastSide: num(m[13]),
        cumVolume: num(m[14]), tradeCount: num(m[15]),
      };
    case MessageKind.ERROR:
      return { kind: 'error', requestId: num(m[1]), code: num(m[2]), codeName: m[3], message: m[4], symbol: m[5] ?? null, symbols: m[6] ?? (m[5] != null ? [m[5]] : []) };
    case MessageKind.HEARTBEAT:
      return { kind: 'heartbeat', serverTime: nanos(m[1]) };
    case MessageKind.REPLAY_START:
      return {
        kind: 'replayStart', requestId: num(m[1]), replayId: num(m[2]), dataset: m[3],
        from: nanos(m[4]), to: nanos(m[5]), speed: m[6], mode: m[7], symbols: symbolRefs(m[8]),
      };
    case MessageKind.REPLAY_END:
      return { kind: 'replayEnd', requestId: num(m[1]), replayId: num(m[2]), reason: m[3], ticksSent: num(m[4]) };
    case MessageKind.STATUS:
      return { kind: 'status', state: m[1], details: details(m[2]) };
    case MessageKind.PONG:
      return { kind: 'pong', requestId: num(m[1]), clientTime: nanos(m[2]), serverTime: nanos(m[3]) };
    case MessageKind.SYMBOL_DIRECTORY:
      return {
        kind: 'symbolDirectory', requestId: num(m[1]),
        symbols: (m[2] ?? []).map((s) => ({
          symbol: s[0], symbolId: num(s[1]), priceDecimals: num(s[2]), sizeDecimals: num(s[3]),
          tickSize: num(s[4]), lotSize: num(s[5]), currency: s[6], description: s[7], referencePrice: num(s[8] ?? 0),
        })),
      };
    case MessageKind.UNSUBSCRIBE_ACK:
      return { kind: 'unsubscribeAck', requestId: num(m[1]), symbols: m[2] ?? [] };
    case MessageKind.CATALOG:
      return {
        kind: 'catalog', requestId: num(m[1]),
        datasets: (m[2] ?? []).map((d) => ({
          dataset: d[0], symbols: d[1] ?? [], from: nanos(d[2]), to: nanos(d[3]), tickCount: num(d[4]),
          // Appended (protocol change log): older servers send 5 fields, i.e. an intact dataset.
          state: d[5] ?? 'intact', readableTicks: d[6] == null ? num(d[4]) : num(d[6]), damage: d[7] ?? null,
        })),
      };
    case MessageKind.BARS:
      return {
        kind: 'bars', requestId: num(m[1]), symbol: m[2], interval: m[3], priceDecimals: num(m[4]), sizeDecimals: num(m[5]),
        bars: (m[6] ?? []).map((b) => ({
          start: nanos(b[0]), open: num(b[1]), high: num(b[2]), low: num(b[3]), close: num(b[4]),
          volume: num(b[5]), count: num(b[6]), basis: num(b[7]) === 1 ? 'mid' : 'trades', closed: b[8] !== false,
        })),
        complete: m[7] !== false,
      };
    case MessageKind.BAR_UPDATE:
      return {
        kind: 'barUpdate', symbolId: num(m[1]), interval: m[2],
        bar: {
          start: nanos(m[3]), open: num(m[4]), high: num(m[5]), low: num(m[6]), close: num(m[7]),
          volume: num(m[8]), count: num(m[9]), basis: num(m[10]) === 1 ? 'mid' : 'trades', closed: m[11] === true,
        },
      };
    case MessageKind.BASKET:
      // Reply to `snapshot` (section 4.13): every entry is a complete snapshot message (kind 4).
      return { kind: 'basket', requestId: num(m[1]), globalSequence: num(m[2]), epoch: num(m[3]), states: (m[4] ?? []).map(decodeMessage) };
    case MessageKind.REPLAY_STATUS:
      return { kind: 'replayStatus', replayId: num(m[1]), state: m[2], speed: m[3], position: nanos(m[4]), requestId: m.length > 5 ? num(m[5]) : 0 };
    default:
      return { kind: 'unknown', rawKind: kind, fields: m.slice(1) };
  }
}

/** @returns {SymbolRef[]} */
function symbolRefs(list) {
  return (list ?? []).map((s) => ({ symbol: s[0], symbolId: num(s[1]), priceDecimals: num(s[2]), sizeDecimals: num(s[3]) }));
}

function details(map) {
  const out = {};
  if (map && typeof map === 'object') {
    for (const [k, v] of Object.entries(map)) out[k] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}
