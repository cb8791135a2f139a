// receipts.test.js: the ticks from the members' marks (js/receipts.js): who counts as having received and read a
// message of mine, in a direct conversation and in a group. `node --test static-client/test/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readersOf, statusOf, statusWords } from '../js/receipts.js';

const ME = 'alice';

function conversation(marks) {
  return { members: [{ username: ME, readSeq: 9, deliveredSeq: 9 }, ...Object.entries(marks).map(([username, [readSeq, deliveredSeq]]) => ({ username, readSeq, deliveredSeq }))] };
}

const mine = (seq, status = 'sent') => ({ sender: ME, seq, status });

test('a direct conversation: sent, then delivered, then read, from the other member\'s marks', () => {
  assert.equal(statusOf(mine(5), conversation({ bob: [0, 4] }), ME), 'sent');
  assert.equal(statusOf(mine(5), conversation({ bob: [0, 5] }), ME), 'delivered');
  assert.equal(statusOf(mine(5), conversation({ bob: [5, 5] }), ME), 'read');
  assert.equal(statusOf(mine(5), conversation({ bob: [7, 0] }), ME), 'read', 'reading implies receiving');
  assert.equal(statusOf(mine(5), conversation({ bob: [4, 9] }), ME), 'delivered');
});

test('marks missing (a Summary names members only) count as nothing yet', () => {
  assert.equal(statusOf(mine(1), { members: [{ username: ME }, { username: 'bob' }] }, ME), 'sent');
});

test('my own marks never count: alone in a group, a message stays sent', () => {
  assert.equal(statusOf(mine(3), conversation({}), ME), 'sent');
});

test('a group: delivered and read only once every other current member got there', () => {
  const group = conversation({ bob: [6, 6], carol: [2, 6], dave: [1, 1] });
  assert.equal(statusOf(mine(5), group, ME), 'sent', 'dave has not received it');
  assert.equal(statusOf(mine(5), conversation({ bob: [6, 6], carol: [2, 6] }), ME), 'delivered');
  assert.equal(statusOf(mine(5), conversation({ bob: [6, 6], carol: [5, 6] }), ME), 'read');
  assert.deepEqual(readersOf(mine(5), group, ME), { read: ['bob'], delivered: ['carol'], waiting: ['dave'] });
});

test('pending, failed, and other people\'s messages keep their status', () => {
  const everyone = conversation({ bob: [9, 9] });
  assert.equal(statusOf({ sender: ME, seq: null, status: 'pending' }, everyone, ME), 'pending');
  assert.equal(statusOf({ sender: ME, seq: null, status: 'failed' }, everyone, ME), 'failed');
  assert.equal(statusOf({ sender: 'bob', seq: 2, status: 'sent' }, everyone, ME), 'sent');
});

test('the words of the ticks', () => {
  assert.deepEqual(['pending', 'sent', 'delivered', 'read', 'failed'].map(statusWords), ['Sending', 'Sent', 'Delivered', 'Read', 'Not sent']);
});

test('a receipt (new members array from store.js) changes the ticks at once: nothing stale is kept', async () => {
  const { withMemberMarks } = await import('../js/store.js');
  const before = conversation({ bob: [0, 0] });
  assert.equal(statusOf(mine(2), before, ME), 'sent');
  const after = withMemberMarks(before, 'bob', 0, 2);
  assert.equal(statusOf(mine(2), after, ME), 'delivered');
  assert.equal(statusOf(mine(2), before, ME), 'sent', 'the old state still says what it said');
  assert.equal(statusOf({ sender: 'bob', seq: 2, status: 'sent' }, after, 'bob'), 'read', 'bob\'s view of the same members: alice read it');
});
