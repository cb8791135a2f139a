// delivered.test.js: the coalescing of delivered marks (js/delivered.js) under a fake clock: at most one frame a
// second per conversation, with the highest seq, never a lower one, and what could not go goes after a
// reconnect. `node --test static-client/test/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDeliveredMarks } from '../js/delivered.js';

function harness({ online = true } = {}) {
  const frames = [];
  const timers = [];
  let clock = 0;
  const h = {
    frames,
    online,
    marks: null,
    /** Moves the fake clock on, running the timers that came due, in order. */
    advance(ms) {
      const until = clock + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        clock = next.at;
        next.fn();
      }
      clock = until;
    },
  };
  h.marks = createDeliveredMarks({
    send: (frame) => (h.online ? frames.push(frame) > 0 : false),
    now: () => clock,
    schedule: (fn, wait) => { const timer = { at: clock + wait, fn }; timers.push(timer); return timer; },
    cancel: (timer) => { const at = timers.indexOf(timer); if (at >= 0) timers.splice(at, 1); },
  });
  return h;
}

test('the first message goes at once; a burst within the second becomes one frame with the highest seq', () => {
  const h = harness();
  h.marks.received('g:1', 1);
  assert.deepEqual(h.frames, [{ type: 'delivered', conversation: 'g:1', seq: 1 }]);
  for (const seq of [2, 4, 3]) {
    h.advance(100);
    h.marks.received('g:1', seq);
  }
  assert.equal(h.frames.length, 1, 'held within the second');
  h.advance(1000);
  assert.deepEqual(h.frames.slice(1), [{ type: 'delivered', conversation: 'g:1', seq: 4 }]);
  h.advance(5000);
  assert.equal(h.frames.length, 2, 'nothing more to say');
});

test('conversations are coalesced separately', () => {
  const h = harness();
  h.marks.received('g:1', 3);
  h.marks.received('g:2', 7);
  assert.deepEqual(h.frames.map((f) => [f.conversation, f.seq]), [['g:1', 3], ['g:2', 7]]);
});

test('never a lower or equal seq than was already told, by delivered or by read', () => {
  const h = harness();
  h.marks.received('g:1', 5);
  h.advance(2000);
  h.marks.received('g:1', 4);
  h.marks.received('g:1', 5);
  h.marks.read('g:2', 9);
  h.marks.received('g:2', 8);
  h.advance(2000);
  assert.deepEqual(h.frames.map((f) => f.seq), [5]);
});

test('offline, the mark waits and goes on the next flush', () => {
  const h = harness({ online: false });
  h.marks.received('g:1', 2);
  h.marks.received('g:1', 3);
  assert.equal(h.frames.length, 0);
  h.online = true;
  h.marks.flush();
  assert.deepEqual(h.frames, [{ type: 'delivered', conversation: 'g:1', seq: 3 }]);
});

test('stop forgets everything and cancels what was held', () => {
  const h = harness();
  h.marks.received('g:1', 1);
  h.marks.received('g:1', 2);
  h.marks.stop();
  h.advance(5000);
  h.marks.received('g:1', 1);
  assert.deepEqual(h.frames.map((f) => f.seq), [1, 1], 'a new session starts from nothing');
});

test('across conversations at most 10 frames a second: a hundred conversations at once are paced, none lost', () => {
  const h = harness();
  for (let i = 1; i <= 100; i++) h.marks.received(`g:${i}`, i);
  assert.equal(h.frames.length, 10, 'the first second');
  h.advance(1000);
  assert.equal(h.frames.length, 20);
  h.advance(9000);
  assert.equal(h.frames.length, 100);
  assert.deepEqual(new Set(h.frames.map((f) => f.conversation)).size, 100, 'each conversation once');
});
