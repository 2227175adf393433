import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../client/backoff.js';
import { fromFixed, toFixed } from '../client/fixed-point.js';

test('backoff grows exponentially, is capped and jittered', () => {
  const fixed = { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };
  assert.equal(backoffDelay(0, { ...fixed, random: () => 0 }), 50);
  assert.equal(backoffDelay(0, { ...fixed, random: () => 0.999999 }), 100);
  assert.equal(backoffDelay(3, { ...fixed, random: () => 1 }), 800);
  assert.equal(backoffDelay(10, { ...fixed, random: () => 1 }), 1000);
  assert.equal(backoffDelay(10, { ...fixed, random: () => 0 }), 500);
});

test('fixed point converts with the symbol scale', () => {
  assert.equal(fromFixed(1_815_200, 4), 181.52);
  assert.equal(fromFixed(1_500, 3), 1.5);
  assert.equal(fromFixed(123_456_789_012_345_678n, 8), 1_234_567_890.1234567);
  assert.equal(toFixed(181.52, 4), 1_815_200);
});
