// The health strip: connection state, RTT, update rate, delivery mode, and warnings (lagging,
// slow-consumer drops, other closes). Writes the DOM once per frame.

const STATE_TEXT = { idle: 'Idle', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Closed' };

const CLOSE_TEXT = {
  1001: 'Server is shutting down',
  1006: 'Connection lost',
  1008: 'Closed by the server: policy violation (1008)',
  1009: 'Closed by the server: message too big (1009)',
  1011: 'Server error on this connection (1011)',
  4001: 'Dropped as a slow consumer: queue overflow (4001)',
  4002: 'Dropped as a slow consumer: send stalled (4002)',
  4900: 'No heartbeat from the server for 3 intervals',
};

export class HealthStrip {
  #model = { state: 'idle', detail: '', rtt: null, rate: 0, mode: 'conflated', throttle: 0, warning: null, warningLevel: 'warn', connectionId: '' };
  #dirty = true;
  #countdown = null;

  /** @param {Document|HTMLElement} root */
  constructor(root) {
    const $ = (id) => root.querySelector(`#${id}`);
    this.el = {
      state: $('conn-state'), detail: $('conn-detail'), rtt: $('rtt'), rate: $('rate'),
      mode: $('mode'), warning: $('warning'), connection: $('connection-id'),
    };
  }

  /** @param {{state: string, delayMs?: number, attempt?: number}} e client 'state' event */
  onState(e) {
    this.#model.state = e.state;
    clearInterval(this.#countdown);
    if (e.state === 'reconnecting' && e.delayMs !== undefined) {
      const due = performance.now() + e.delayMs;
      const tick = () => {
        const left = Math.max(0, due - performance.now());
        this.#set('detail', left > 0 ? `retry ${e.attempt} in ${(left / 1000).toFixed(1)} s` : `retry ${e.attempt}…`);
      };
      tick();
      this.#countdown = setInterval(tick, 100);
    } else {
      this.#set('detail', '');
    }
    if (e.state === 'live' && this.#model.warningLevel !== 'error') this.#set('warning', null);
    this.#dirty = true;
  }

  /** @param {{code: number, slowConsumer: boolean, willReconnect: boolean}} e client 'close' event */
  onClose(e) {
    if (e.code === 1000) return;
    const text = CLOSE_TEXT[e.code] ?? `Connection closed (${e.code})`;
    const slow = e.slowConsumer ? ' — reconnecting; fewer symbols or a throttle may help' : '';
    this.#model.warningLevel = e.slowConsumer || !e.willReconnect ? 'error' : 'warn';
    this.#set('warning', `${text}${slow}${e.willReconnect ? '' : ' — not reconnecting'}`);
  }

  /** @param {{state: string, details: object}} e client 'status' event */
  onStatus(e) {
    if (e.state === 'welcome') {
      this.#set('connectionId', e.details.connectionId ?? '');
      if (this.#model.warningLevel !== 'error') this.#set('warning', null);
    } else if (e.state === 'lagging') {
      const d = e.details;
      const depth = d.queueCapacity ? ` (queue ${d.queueDepth}/${d.queueCapacity})` : '';
      this.#model.warningLevel = 'warn';
      this.#set('warning', `Server reports this connection is lagging: ${d.reason ?? 'behind'}${depth}`);
    } else if (e.state === 'caught_up') {
      this.#set('warning', null);
    }
  }

  /**
   * Shows a server error reply for a few seconds (unknown symbols are shown in the watchlist instead).
   * @param {{code: number, codeName: string, message: string}} e
   */
  onServerError(e) {
    if (!e.code || e.code === 404 || this.#model.warningLevel === 'error') return;
    this.#model.warningLevel = 'warn';
    const text = `Server error ${e.code} ${e.codeName}: ${e.message}`;
    this.#set('warning', text);
    setTimeout(() => { if (this.#model.warning === text) this.#set('warning', null); this.onChange?.(); }, 6000);
  }

  /** Clears a sticky error warning (e.g. after a slow-consumer drop once live again for a while). */
  clearWarning() { this.#model.warningLevel = 'warn'; this.#set('warning', null); }

  setRtt(ms) { this.#set('rtt', ms); }

  setRate(n) { this.#set('rate', n); }

  setMode(mode, throttle) { this.#set('mode', mode); this.#set('throttle', throttle); }

  #set(key, value) {
    if (this.#model[key] === value) return;
    this.#model[key] = value;
    this.#dirty = true;
  }

  /** Writes the DOM. Called by the FrameLoop. */
  render() {
    if (!this.#dirty) return false;
    this.#dirty = false;
    const m = this.#model;
    const el = this.el;
    el.state.textContent = STATE_TEXT[m.state] ?? m.state;
    el.state.dataset.state = m.state;
    el.detail.textContent = m.detail;
    el.rtt.textContent = m.rtt === null ? '—' : `${m.rtt < 10 ? m.rtt.toFixed(1) : Math.round(m.rtt)} ms`;
    el.rate.textContent = m.rate.toLocaleString('en-US');
    el.mode.textContent = m.throttle > 0 ? `${m.mode} · throttled ${m.throttle}/s` : `${m.mode} · unthrottled`;
    el.connection.textContent = m.connectionId;
    el.warning.hidden = !m.warning;
    el.warning.textContent = m.warning ?? '';
    el.warning.dataset.level = m.warningLevel;
    return false;
  }
}
