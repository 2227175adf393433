// Per-symbol sequence checks (docs/protocol.md section 7).
// Conflated: seq jumps are expected (intermediate ticks were conflated) and only counted.
// Full: the next tick's seq is exactly the previous + 1; anything else is a gap.

/**
 * @typedef {object} SequenceVerdict
 * @property {boolean} accept  false for a stale or duplicate tick (already superseded)
 * @property {number} skipped  ticks between the last seen seq and this one (0 if contiguous)
 * @property {boolean} gap     true if this is a gap in full mode (a protocol violation)
 * @property {number} expected seq that full mode expected
 */

/** Tracks the last sequence numbers of one symbol. */
export class SequenceTracker {
  /** Last seq of either kind (0 = nothing seen). */
  lastSeq = 0;
  /** Last quote seq. */
  lastQuoteSeq = 0;
  /** Last trade seq. */
  lastTradeSeq = 0;
  /**
   * Whether a baseline is known: a snapshot (even one with seq 0, "no tick yet") or a first tick.
   * Without one (a subscription with snapshot: false), the first tick only sets the baseline.
   */
  #baselined = false;

  /**
   * @param {'conflated'|'full'} mode
   */
  constructor(mode = 'conflated') {
    this.mode = mode;
  }

  /**
   * Resets from a snapshot: sequence checks continue from its seq.
   * @param {{seq: number, quoteSeq: number, tradeSeq: number}} snapshot
   */
  reset(snapshot) {
    this.lastSeq = snapshot.seq;
    this.lastQuoteSeq = snapshot.quoteSeq;
    this.lastTradeSeq = snapshot.tradeSeq;
    this.#baselined = true;
  }

  /**
   * Checks a quote or trade and records it if accepted.
   * @param {'quote'|'trade'} kind
   * @param {number} seq
   * @returns {SequenceVerdict}
   */
  observe(kind, seq) {
    const expected = this.lastSeq + 1;
    const lastOfKind = kind === 'quote' ? this.lastQuoteSeq : this.lastTradeSeq;
    if (this.mode === 'full') {
      // After a seq-0 snapshot the next tick must be seq 1: 0 is a baseline, not "unknown".
      if (this.#baselined && seq <= this.lastSeq) return { accept: false, skipped: 0, gap: false, expected };
      const gap = this.#baselined && seq !== expected;
      this.#record(kind, seq);
      return { accept: true, skipped: gap ? seq - expected : 0, gap, expected };
    }
    // Conflated: a frame may carry the latest trade after a newer quote, so staleness is judged
    // per kind, and only ticks newer than the last overall seq count as skipping anything.
    if (seq <= lastOfKind) return { accept: false, skipped: 0, gap: false, expected };
    const skipped = this.#baselined && seq > expected ? seq - expected : 0;
    this.#record(kind, seq);
    return { accept: true, skipped, gap: false, expected };
  }

  #record(kind, seq) {
    this.#baselined = true;
    if (seq > this.lastSeq) this.lastSeq = seq;
    if (kind === 'quote') this.lastQuoteSeq = seq;
    else this.lastTradeSeq = seq;
  }
}
