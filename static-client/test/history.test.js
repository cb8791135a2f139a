// history.test.js: js/history.js's first page of a conversation under Node (`node --test static-client/test/`):
// where it puts syncedSeq, the base of every later catch-up, and that a page missing a seq asks sync.js to look
// again rather than taking the gap as settled.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory } from '../js/history.js';
import {
  OLD_GAP_MS, createStore, emptyConversation, fromServer, initialState, isMessage, withServerMessages,
} from '../js/store.js';

const ME = 'alice';
const message = (conversation, seq) => ({
  id: `${conversation}-${seq}`, conversation, seq, sender: 'bob', message: `m${seq}`, ts: `2026-01-01T00:00:00.${String(seq).padStart(3, '0')}Z`,
});

const JUST_AFTER = Date.parse('2026-01-01T00:00:01Z'); // a second after the messages were stored

async function firstPage(seqs, now = JUST_AFTER) {
  const id = 'g:a';
  const store = createStore({ ...initialState(), me: ME, conversations: new Map([[id, { ...emptyConversation(id), kind: 'group', known: true }]]) });
  const merge = (raw) => store.set((state) => withServerMessages(state, raw.filter(isMessage).map(fromServer)).patch);
  const gaps = [];
  const history = createHistory({
    store, merge, session: () => 1, handleFailure: () => false, showNotice: () => {}, onGone: () => {},
    onGap: (gapIn) => gaps.push(gapIn), now: () => now,
    api: { messagesBefore: async () => ({ conversation: id, msgs: seqs.map((seq) => message(id, seq)) }) },
  });
  await history.loadNewest(id);
  return { conversation: store.get().conversations.get(id), gaps };
}

test('a whole conversation in one page: syncedSeq is its newest seq, no gap', async () => {
  const { conversation, gaps } = await firstPage([1, 2, 3]);
  assert.equal(conversation.loaded, true);
  assert.equal(conversation.syncedSeq, 3);
  assert.deepEqual(gaps, []);
});

test('a full page starts above older history: syncedSeq is its newest seq', async () => {
  const { conversation, gaps } = await firstPage(Array.from({ length: 50 }, (_, i) => 101 + i));
  assert.equal(conversation.hasMore, true);
  assert.equal(conversation.syncedSeq, 150);
  assert.deepEqual(gaps, []);
});

test('a page missing a seq (still being written) stops syncedSeq below it and reports the gap', async () => {
  const { conversation, gaps } = await firstPage([1, 2, 4, 5]);
  assert.equal(conversation.syncedSeq, 2);
  assert.deepEqual(gaps, ['g:a']);
});

test('a new conversation whose seq 1 is still being written: syncedSeq stays at 0', async () => {
  const { conversation, gaps } = await firstPage([2]);
  assert.equal(conversation.syncedSeq, 0);
  assert.deepEqual(gaps, ['g:a']);
});

test('a gap below a message stored more than ten minutes ago is a seq never used: passed without asking', async () => {
  const { conversation, gaps } = await firstPage([1, 2, 4, 5], JUST_AFTER + OLD_GAP_MS);
  assert.equal(conversation.syncedSeq, 5);
  assert.deepEqual(gaps, []);
});
