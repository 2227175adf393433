// Fixed-point conversion (docs/protocol.md section 3): real = value / 10^decimals.

const POWERS = Array.from({ length: 19 }, (_, i) => 10 ** i);

/**
 * Converts a wire fixed-point integer to a JS number.
 * @param {number|bigint} value wire integer
 * @param {number} decimals digits of the scale (0..18)
 * @returns {number}
 */
export function fromFixed(value, decimals) {
  const scale = POWERS[decimals] ?? 10 ** decimals;
  if (typeof value === 'bigint') {
    // Split so the integer part stays exact even past 2^53 units.
    const big = BigInt(scale);
    return Number(value / big) + Number(value % big) / scale;
  }
  return value / scale;
}

/**
 * Converts a real number to the wire fixed-point integer (rounded to the nearest unit).
 * @param {number} real
 * @param {number} decimals
 * @returns {number}
 */
export function toFixed(real, decimals) {
  return Math.round(real * (POWERS[decimals] ?? 10 ** decimals));
}
