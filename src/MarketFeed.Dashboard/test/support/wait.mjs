// Awaiting client events with a timeout (never sleep to wait).

/**
 * Resolves with the first `type` event of `emitter` that satisfies `predicate`.
 * @param {{on: Function}} emitter
 * @param {string} type
 * @param {(e: any) => boolean} [predicate]
 * @param {number} [timeoutMs]
 */
export function nextEvent(emitter, type, predicate = () => true, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`timed out waiting for '${type}'`)); }, timeoutMs);
    const off = emitter.on(type, (e) => {
      if (!predicate(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Polls `condition` every 10 ms until true or the timeout. */
export async function until(condition, timeoutMs = 5000, what = 'condition') {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
