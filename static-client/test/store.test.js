// store.test.js: the pure conversation rules of js/store.js, under Node's own test runner (no browser, no
// server): `node --test static-client/test/`. These are the rules a wrong client gets wrong quietly (a message
// shown twice, a badge that never clears, a list in the wrong order), so each is pinned here by an example.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conversationOrder, directWith, directoryOf, emptyConversation, extendSynced, fromServer, initialState, isMessage,
  mergeMessages, ownKey, removesMe, unreadOf, withConversationList, withDetails, withMemberMarks, withReadSeq,
  withServerMessages,
} from '../js/store.js';

const ME = 'alice';

function msg(seq, { conversation = 'g:1', sender = 'bob', clientMsgId, system, ts } = {}) {
  return fromServer({
    id: `id${seq}`, conversation, seq, sender, message: `message ${seq}`,
    ts: ts || `2026-01-01T10:00:${String(seq).padStart(2, '0')}.000Z`, clientMsgId, system,
  });
}

function group(id = 'g:1', fields = {}) {
  return { ...emptyConversation(id), kind: 'group', name: 'Trip', known: true, members: [
    { username: ME, role: 'admin' }, { username: 'bob', role: 'member' }, { username: 'carol', role: 'member' },
  ], ...fields };
}

test('merging keeps each seq once, in seq order, whatever order and how often messages arrive', () => {
  let { conversation } = mergeMessages(group(), [msg(3), msg(1)], ME);
  ({ conversation } = mergeMessages(conversation, [msg(2), msg(3), msg(1)], ME));
  assert.deepEqual(conversation.messages.map((m) => m.seq), [1, 2, 3]);
  const again = mergeMessages(conversation, [msg(2)], ME);
  assert.equal(again.conversation, conversation, 'nothing new: the very same object, so views skip the work');
  assert.deepEqual(again.added, []);
});

test('merging moves lastSeq and lastMessage, and unread is lastSeq - readSeq', () => {
  const { conversation, added } = mergeMessages(group(), [msg(1), msg(2)], ME);
  assert.equal(added.length, 2);
  assert.equal(conversation.lastSeq, 2);
  assert.equal(conversation.lastMessage.seq, 2);
  assert.equal(unreadOf(conversation), 2);
  assert.equal(unreadOf(withReadSeq(conversation, 2)), 0);
  assert.equal(unreadOf({ ...conversation, readSeq: 5 }), 0, 'never negative');
});

test('my own message marks the conversation read up to it (sending marks read)', () => {
  const { conversation } = mergeMessages(group(), [msg(1), msg(2), msg(3, { sender: ME, clientMsgId: 'c1' })], ME);
  assert.equal(conversation.readSeq, 3);
  assert.equal(unreadOf(conversation), 0);
});

test('read marks only grow; a receipt may run ahead of the message it is about', () => {
  const read = withReadSeq(group('g:1', { lastSeq: 4, readSeq: 4 }), 2);
  assert.equal(read.readSeq, 4);
  const ahead = withReadSeq(group('g:1', { lastSeq: 4, readSeq: 4 }), 5);
  const { conversation } = mergeMessages(ahead, [msg(5)], ME);
  assert.equal(unreadOf(conversation), 0, 'the message arrives already read');
});

test('my message coming back takes the view key it had in the outbox, and leaves the outbox', () => {
  const mine = msg(7, { sender: ME, clientMsgId: 'abc' });
  assert.equal(mine.key, ownKey(ME, 'abc'));
  assert.equal(msg(8).key, 's:8');
  const state = {
    ...initialState(), me: ME, conversations: new Map([['g:1', group()]]),
    outbox: new Map([['abc', { clientMsgId: 'abc', conversation: 'g:1', message: 'hi', ts: '', status: 'pending', error: null }]]),
  };
  const { patch } = withServerMessages(state, [mine]);
  assert.equal(patch.outbox.size, 0);
  assert.equal(state.outbox.size, 1, 'the old state is not changed in place');
});

test('messages for a conversation we did not know make a stand-in and are reported, for a fetch', () => {
  const state = { ...initialState(), me: ME };
  const direct = fromServer({ id: 'x', conversation: 'alice|bob', seq: 1, sender: 'bob', receiver: ME, message: 'hi', ts: '2026-01-01T00:00:00.000Z' });
  const { patch, unknown } = withServerMessages(state, [direct, msg(1, { conversation: 'g:2' })]);
  assert.deepEqual(unknown.sort(), ['alice|bob', 'g:2']);
  assert.equal(patch.conversations.get('alice|bob').kind, 'direct');
  assert.equal(patch.conversations.get('alice|bob').name, 'bob', 'a direct message names the other person');
  assert.equal(patch.conversations.get('g:2').kind, 'group');
  assert.equal(patch.conversations.get('g:2').known, false);
});

test('ids and names that are Object.prototype members are just keys', () => {
  const state = { ...initialState(), me: ME };
  const { patch } = withServerMessages(state, [
    msg(1, { conversation: '__proto__', sender: 'constructor' }),
    msg(1, { conversation: 'constructor', sender: '__proto__' }),
  ]);
  assert.equal(patch.conversations.get('__proto__').messages.length, 1);
  assert.equal(patch.conversations.get('constructor').messages[0].sender, '__proto__');
  assert.equal(Object.getPrototypeOf({}), Object.prototype, 'nothing polluted');
});

test('system messages change members, roles and name, and being removed ends the group', () => {
  const sys = (seq, system) => msg(seq, { sender: system.actor, system });
  let { conversation } = mergeMessages(group(), [
    sys(2, { action: 'added', actor: ME, target: 'dave' }),
    sys(3, { action: 'promoted', actor: ME, target: 'bob' }),
    sys(4, { action: 'renamed', actor: 'bob', name: 'Hike' }),
  ], ME);
  assert.deepEqual(conversation.members.map((m) => [m.username, m.role]),
    [[ME, 'admin'], ['bob', 'admin'], ['carol', 'member'], ['dave', 'member']]);
  assert.equal(conversation.name, 'Hike');
  assert.equal(conversation.ended, false);
  ({ conversation } = mergeMessages(conversation, [sys(5, { action: 'removed', actor: 'bob', target: ME })], ME));
  assert.equal(conversation.ended, true);
  assert.ok(!conversation.members.some((m) => m.username === ME));
  // An older system message met later (a history page) does not undo the newer state.
  ({ conversation } = mergeMessages(conversation, [sys(1, { action: 'created', actor: ME })], ME));
  assert.equal(conversation.ended, true);
  assert.equal(conversation.name, 'Hike');
});

test('removesMe: removed naming me, or left by me', () => {
  assert.ok(removesMe({ action: 'removed', actor: 'bob', target: ME }, ME));
  assert.ok(removesMe({ action: 'left', actor: ME }, ME));
  assert.ok(!removesMe({ action: 'removed', actor: ME, target: 'bob' }, ME));
  assert.ok(!removesMe({ action: 'left', actor: 'bob' }, ME));
  assert.ok(!removesMe(null, ME));
});

test('syncedSeq grows only over held messages without a gap, and only once loaded', () => {
  const loaded = { ...group(), loaded: true, syncedSeq: 2 };
  let { conversation } = mergeMessages(loaded, [msg(3), msg(5)], ME);
  assert.equal(conversation.syncedSeq, 3, 'seq 4 is missing: catching up starts after 3');
  ({ conversation } = mergeMessages(conversation, [msg(4)], ME));
  assert.equal(conversation.syncedSeq, 5);
  const notLoaded = mergeMessages(group(), [msg(1), msg(2)], ME).conversation;
  assert.equal(notLoaded.syncedSeq, 0, 'no base yet: the first page sets it');
  assert.equal(extendSynced({ ...notLoaded, loaded: true }).syncedSeq, 2);
});

test('the list is most recent first, by last message or creation, and hides direct chats with nothing said', () => {
  const conversations = new Map([
    ['g:old', group('g:old', { updatedAt: '2026-01-01T09:00:00.000Z' })],
    ['g:new', group('g:new', { updatedAt: '2026-01-01T11:00:00.000Z' })],
    ['alice|bob', { ...emptyConversation('alice|bob'), name: 'bob', known: true, lastMessage: msg(1, { ts: '2026-01-01T10:00:00.000Z' }) }],
    ['alice|carol', { ...emptyConversation('alice|carol'), name: 'carol', known: true, updatedAt: '2026-01-01T12:00:00.000Z' }],
  ]);
  assert.deepEqual(conversationOrder(conversations).map((c) => c.id), ['g:new', 'alice|bob', 'g:old']);
  const bumped = mergeMessages(conversations.get('g:old'), [msg(9, { conversation: 'g:old', ts: '2026-01-01T13:00:00.000Z' })], ME).conversation;
  conversations.set('g:old', bumped);
  assert.deepEqual(conversationOrder(conversations).map((c) => c.id), ['g:old', 'g:new', 'alice|bob']);
});

test('a Summary folds in: marks only grow, names become members, lastMessage is taken when newer', () => {
  const summary = {
    id: 'g:1', kind: 'group', name: 'Trip', members: [ME, 'bob'], lastSeq: 9, readSeq: 6, unread: 3,
    lastMessage: { id: 'm9', conversation: 'g:1', seq: 9, sender: 'bob', message: 'hey', ts: '2026-01-01T10:00:09.000Z' },
    updatedAt: '2026-01-01T10:00:09.000Z',
  };
  const c = withDetails(group('g:1', { readSeq: 7 }), summary, ME);
  assert.equal(c.lastSeq, 9);
  assert.equal(c.readSeq, 7, 'our own newer read mark is kept');
  assert.equal(unreadOf(c), 2);
  assert.equal(c.lastMessage.message, 'hey');
  assert.deepEqual(c.members.map((m) => [m.username, m.role]), [[ME, 'admin'], ['bob', 'member']], 'roles kept by name');
  const without = withDetails(group(), { ...summary, members: ['bob', 'carol'] }, ME);
  assert.equal(without.ended, true, 'a group without me in it has ended for me');
});

test('a new full list drops groups that are gone, keeps stand-ins and fresh direct chats, ends the open one', () => {
  const state = {
    ...initialState(), me: ME, selected: 'g:open',
    conversations: new Map([
      ['g:gone', group('g:gone')], ['g:open', group('g:open')], ['g:stand-in', { ...emptyConversation('g:stand-in'), kind: 'group' }],
      ['alice|dave', { ...emptyConversation('alice|dave'), name: 'dave', known: true }],
      ['g:kept', group('g:kept', { readSeq: 3 })],
    ]),
  };
  const { conversations, listLoaded } = withConversationList(state, [{ id: 'g:kept', kind: 'group', name: 'Kept', members: [ME, 'bob'], lastSeq: 5, readSeq: 1 }]);
  assert.ok(listLoaded);
  assert.deepEqual([...conversations.keys()].sort(), ['alice|dave', 'g:kept', 'g:open', 'g:stand-in']);
  assert.equal(conversations.get('g:open').ended, true);
  assert.equal(unreadOf(conversations.get('g:kept')), 2);
});

test('direct conversations are found by name, never by parsing the id; the directory adds members', () => {
  const conversations = new Map([['x1', { ...emptyConversation('x1'), name: 'bob' }], ['g:1', group()]]);
  assert.equal(directWith(conversations, 'bob').id, 'x1');
  assert.equal(directWith(conversations, 'carol'), null);
  assert.deepEqual(directoryOf(['zed'], conversations, ME), ['bob', 'carol', 'zed']);
  assert.deepEqual(directoryOf(['zed'], conversations, ME, ['carol']), ['bob', 'zed'], 'a deleted account is nobody to write to');
});

test('isMessage accepts what the contract sends and nothing half-formed', () => {
  assert.ok(isMessage({ id: 'a', conversation: 'c', seq: 1, sender: 's', message: 'm', ts: 't' }));
  assert.ok(!isMessage({ id: 'a', conversation: 'c', seq: 0, sender: 's', message: 'm', ts: 't' }));
  assert.ok(!isMessage({ id: 'a', conversation: 'c', seq: '1', sender: 's', message: 'm', ts: 't' }));
  assert.ok(!isMessage({ id: 'a', seq: 1, sender: 's', message: 'm', ts: 't' }));
  assert.ok(!isMessage(null));
});

test('members\' marks only grow, whichever comes first: a receipt or the Conversation read before it', () => {
  let conversation = withMemberMarks(group(), 'bob', 5, 6);
  assert.equal(withMemberMarks(conversation, 'bob', 4, 6), conversation, 'nothing rose: the same object');
  // An older answer from GET /api/conversations/{id} arrives after the receipt: it lowers nothing.
  conversation = withDetails(conversation, { id: 'g:1', kind: 'group', name: 'Trip', lastSeq: 6, members: [
    { username: ME, role: 'admin', readSeq: 6, deliveredSeq: 6 }, { username: 'bob', role: 'member', readSeq: 2, deliveredSeq: 7 },
    { username: 'carol', role: 'member', readSeq: 1, deliveredSeq: 1 },
  ] }, ME);
  const bob = conversation.members.find((m) => m.username === 'bob');
  assert.deepEqual([bob.readSeq, bob.deliveredSeq], [5, 7]);
  // A Summary names the members only: their marks and roles stay as they were.
  conversation = withDetails(conversation, { id: 'g:1', kind: 'group', name: 'Trip', lastSeq: 6, members: [ME, 'bob', 'carol'] }, ME);
  const again = conversation.members.find((m) => m.username === 'bob');
  assert.deepEqual([again.role, again.readSeq, again.deliveredSeq], ['member', 5, 7]);
  assert.equal(withMemberMarks(conversation, 'nobody', 9, 9), conversation, 'not a member: nothing');
});
