// Encodes client control messages (docs/protocol.md section 5) as MessagePack maps.

import { Encoder } from '@msgpack/msgpack';

// useBigInt64 so that bigint nanosecond times are written as int64, never as float64.
const encoder = new Encoder({ useBigInt64: true, ignoreUndefined: true });

/**
 * Encodes one control message.
 * @param {{op: string, id?: number} & Record<string, unknown>} message
 * @returns {Uint8Array} a binary WebSocket payload (one MessagePack map)
 */
export function encodeControl(message) {
  return encoder.encode(message);
}
