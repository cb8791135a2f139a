// The socket (socket.js): its back-off (backoffDelay: doubling from 0.5 s, capped at 2 s, with equal jitter), and whether it
// checks the session before its first attempt.
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

// A stand-in for the browser's WebSocket: notes each connection attempt, never connects.
function fakeWebSocket(attempts) {
  return class {
    static OPEN = 1;
    constructor(url) { attempts.push(url); this.readyState = 0; this.listeners = new Map(); }
    addEventListener(type, listener) { this.listeners.set(type, listener); }
    close() { this.listeners.get('close')?.(); } // as the browser does, which also ends the connect timeout
  };
}

test('start() connects at once; start({ checkFirst }) asks beforeReconnect first, and a "no" stops it for good', async () => {
  const { ChatSocket } = await import('../js/socket.js');
  const attempts = [];
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = fakeWebSocket(attempts);
  const sockets = []; // stopped at the end whatever happens, so no retry outlives the test
  const made = (socket) => { sockets.push(socket); return socket; };
  try {
    const asked = [];
    const plain = made(new ChatSocket('ws://a/ws', { beforeReconnect: async () => { asked.push('plain'); return true; } }));
    plain.start();
    assert.deepEqual(attempts, ['ws://a/ws']);
    plain.stop();

    let answer = true;
    const checked = made(new ChatSocket('ws://b/ws', { beforeReconnect: async () => { asked.push(attempts.length); return answer; } }));
    checked.start({ checkFirst: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(asked, [1], 'asked before its own attempt, once');
    assert.deepEqual(attempts, ['ws://a/ws', 'ws://b/ws']);
    checked.stop();

    answer = false;
    const refused = made(new ChatSocket('ws://c/ws', { beforeReconnect: async () => answer }));
    refused.start({ checkFirst: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(attempts.length, 2, 'no attempt after a "no"');
    assert.equal(refused.stopped, true);
  } finally {
    for (const socket of sockets) socket.stop();
    globalThis.WebSocket = saved;
  }
});
