// sender.test.js: js/sender.js's answers to the server, under Node with mocked timers: what an `overloaded` error
// does (wait for the server's hint, with jitter, then the same clientMsgId again) and what a refusal for good does.

import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSender } from '../js/sender.js';
import { RESEND_DELAY_MS, retryDelay } from '../js/outbox.js';
import { createStore, initialState } from '../js/store.js';

let wire;
let notices;
let sender;
let store;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout'] });
  wire = [];
  notices = [];
  store = createStore({ ...initialState(), me: 'alice' });
  const socket = { send: (frame) => { wire.push(frame); return true; } };
  sender = createSender({ store, socket: () => socket, merge: () => {}, showNotice: (text) => notices.push(text) });
});

afterEach(() => mock.timers.reset());

test('an overloaded refusal keeps the message pending and sends it again, same clientMsgId, after the hint', () => {
  sender.send('g:1', 'hello');
  assert.equal(wire.length, 1);
  const { clientMsgId } = wire[0];

  const handled = sender.rejected({ type: 'error', error: 'overloaded', clientMsgId, retryAfterMs: 5000, message: 'busy' });
  assert.equal(handled, true);
  assert.equal(store.get().outbox.get(clientMsgId).status, 'pending', 'not failed: it goes again by itself');
  assert.deepEqual(notices, [], 'nothing to tell the person: the retry is automatic');

  mock.timers.tick(4999); // past the default delay of 3 s: the hint is what counts
  assert.equal(wire.length, 1, 'not before the server\'s hint');
  mock.timers.tick(2501); // the hint plus the most jitter there can be (half of it)
  assert.equal(wire.length, 2, 'sent again once the hint (and jitter) passed');
  assert.deepEqual(wire[1], wire[0], 'the same frame: the same clientMsgId, so the server stores it once');
});

test('the retry delay follows the hint, capped, with up to half again of jitter; no hint is the default', () => {
  assert.equal(retryDelay({ retryAfterMs: 1000 }, () => 0), 1000);
  assert.equal(retryDelay({ retryAfterMs: 1000 }, () => 0.999), 1500);
  assert.equal(retryDelay({ retryAfterMs: 10 ** 9 }, () => 0), 60000, 'a hint far out is capped');
  for (const frame of [{}, { retryAfterMs: -5 }, { retryAfterMs: 'soon' }, { retryAfterMs: 1.5 }, null]) {
    assert.equal(retryDelay(frame, () => 0), RESEND_DELAY_MS, JSON.stringify(frame));
  }
});

test('a refusal for good fails the message with the server\'s words and is not sent again', () => {
  sender.send('g:1', 'x'.repeat(10));
  const { clientMsgId } = wire[0];
  sender.rejected({ type: 'error', error: 'not_found', clientMsgId, message: 'There is no such conversation.' });
  assert.equal(store.get().outbox.get(clientMsgId).status, 'failed');
  assert.deepEqual(notices, ['There is no such conversation.']);
  mock.timers.tick(70000);
  assert.equal(wire.length, 1, 'never sent again by itself (the ack timer was cleared too)');
});
