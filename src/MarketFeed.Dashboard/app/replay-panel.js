// Replay panel (docs/protocol.md section 6): pick a dataset from the catalog, symbols, UTC time
// range and speed; play, pause, change speed, stop; progress from replay status messages.

import { formatPrice, formatUtcTime } from './format.js';

const toInput = (ms) => new Date(ms).toISOString().slice(0, 19);
const fromInput = (text) => (text ? Date.parse(`${text}Z`) : undefined);

export class ReplayPanel {
  #datasets = [];
  #active = null;
  #state = 'idle';
  #speed = '';
  #progress = 0;
  #positionMs = null;
  #ticks = 0;
  #last = new Map();
  #dirty = true;
  #message = '';

  /**
   * @param {HTMLElement} root the panel element
   * @param {import('../client/marketfeed-client.js').MarketFeedClient} client
   */
  constructor(root, client) {
    this.client = client;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      root, dataset: $('#replay-dataset'), symbols: $('#replay-symbols'), from: $('#replay-from'), to: $('#replay-to'),
      speed: $('#replay-speed'), live: $('#replay-live'), play: $('#replay-play'), pause: $('#replay-pause'), stop: $('#replay-stop'),
      bar: $('#replay-bar'), progress: $('#replay-progress'), status: $('#replay-status'), ticker: $('#replay-ticker'),
    };
    this.el.dataset.addEventListener('change', () => this.#fillDataset());
    this.el.play.addEventListener('click', () => this.#run(() => this.#play()));
    this.el.pause.addEventListener('click', () => this.#run(() => this.client.pauseReplay(this.#active.replayId)));
    this.el.stop.addEventListener('click', () => this.#run(() => this.client.stopReplay(this.#active.replayId)));
    this.el.speed.addEventListener('change', () => {
      if (this.#active) this.#run(() => this.client.setReplaySpeed(this.#active.replayId, parseSpeed(this.el.speed.value)));
    });
    client.on('replay-start', (e) => { this.#active = e; this.#state = 'playing'; this.#speed = e.speed; this.#ticks = 0; this.#last.clear(); this.#progress = 0; this.#touch(); });
    client.on('replay-status', (e) => this.#onStatus(e));
    client.on('replay-end', (e) => this.#onEnd(e));
    client.on('trade', (e) => { if (e.replayId !== null) this.#onTick(e, e.price); });
    client.on('quote', (e) => { if (e.replayId !== null) this.#onTick(e, null); });
  }

  /** Loads the catalog (call when live). */
  async load() {
    try {
      this.#datasets = await this.client.catalog();
    } catch (err) {
      this.#datasets = [];
      this.#message = `Replay not available on this server (${err.codeName || err.message}).`;
      this.#touch();
      return;
    }
    const current = this.el.dataset.value;
    this.el.dataset.replaceChildren(...this.#datasets.map((d) => {
      const option = new Option(`${d.dataset} (${d.symbols.length})`, d.dataset);
      option.title = `${d.symbols.join(', ')} · ${d.tickCount.toLocaleString('en-US')} ticks`;
      return option;
    }));
    if (current && this.#datasets.some((d) => d.dataset === current)) this.el.dataset.value = current;
    this.#message = this.#datasets.length ? '' : 'No replay datasets on this server.';
    this.#fillDataset();
  }

  #fillDataset() {
    const d = this.#datasets.find((x) => x.dataset === this.el.dataset.value);
    if (!d) { this.#touch(); return; }
    this.el.symbols.value = d.symbols.join(', ');
    this.el.from.value = toInput(d.fromMs);
    this.el.to.value = toInput(d.toMs);
    this.#touch();
  }

  async #play() {
    if (this.#active && this.#state === 'paused') return this.client.resumeReplay(this.#active.replayId);
    if (this.#active) return undefined;
    const symbols = this.el.symbols.value.split(/[\s,]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
    this.#message = '';
    this.#state = 'starting';
    this.#touch();
    return this.client.replay({
      dataset: this.el.dataset.value, symbols: symbols.length ? symbols : undefined,
      from: fromInput(this.el.from.value), to: fromInput(this.el.to.value),
      speed: parseSpeed(this.el.speed.value), mode: 'full', continueLive: Boolean(this.el.live?.checked),
    });
  }

  async #run(action) {
    try {
      await action();
    } catch (err) {
      if (this.#state === 'starting') this.#state = 'idle';
      this.#message = `Replay: ${err.message}`;
      this.#touch();
    }
  }

  #onStatus(e) {
    if (!this.#active || e.replayId !== this.#active.replayId) return;
    this.#state = e.state;
    this.#speed = e.speed;
    if (e.progress !== null) this.#progress = e.progress;
    this.#positionMs = e.positionMs;
    this.#touch();
  }

  #onEnd(e) {
    if (!this.#active || e.replayId !== this.#active.replayId) return;
    if (e.reason === 'completed') this.#progress = 1;
    this.#state = e.reason;
    this.#message = e.reason === 'live'
      ? `Replay caught up (${e.ticksSent.toLocaleString('en-US')} ticks): its symbols continue live.`
      : `Replay ${e.reason}: ${e.ticksSent.toLocaleString('en-US')} ticks sent.`;
    if (e.reason === 'live') this.#progress = 1;
    this.#active = null;
    this.#touch();
  }

  #onTick(e, price) {
    this.#ticks++;
    const entry = this.#last.get(e.symbol) ?? { symbol: e.symbol, price: null, count: 0 };
    entry.count++;
    if (price !== null) entry.price = price;
    this.#last.set(e.symbol, entry);
    this.#positionMs = e.timeMs;
    this.#touch();
  }

  #touch() { this.#dirty = true; this.onChange?.(); }

  /** Writes the DOM. Called by the FrameLoop. */
  render() {
    if (!this.#dirty) return false;
    this.#dirty = false;
    const el = this.el;
    const running = this.#active !== null;
    const available = this.#datasets.length > 0;
    el.root.classList.toggle('unavailable', !available);
    el.play.disabled = !available || (running && this.#state !== 'paused') || this.#state === 'starting';
    el.play.textContent = running && this.#state === 'paused' ? 'Resume' : 'Play';
    el.pause.disabled = !running || this.#state !== 'playing';
    el.stop.disabled = !running;
    for (const input of [el.dataset, el.symbols, el.from, el.to]) input.disabled = running || !available;
    const pct = Math.round(this.#progress * 1000) / 10;
    el.bar.style.width = `${pct}%`;
    el.progress.dataset.progress = String(pct);
    el.progress.setAttribute('aria-valuenow', String(pct));
    const pos = this.#positionMs !== null ? ` · ${formatUtcTime(this.#positionMs)} UTC` : '';
    const speed = this.#speed ? ` · ${this.#speed}` : '';
    el.status.textContent = this.#message || (running ? `${this.#state}${speed}${pos} · ${pct}% · ${this.#ticks.toLocaleString('en-US')} ticks` : 'Pick a dataset and press Play.');
    el.ticker.replaceChildren(...[...this.#last.values()].slice(0, 8).map((t) => {
      const span = document.createElement('span');
      span.textContent = `${t.symbol} ${formatPrice(t.price, 2)} (${t.count})`;
      return span;
    }));
    return false;
  }
}

function parseSpeed(v) {
  return v === 'max' ? 'max' : Number(v);
}
