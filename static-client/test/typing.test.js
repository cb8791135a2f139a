// typing.test.js: who is typing (js/typing.js): shown for 5 s unless renewed, gone at once with their message,
// the line's words, and how often I may say that I am typing. `node --test static-client/test/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expireTyping, nextExpiry, typingDue, typingLine, typistsIn, withoutTyping, withTyping,
} from '../js/typing.js';

test('a typist shows for 5 s, and a renewal pushes that back', () => {
  let typing = withTyping(new Map(), 'g:1', 'bob', 1000);
  assert.deepEqual(typistsIn(typing, 'g:1', 'alice'), ['bob']);
  assert.equal(nextExpiry(typing), 6000);
  assert.equal(expireTyping(typing, 5999), typing, 'nothing ran out: the same Map');
  typing = withTyping(typing, 'g:1', 'bob', 4000);
  assert.deepEqual(typistsIn(expireTyping(typing, 8999), 'g:1', 'alice'), ['bob']);
  const later = expireTyping(typing, 9000);
  assert.deepEqual(typistsIn(later, 'g:1', 'alice'), []);
  assert.equal(nextExpiry(later), null);
});

test('a message from the typist ends it at once; the others stay', () => {
  let typing = withTyping(withTyping(new Map(), 'g:1', 'bob', 0), 'g:1', 'carol', 0);
  typing = withoutTyping(typing, 'g:1', 'bob');
  assert.deepEqual(typistsIn(typing, 'g:1', 'alice'), ['carol']);
  assert.equal(withoutTyping(typing, 'g:2', 'carol'), typing, 'nothing to drop: the same Map');
});

test('conversations are kept apart, and names like __proto__ are just names', () => {
  const typing = withTyping(withTyping(new Map(), 'g:1', '__proto__', 0), 'g:2', 'constructor', 0);
  assert.deepEqual(typistsIn(typing, 'g:1', 'alice'), ['__proto__']);
  assert.deepEqual(typistsIn(typing, 'g:2', 'alice'), ['constructor']);
  assert.deepEqual(typistsIn(typing, 'g:3', 'alice'), []);
});

test('never me, even if a frame said so', () => {
  assert.deepEqual(typistsIn(withTyping(new Map(), 'g:1', 'alice', 0), 'g:1', 'alice'), []);
});

test('the line names one or two typists and counts more', () => {
  assert.equal(typingLine([]), '');
  assert.equal(typingLine(['alice']), 'alice is typing…');
  assert.equal(typingLine(['alice', 'bob']), 'alice and bob are typing…');
  assert.equal(typingLine(['alice', 'bob', 'carol']), '3 people are typing…');
});

test('a typing frame goes at most once every 3 s', () => {
  assert.equal(typingDue(undefined, 0), true);
  assert.equal(typingDue(1000, 3999), false);
  assert.equal(typingDue(1000, 4000), true);
});
