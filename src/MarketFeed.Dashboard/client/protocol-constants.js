// Wire constants of protocol marketfeed.v1 (docs/protocol.md sections 4, 8 and 9).

/** WebSocket subprotocol offered on connect. */
export const SUBPROTOCOL = 'marketfeed.v1';

/** Default endpoint path. */
export const ENDPOINT_PATH = '/ws/v1';

/** Server message kinds (first element of every message array). */
export const MessageKind = Object.freeze({
  QUOTE: 1,
  TRADE: 2,
  SUBSCRIBE_ACK: 3,
  SNAPSHOT: 4,
  ERROR: 5,
  HEARTBEAT: 6,
  REPLAY_START: 7,
  REPLAY_END: 8,
  STATUS: 9,
  PONG: 10,
  SYMBOL_DIRECTORY: 11,
  UNSUBSCRIBE_ACK: 12,
  CATALOG: 13,
  REPLAY_STATUS: 14,
  BARS: 15,
  BAR_UPDATE: 16,
  BASKET: 17,
});

/** Trade aggressor side by wire value. */
export const TRADE_SIDES = Object.freeze(['unknown', 'buy', 'sell']);

/** Close codes (section 9). */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  UNSUPPORTED_DATA: 1003,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SLOW_CONSUMER_QUEUE: 4001,
  SLOW_CONSUMER_SEND: 4002,
  /** Sent by this client when it gives up on a silent connection (no heartbeat for 3 intervals). */
  CLIENT_HEARTBEAT_TIMEOUT: 4900,
});

/** Close codes after which reconnecting would only repeat the client's own mistake. */
export const NO_RECONNECT_CLOSE_CODES = Object.freeze([1003, 1008, 1009]);

/** Close codes meaning the server dropped a slow consumer. */
export const SLOW_CONSUMER_CLOSE_CODES = Object.freeze([4001, 4002]);

/** Error codes (section 8). */
export const ErrorCode = Object.freeze({
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  UNKNOWN_SYMBOL: 404,
  UNKNOWN_OP: 405,
  CONFLICT: 409,
  UNKNOWN_DATASET: 410,
  TOO_LARGE: 413,
  LIMIT_EXCEEDED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
});
