// outbox.test.js: js/outbox.js's states and its storage, under Node (`node --test static-client/test/`).
// The storage is a Map-backed stand-in for localStorage with the same three methods.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterError, entriesFor, frameOf, isTransient, newEntry, outboxStorage, toSend } from '../js/outbox.js';

function fakeStorage() {
  const data = new Map();
  return {
    data,
    getItem: (key) => (data.has(key) ? data.get(key) : null),
    setItem: (key, value) => { data.set(key, String(value)); },
    removeItem: (key) => { data.delete(key); },
  };
}

const entry = (id, conversation = 'g:1', ts = `2026-01-01T00:00:0${id}.000Z`) =>
  newEntry({ clientMsgId: String(id), conversation, message: `text ${id}`, ts });

test('a new entry is pending, and its frame names the conversation and the clientMsgId', () => {
  const e = entry(1);
  assert.equal(e.status, 'pending');
  assert.deepEqual(frameOf(e), { type: 'chat msg', conversation: 'g:1', message: 'text 1', clientMsgId: '1' });
});

test('"not now" errors keep it pending; anything else fails it with the reason', () => {
  for (const code of ['shutting_down', 'rate_limited', 'store_unavailable', 'overloaded', 'internal']) {
    assert.ok(isTransient(code));
    assert.equal(afterError(entry(1), code, 'x').status, 'pending');
  }
  for (const code of ['invalid_message', 'not_member', 'not_found', 'unknown_receiver', undefined]) {
    const failed = afterError(entry(1), code, 'Messages are 1 to 4096 characters.');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'Messages are 1 to 4096 characters.');
  }
});

test('what to send: pending entries only, oldest first; a conversation shows its own, oldest first', () => {
  const outbox = new Map([
    ['3', entry(3)], ['1', entry(1, 'g:2')], ['2', { ...entry(2), status: 'failed', error: 'no' }],
  ]);
  assert.deepEqual(toSend(outbox).map((e) => e.clientMsgId), ['1', '3']);
  assert.deepEqual(entriesFor(outbox, 'g:1').map((e) => e.clientMsgId), ['2', '3']);
});

test('storage survives a reload, per user, entry by entry', () => {
  const storage = fakeStorage();
  const alice = outboxStorage(storage, 'alice');
  alice.put(entry(1));
  alice.put(entry(2));
  outboxStorage(storage, 'bob').put(entry(9));
  // Another tab of alice's, with its own view of the storage, acks one: the other stays.
  outboxStorage(storage, 'alice').remove('1');
  assert.deepEqual([...outboxStorage(storage, 'alice').load().keys()], ['2']);
  assert.deepEqual([...outboxStorage(storage, 'bob').load().keys()], ['9'], "two accounts' outboxes never mix");
  alice.put({ ...entry(2), status: 'failed', error: 'too long' });
  assert.equal(alice.load().get('2').status, 'failed');
  alice.remove('2');
  assert.ok(!storage.data.has('chitchat.outbox.alice'), 'an empty outbox leaves no key behind');
});

test('a broken or foreign stored value is ignored, not fatal', () => {
  const storage = fakeStorage();
  storage.setItem('chitchat.outbox.alice', '{not json');
  assert.equal(outboxStorage(storage, 'alice').load().size, 0);
  storage.setItem('chitchat.outbox.alice', JSON.stringify([{ clientMsgId: 1 }, entry(4), '__proto__']));
  assert.deepEqual([...outboxStorage(storage, 'alice').load().keys()], ['4']);
  const throwing = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('full'); }, removeItem() {} };
  const box = outboxStorage(throwing, 'alice');
  assert.doesNotThrow(() => box.put(entry(1)));
  assert.equal(box.load().size, 0);
});
