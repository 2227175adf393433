// Reconnect delays: exponential growth with "equal jitter" (half fixed, half random) so that
// many dashboards dropped together by one server restart do not come back in lock step.

/**
 * @typedef {object} BackoffOptions
 * @property {number} [initialDelayMs=250] delay before the first retry (before jitter)
 * @property {number} [maxDelayMs=10000] cap of the delay
 * @property {number} [factor=2] growth per attempt
 * @property {number} [jitter=0.5] fraction of the delay that is random (0 = none, 1 = full jitter)
 * @property {() => number} [random=Math.random] random source in [0,1) (tests pass their own)
 */

/**
 * Delay in ms before retry number `attempt` (0-based).
 * @param {number} attempt
 * @param {BackoffOptions} [options]
 * @returns {number}
 */
export function backoffDelay(attempt, options = {}) {
  const { initialDelayMs = 250, maxDelayMs = 10000, factor = 2, jitter = 0.5, random = Math.random } = options;
  const base = Math.min(maxDelayMs, initialDelayMs * factor ** attempt);
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
