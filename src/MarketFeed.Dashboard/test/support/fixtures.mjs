// Loads the fixture frames written by tests/MarketFeed.UnitTests/JsClientFixtureTests.cs.
import { readFileSync } from 'node:fs';

/** ns timestamp used by every fixture (JsClientFixtureTests.Time). */
export const TIME = 1_764_201_600_123_456_789n;

/** @param {string} name fixture name without .bin */
export function fixture(name) {
  return new Uint8Array(readFileSync(new URL(`../fixtures/${name}.bin`, import.meta.url)));
}
