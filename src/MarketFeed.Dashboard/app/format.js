// Number formatting for the trading views.

const cache = new Map();

function formatter(digits) {
  let f = cache.get(digits);
  if (!f) cache.set(digits, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f;
}

/** Price with the digits the symbol's tick size needs. */
export function formatPrice(value, digits = 2) {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : formatter(digits).format(value);
}

/** Rounds to `digits` and turns -0 into 0, so a tiny move never shows as "-0.00". */
function roundSigned(value, digits) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale || 0;
}

/** Signed change. */
export function formatChange(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const v = roundSigned(value, digits);
  return (v > 0 ? '+' : '') + formatter(digits).format(v);
}

/** Signed percent. */
export function formatPercent(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const v = roundSigned(value, 2);
  return `${v > 0 ? '+' : ''}${formatter(2).format(v)}%`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });

/** Volume, compact (1.2M). */
export function formatVolume(value) {
  return value === null || value === undefined ? '—' : compact.format(value);
}

/** Digits to show for a tick size (0.01 -> 2, 0.1 -> 1, 0.0001 -> 4). */
export function digitsForTick(tickSize) {
  if (!tickSize || tickSize >= 1) return 2;
  return Math.min(8, Math.max(2, Math.ceil(-Math.log10(tickSize) - 1e-9)));
}

/** UTC time of day, hh:mm:ss. */
export function formatUtcTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}
