// A tiny event emitter that behaves the same in browsers and node.

/** Minimal typed-by-name event emitter. */
export class Emitter {
  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();

  /**
   * Adds a listener.
   * @param {string} type event name
   * @param {(event: any) => void} fn
   * @returns {() => void} a function that removes the listener
   */
  on(type, fn) {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(fn);
    return () => this.off(type, fn);
  }

  /**
   * Adds a listener called at most once.
   * @param {string} type
   * @param {(event: any) => void} fn
   * @returns {() => void}
   */
  once(type, fn) {
    const off = this.on(type, (e) => { off(); fn(e); });
    return off;
  }

  /**
   * Removes a listener.
   * @param {string} type
   * @param {Function} fn
   */
  off(type, fn) {
    this.#listeners.get(type)?.delete(fn);
  }

  /**
   * True if anyone listens to `type` (lets hot paths skip building event objects).
   * @param {string} type
   */
  hasListeners(type) {
    const set = this.#listeners.get(type);
    return set !== undefined && set.size > 0;
  }

  /**
   * Calls the listeners of `type`. A throwing listener does not stop the others nor the
   * decoding of the frame: its error is rethrown asynchronously (like EventTarget does).
   * @protected
   */
  emit(type, event) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(event);
      } catch (err) {
        queueMicrotask(() => { throw err; });
      }
    }
  }
}
