import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SequenceTracker } from '../client/sequence-tracker.js';

test('full mode: contiguous ticks pass, a jump is a gap, a repeat is dropped', () => {
  const t = new SequenceTracker('full');
  t.reset({ seq: 10, quoteSeq: 10, tradeSeq: 9 });
  assert.deepEqual(t.observe('trade', 11), { accept: true, skipped: 0, gap: false, expected: 11 });
  assert.deepEqual(t.observe('quote', 14), { accept: true, skipped: 2, gap: true, expected: 12 });
  assert.equal(t.observe('quote', 14).accept, false);
  assert.equal(t.lastSeq, 14);
});

test('conflated mode: jumps are counted as conflated, never a gap', () => {
  const t = new SequenceTracker('conflated');
  t.reset({ seq: 10, quoteSeq: 10, tradeSeq: 9 });
  assert.deepEqual(t.observe('quote', 20), { accept: true, skipped: 9, gap: false, expected: 11 });
  // The latest trade of the same flush may be older than the latest quote: still news.
  assert.deepEqual(t.observe('trade', 18), { accept: true, skipped: 0, gap: false, expected: 21 });
  assert.equal(t.observe('trade', 18).accept, false);
  assert.equal(t.observe('quote', 19).accept, false);
});

test('full mode after a seq-0 snapshot ("no tick yet"): the next tick must be seq 1', () => {
  const t = new SequenceTracker('full');
  t.reset({ seq: 0, quoteSeq: 0, tradeSeq: 0 });
  assert.deepEqual(t.observe('quote', 4), { accept: true, skipped: 3, gap: true, expected: 1 });
  const ok = new SequenceTracker('full');
  ok.reset({ seq: 0, quoteSeq: 0, tradeSeq: 0 });
  assert.deepEqual(ok.observe('quote', 1), { accept: true, skipped: 0, gap: false, expected: 1 });
  assert.deepEqual(ok.observe('trade', 3), { accept: true, skipped: 1, gap: true, expected: 2 });
});

test('conflated mode after a seq-0 snapshot: a jump counts the ticks conflated away', () => {
  const t = new SequenceTracker('conflated');
  t.reset({ seq: 0, quoteSeq: 0, tradeSeq: 0 });
  assert.deepEqual(t.observe('quote', 5), { accept: true, skipped: 4, gap: false, expected: 1 });
});

test('no snapshot (snapshot: false): the first tick sets the baseline, the next is checked', () => {
  const t = new SequenceTracker('full');
  assert.deepEqual(t.observe('quote', 40), { accept: true, skipped: 0, gap: false, expected: 1 });
  assert.deepEqual(t.observe('trade', 42), { accept: true, skipped: 1, gap: true, expected: 41 });
});
