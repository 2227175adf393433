// Integer normalisation for values decoded with useBigInt64: true.
// MessagePack writers use the smallest encoding, so one field may arrive as number (small
// values) or bigint (int64/uint64 encodings). The client settles each field on one JS type.

/**
 * A wire integer as a number (exact below 2^53; prices, sizes, ids, seq, volumes).
 * @param {number|bigint|null|undefined} v
 * @returns {number}
 */
export function num(v) {
  if (typeof v === 'bigint') return Number(v);
  return v ?? 0;
}

/**
 * A wire timestamp as exact bigint nanoseconds since the Unix epoch.
 * @param {number|bigint|null|undefined} v
 * @returns {bigint}
 */
export function nanos(v) {
  if (typeof v === 'bigint') return v;
  if (v == null) return 0n;
  return BigInt(Math.trunc(v));
}

/**
 * Nanoseconds to (fractional) milliseconds since the epoch, for Date and charts.
 * @param {bigint} ns
 * @returns {number}
 */
export function nanosToMillis(ns) {
  return Number(ns / 1000n) / 1000;
}

/**
 * Milliseconds (number, may be fractional) to bigint nanoseconds.
 * @param {number} ms
 * @returns {bigint}
 */
export function millisToNanos(ms) {
  return BigInt(Math.round(ms * 1000)) * 1000n;
}
