// sync.test.js: js/sync.js's catching up against a fake API, under Node (`node --test static-client/test/`):
// the list first, then `after=<syncedSeq>` pages for each held conversation that is behind, until a short page,
// nothing shown twice, and a conversation gone from the list (removed while away) gone from the state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSync } from '../js/sync.js';
import {
  createStore, emptyConversation, fromServer, initialState, isMessage, withServerMessages,
} from '../js/store.js';

const ME = 'alice';
const message = (conversation, seq) => ({
  id: `${conversation}-${seq}`, conversation, seq, sender: 'bob', message: `m${seq}`, ts: `2026-01-01T00:00:00.${String(seq).padStart(3, '0')}Z`,
});

/** A server holding `counts` messages per conversation, answering in pages of at most `page`. */
function fakeApi(counts, requests) {
  const summaries = [...counts].map(([id, lastSeq]) => ({ id, kind: 'group', name: id, members: [ME, 'bob'], lastSeq, readSeq: 0, lastMessage: message(id, lastSeq), updatedAt: '' }));
  return {
    conversations: async () => ({ conversations: summaries }),
    messagesAfter: async (id, after, limit) => {
      requests.push(`${id} after=${after}`);
      const msgs = [];
      for (let seq = after + 1; seq <= counts.get(id) && msgs.length < limit; seq++) msgs.push(message(id, seq));
      return { conversation: id, msgs };
    },
  };
}

function setup(conversations, counts) {
  const store = createStore({ ...initialState(), me: ME, conversations: new Map(conversations.map((c) => [c.id, c])) });
  const requests = [];
  const merge = (raw) => store.set((state) => withServerMessages(state, raw.filter(isMessage).map(fromServer)).patch);
  const sync = createSync({
    store, api: fakeApi(counts, requests), merge, session: () => 1, handleFailure: () => false, onGone: () => {},
  });
  return { store, sync, requests };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** A conversation this tab opened: its first page held up to `upTo`. */
function held(id, upTo) {
  const messages = [];
  for (let seq = 1; seq <= upTo; seq++) messages.push(fromServer(message(id, seq)));
  return { ...emptyConversation(id), kind: 'group', known: true, loaded: true, messages, lastSeq: upTo, syncedSeq: upTo };
}

test('catching up asks after the newest seq held, page by page, until a short page', async () => {
  const { store, sync, requests } = setup([held('g:a', 3), held('g:b', 5)], new Map([['g:a', 450], ['g:b', 5]]));
  sync.catchUp();
  await settle();
  assert.deepEqual(requests, ['g:a after=3', 'g:a after=203', 'g:a after=403'], 'g:b is not behind: not asked');
  const a = store.get().conversations.get('g:a');
  assert.equal(a.messages.length, 450);
  assert.deepEqual(a.messages.map((m) => m.seq), Array.from({ length: 450 }, (_, i) => i + 1), 'each seq once');
  assert.equal(a.syncedSeq, 450);
});

test('a conversation never opened gets its summary (badge, preview) but no messages', async () => {
  const { store, sync, requests } = setup([], new Map([['g:new', 7]]));
  sync.catchUp();
  await settle();
  assert.deepEqual(requests, []);
  const c = store.get().conversations.get('g:new');
  assert.equal(c.lastSeq, 7);
  assert.equal(c.lastMessage.message, 'm7');
  assert.equal(c.messages.length, 0);
});

test('a gap seen live is filled for that conversation alone', async () => {
  const { store, sync, requests } = setup([held('g:a', 3), held('g:b', 2)], new Map([['g:a', 6], ['g:b', 9]]));
  sync.catchUpConversation('g:a');
  await settle();
  assert.deepEqual(requests, ['g:a after=3']);
  assert.equal(store.get().conversations.get('g:a').syncedSeq, 6);
});

test('a group missing from the new list was taken from us while away: it goes', async () => {
  const { store, sync } = setup([held('g:gone', 2), held('g:a', 1)], new Map([['g:a', 1]]));
  sync.catchUp();
  await settle();
  assert.deepEqual([...store.get().conversations.keys()], ['g:a']);
});
