// The socket's back-off (socket.js, backoffDelay): doubling from 0.5 s, capped at 2 s, with equal jitter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, MAX_DELAY_MS } from '../js/socket.js';

test('the wait doubles from 0.5 s and never passes 2 s, so a client is back within about 2 s of the server', () => {
  const top = () => 1 - Number.EPSILON;
  assert.deepEqual([0, 1, 2, 3, 10, 60].map((n) => Math.round(backoffDelay(n, top))), [500, 1000, 2000, 2000, 2000, 2000]);
  assert.equal(MAX_DELAY_MS, 2000);
});

test('equal jitter: a random point in the upper half of the wait, never below it', () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(5, () => 0), 1000);
  assert.equal(backoffDelay(5, () => 0.5), 1500);
  for (let i = 0; i < 1000; i += 1) {
    const delay = backoffDelay(i % 8);
    assert.ok(delay >= 250 && delay <= MAX_DELAY_MS, String(delay));
  }
});
