// Batches DOM work per animation frame: producers mark things dirty as messages arrive; views
// write the DOM once per frame. Never one DOM write per message.

/** Calls every registered renderer once per animation frame while work is pending. */
export class FrameLoop {
  #renderers = new Set();
  #scheduled = false;

  /**
   * Registers a renderer. It returns true while it wants further frames (e.g. flashes fading).
   * @param {() => boolean|void} render
   */
  add(render) { this.#renderers.add(render); }

  /** Asks for a frame (cheap to call per message). */
  request() {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => this.#run());
  }

  #run() {
    this.#scheduled = false;
    let again = false;
    for (const render of this.#renderers) {
      try {
        if (render()) again = true;
      } catch (err) {
        queueMicrotask(() => { throw err; });
      }
    }
    if (again) this.request();
  }
}
