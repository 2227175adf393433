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
