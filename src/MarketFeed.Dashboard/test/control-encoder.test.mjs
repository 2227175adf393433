// The client's control messages are committed as fixtures that the server's parser reads
// (JsClientFixtureTests.ControlFixture_ParsesWithServerParser). Regenerate deliberately with
// MARKETFEED_WRITE_FIXTURES=1 npm test.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { captureControlFrames } from './support/control-fixtures.mjs';

const dir = new URL('./fixtures/control/', import.meta.url);

test('control messages match the committed fixtures', async () => {
  const frames = await captureControlFrames();
  if (process.env.MARKETFEED_WRITE_FIXTURES === '1') {
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of frames) writeFileSync(new URL(`${name}.bin`, dir), bytes);
  }
  for (const [name, bytes] of frames) {
    const file = new URL(`${name}.bin`, dir);
    assert.ok(existsSync(file), `missing fixture ${name}.bin: run MARKETFEED_WRITE_FIXTURES=1 npm test`);
    assert.deepEqual(new Uint8Array(readFileSync(file)), bytes, name);
  }
});

test('times are int64 nanoseconds, never floats', async () => {
  const frames = await captureControlFrames();
  const ping = decode(frames.get('ping'), { useBigInt64: true });
  assert.equal(ping.time, 1_764_201_600_123_000_000n);
  const replay = decode(frames.get('replay'), { useBigInt64: true });
  assert.equal(replay.from, '2013-10-07T13:30:00.000Z');
  assert.equal(replay.to, 1_381_154_400_000_000_000n);
  assert.deepEqual(decode(frames.get('subscribe-full')), { op: 'subscribe', id: 2, symbols: ['BTCUSDT'], mode: 'full', throttle: 0, snapshot: false });
});
