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

/**
 * Resolves once `condition()` holds: checked now and again on every `type` event of `emitter`
 * (the event that can make it true), never by polling.
 * @param {{on: Function}} emitter
 * @param {string} type
 * @param {() => boolean} condition
 * @param {number} [timeoutMs]
 * @param {string} [what]
 */
export function until(emitter, type, condition, timeoutMs = 5000, what = 'condition') {
  if (condition()) return Promise.resolve();
  return nextEvent(emitter, type, () => condition(), timeoutMs).then(
    () => undefined,
    () => { throw new Error(`timed out waiting for ${what}`); },
  );
}
