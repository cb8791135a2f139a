// sync.test.js: js/sync.js's catching up against a fake API, under Node (`node --test static-client/test/`):
// the list first, then `after=<syncedSeq>` pages for each held conversation that is behind, until a short page,
// nothing shown twice, and a conversation gone from the list (removed while away) gone from the state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSync } from '../js/sync.js';
import {
  GAP_SETTLE_MS, OLD_GAP_MS, createStore, emptyConversation, fromServer, initialState, isMessage, withServerMessages,
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

/** A server whose stored seqs per conversation can change between requests (a write landing late). */
function changingApi(stored, requests) {
  return {
    conversations: async () => ({
      conversations: [...stored].map(([id, seqs]) => ({ id, kind: 'group', name: id, members: [ME, 'bob'], lastSeq: Math.max(...seqs), readSeq: 0, updatedAt: '' })),
    }),
    messagesAfter: async (id, after, limit) => {
      requests.push(`${id} after=${after}`);
      const msgs = [...stored.get(id)].filter((seq) => seq > after).sort((a, b) => a - b).slice(0, limit).map((seq) => message(id, seq));
      return { conversation: id, msgs };
    },
  };
}

/** Sync with a fake clock and fake timers: `fire()` runs the timers scheduled so far. */
function setupChanging(conversations, stored) {
  const store = createStore({ ...initialState(), me: ME, conversations: new Map(conversations.map((c) => [c.id, c])) });
  const requests = [];
  const timers = [];
  const clock = { now: 0 };
  const merge = (raw) => store.set((state) => withServerMessages(state, raw.filter(isMessage).map(fromServer)).patch);
  const sync = createSync({
    store, api: changingApi(stored, requests), merge, session: () => 1, handleFailure: () => false, onGone: () => {},
    now: () => clock.now, later: (fn, ms) => timers.push({ fn, ms }),
  });
  const fire = () => timers.splice(0).forEach((t) => t.fn());
  return { store, sync, requests, timers, clock, fire };
}

test('a page that overtakes a message still being written leaves syncedSeq below it, and a re-check brings it', async () => {
  // 5 was reserved first, 6 stored first: the page holds 6 and not yet 5.
  const stored = new Map([['g:a', new Set([1, 2, 3, 4, 6])]]);
  const { store, sync, requests, timers, fire } = setupChanging([held('g:a', 4)], stored);
  sync.catchUp();
  await settle();
  let a = store.get().conversations.get('g:a');
  assert.equal(a.syncedSeq, 4, 'not past 5, which may still come');
  assert.ok(a.gap, 'the gap is remembered');
  assert.equal(timers.length, 1, 'a re-check is scheduled');
  stored.get('g:a').add(5); // the write lands
  fire();
  await settle();
  a = store.get().conversations.get('g:a');
  assert.deepEqual(requests, ['g:a after=4', 'g:a after=4']);
  assert.deepEqual(a.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  assert.equal(a.syncedSeq, 6);
  assert.equal(a.gap, null);
  assert.equal(timers.length, 0, 'nothing more to check');
});

test('a seq still missing after GAP_SETTLE_MS was never used: syncedSeq moves past it', async () => {
  const stored = new Map([['g:a', new Set([1, 2, 4, 5])]]); // 3 reserved by a server that crashed before storing it
  const { store, sync, clock, fire } = setupChanging([held('g:a', 2)], stored);
  sync.catchUp();
  await settle();
  for (clock.now = 3000; clock.now < GAP_SETTLE_MS; clock.now += 3000) {
    fire();
    await settle();
    assert.equal(store.get().conversations.get('g:a').syncedSeq, 2, `still waiting at ${clock.now} ms`);
  }
  clock.now = GAP_SETTLE_MS;
  fire();
  await settle();
  const a = store.get().conversations.get('g:a');
  assert.equal(a.syncedSeq, 5);
  assert.equal(a.gap, null);
});

test('a gap below a message stored long ago is passed at once: no re-checks', async () => {
  const stored = new Map([['g:a', new Set([1, 2, 4, 5])]]);
  const { store, sync, timers, clock } = setupChanging([held('g:a', 2)], stored);
  clock.now = Date.parse('2026-01-01T00:00:01Z') + OLD_GAP_MS;
  sync.catchUp();
  await settle();
  const a = store.get().conversations.get('g:a');
  assert.equal(a.syncedSeq, 5);
  assert.equal(a.gap, null);
  assert.equal(timers.length, 0);
});
