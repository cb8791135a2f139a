// notifications.test.js: when a message shows a desktop notification, and what it says (js/notifications.js);
// and the mute setting as the store keeps it (js/store.js). `node --test static-client/test/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentPermission, notificationFor, shouldNotify } from '../js/notifications.js';
import { emptyConversation, withConversationList, withDetails, initialState } from '../js/store.js';

const direct = { ...emptyConversation('alice|bob'), kind: 'direct', name: 'bob', lastSeq: 3, readSeq: 2, known: true };
const group = { ...emptyConversation('g:1'), kind: 'group', name: 'Trip', lastSeq: 9, readSeq: 4, known: true };

function message(overrides = {}) {
  return {
    key: 's:3', id: 'm3', conversation: 'alice|bob', seq: 3, sender: 'bob', receiver: 'alice', message: 'Hi',
    ts: '2024-06-05T17:35:46.120Z', clientMsgId: null, system: null, status: 'sent', error: null, ...overrides,
  };
}

/** Hidden page, another conversation open, permission granted and the toggle on: the case that notifies. */
function context(overrides = {}) {
  return { me: 'alice', conversation: direct, selected: null, visible: false, permission: 'granted', enabled: true, ...overrides };
}

test('a message from someone else while the page is hidden notifies', () => {
  assert.equal(shouldNotify(message(), context()), true);
  assert.equal(shouldNotify(message(), context({ selected: 'alice|bob' })), true, 'open, but nobody sees the page');
  assert.equal(shouldNotify(message(), context({ visible: true, selected: 'g:1' })), true, 'visible, another one open');
  assert.equal(shouldNotify(message(), context({ visible: true, selected: null })), true, 'visible, nothing open');
});

test('never without permission and the person\'s own toggle', () => {
  for (const permission of ['default', 'denied', 'unsupported', undefined]) {
    assert.equal(shouldNotify(message(), context({ permission })), false, String(permission));
  }
  assert.equal(shouldNotify(message(), context({ enabled: false })), false);
});

test('never for my own messages (from my other tabs and devices)', () => {
  assert.equal(shouldNotify(message({ sender: 'alice', receiver: 'bob' }), context()), false);
});

test('never for the open conversation while the page is visible', () => {
  assert.equal(shouldNotify(message(), context({ visible: true, selected: 'alice|bob' })), false);
});

test('never in a muted conversation; never in one I was removed from', () => {
  assert.equal(shouldNotify(message(), context({ conversation: { ...direct, muted: true } })), false);
  assert.equal(shouldNotify(message({ conversation: 'g:1', receiver: null, seq: 9 }), context({ conversation: { ...group, ended: true } })), false);
});

test('never for what another device of mine has read already', () => {
  assert.equal(shouldNotify(message({ seq: 2 }), context()), false);
  assert.equal(shouldNotify(message({ seq: 3 }), context()), true);
});

test('a conversation not known yet (a stand-in) notifies: nothing says it is muted', () => {
  assert.equal(shouldNotify(message(), context({ conversation: null })), true);
});

test('group changes notify only when they bring me in', () => {
  const change = (system) => message({ conversation: 'g:1', receiver: null, seq: 9, system, message: 'x' });
  const inGroup = context({ conversation: group });
  assert.equal(shouldNotify(change({ action: 'created', actor: 'bob', name: 'Trip' }), inGroup), true, 'a new group with me in it');
  assert.equal(shouldNotify(change({ action: 'added', actor: 'bob', target: 'alice' }), inGroup), true, 'I was added');
  assert.equal(shouldNotify(change({ action: 'added', actor: 'bob', target: 'carol' }), inGroup), false, 'someone else was added');
  for (const action of ['renamed', 'left', 'promoted', 'demoted']) {
    assert.equal(shouldNotify(change({ action, actor: 'bob', target: 'carol', name: 'New' }), inGroup), false, action);
  }
  assert.equal(shouldNotify(change({ action: 'removed', actor: 'bob', target: 'alice' }), inGroup), false, 'nothing left to open');
  assert.equal(shouldNotify(change({ action: 'someday', actor: 'bob' }), inGroup), false, 'an action a newer server adds');
  assert.equal(shouldNotify(change({ action: 'created', actor: 'bob' }), context({ conversation: { ...group, muted: true } })), false);
});

test('usernames and ids like __proto__ and constructor are just names', () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const conversation = { ...direct, id: `${name}|zed`, name };
    const from = message({ conversation: conversation.id, sender: name, receiver: 'zed' });
    assert.equal(shouldNotify(from, context({ me: 'zed', conversation })), true, name);
    assert.equal(shouldNotify(from, context({ me: name, conversation })), false, `${name} is me`);
    assert.deepEqual(notificationFor(from, conversation), { title: name, body: 'Hi', tag: `${name}|zed` });
  }
});

test('the notification names who and where', () => {
  assert.deepEqual(notificationFor(message(), direct), { title: 'bob', body: 'Hi', tag: 'alice|bob' });
  const inGroup = message({ conversation: 'g:1', receiver: null, message: 'Saturday?' });
  assert.deepEqual(notificationFor(inGroup, group), { title: 'Trip', body: 'bob: Saturday?', tag: 'g:1' });
  assert.equal(notificationFor(inGroup, { ...group, name: '' }).title, 'New group', 'details not here yet');
  const created = message({
    conversation: 'g:2', receiver: null, seq: 1, message: 'bob created the group "Hike"',
    system: { action: 'created', actor: 'bob', name: 'Hike' },
  });
  assert.deepEqual(notificationFor(created, null), { title: 'Hike', body: 'bob created the group "Hike"', tag: 'g:2' });
});

test('a long message is cut to a few lines, by characters, not halfway through one', () => {
  const long = '😀'.repeat(500);
  const { body } = notificationFor(message({ message: long }), direct);
  assert.equal([...body].length, 160);
  assert.ok(body.endsWith('…'));
  assert.equal(notificationFor(message({ message: 'x'.repeat(160) }), direct).body.length, 160, 'fits: as it is');
});

test('the permission where the API is missing is "unsupported"', () => {
  assert.equal(currentPermission({}), 'unsupported');
  function Notification() {}
  Notification.permission = 'granted';
  assert.equal(currentPermission({ Notification }), 'granted');
});

test('muted comes from the server: a Summary or a Conversation; absent leaves it as it was', () => {
  assert.equal(emptyConversation('g:1').muted, false);
  const muted = withDetails(group, { id: 'g:1', kind: 'group', name: 'Trip', members: [], muted: true }, 'alice');
  assert.equal(muted.muted, true);
  assert.equal(withDetails(muted, { id: 'g:1', kind: 'group', name: 'Trip', members: [] }, 'alice').muted, true, 'an older server');
  assert.equal(withDetails(muted, { id: 'g:1', kind: 'group', name: 'Trip', members: [], muted: false }, 'alice').muted, false);
  assert.equal(withDetails(group, { id: 'g:1', kind: 'group', muted: 'yes' }, 'alice').muted, false, 'only a boolean counts');
  const state = { ...initialState(), me: 'alice', conversations: new Map([['g:1', group]]) };
  const listed = withConversationList(state, [{ id: 'g:1', kind: 'group', name: 'Trip', members: ['alice', 'bob'], muted: true }]);
  assert.equal(listed.conversations.get('g:1').muted, true, 'another device muted it: the next list says so');
});
