// presence.test.js: presence by user (js/presence.js): the frames applied, the header's words in the reader's
// locale, whom to watch, and the debounced `watch` frame under a fake clock. `node --test static-client/test/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWatch, isOnline, presenceLine, watchList, withPresence, WATCH_MAX } from '../js/presence.js';
import { formatTime, msUntilNextDay } from '../js/format.js';

test('presence frames by user; a non-contact or a malformed frame leaves nothing behind', () => {
  let presence = withPresence(new Map(), { type: 'presence', user: 'bob', online: true, lastSeen: null });
  assert.equal(isOnline(presence, 'bob'), true);
  assert.equal(withPresence(presence, { user: 'bob', online: true, lastSeen: null }), presence, 'no change: the same Map');
  presence = withPresence(presence, { user: 'bob', online: false, lastSeen: '2026-12-02T06:58:11.123Z' });
  assert.equal(isOnline(presence, 'bob'), false);
  assert.deepEqual(presence.get('bob'), { online: false, lastSeen: '2026-12-02T06:58:11.123Z' });
  assert.equal(withPresence(presence, { user: 42, online: true }), presence);
  assert.equal(withPresence(presence, null), presence);
  const gone = withPresence(presence, { user: 'bob', online: null, lastSeen: null });
  assert.equal(gone.has('bob'), false, 'online:null means not a contact: unknown');
  assert.equal(presence.has('bob'), true, 'never changed in place');
  assert.deepEqual(withPresence(new Map(), { user: 'x', online: false, lastSeen: 'not a date' }).get('x'), { online: false, lastSeen: null });
});

test('names like __proto__ and constructor are just names', () => {
  let presence = withPresence(new Map(), { user: '__proto__', online: true, lastSeen: null });
  presence = withPresence(presence, { user: 'constructor', online: false, lastSeen: null });
  assert.equal(isOnline(presence, '__proto__'), true);
  assert.equal(isOnline(presence, 'constructor'), false);
  assert.equal(isOnline(presence, 'toString'), false);
});

test('the words: online, last seen today / yesterday / on a date, or nothing', () => {
  const now = new Date(2026, 11, 2, 15, 30); // 2 December 2026, 15:30 local time
  const at = (y, m, d, hh, mm) => new Date(y, m, d, hh, mm).toISOString();
  assert.equal(presenceLine({ online: true, lastSeen: at(2026, 11, 1, 9, 5) }, now), 'online');
  const today = at(2026, 11, 2, 14, 2);
  assert.equal(presenceLine({ online: false, lastSeen: today }, now), `last seen today at ${formatTime(today)}`);
  const yesterday = at(2026, 11, 1, 9, 5);
  assert.equal(presenceLine({ online: false, lastSeen: yesterday }, now), `last seen yesterday at ${formatTime(yesterday)}`);
  const march = at(2026, 2, 3, 9, 5);
  const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(march));
  assert.equal(presenceLine({ online: false, lastSeen: march }, now), `last seen ${day} at ${formatTime(march)}`);
  assert.match(presenceLine({ online: false, lastSeen: at(2025, 2, 3, 9, 5) }, now), /^last seen .*2025.* at /);
  assert.match(formatTime(today), /14|2/, 'the reader\'s locale formats the time');
  assert.equal(presenceLine({ online: false, lastSeen: null }, now), '', 'offline and never seen: nothing');
  assert.equal(presenceLine(undefined, now), '', 'unknown: nothing');
});

test('whom to watch: direct conversations and the open one, never me, at most 500', () => {
  const conversations = new Map([
    ['alice|bob', { id: 'alice|bob', kind: 'direct', name: 'bob', members: [{ username: 'alice' }, { username: 'bob' }] }],
    ['alice|carol', { id: 'alice|carol', kind: 'direct', name: 'carol', members: [] }],
    ['g:1', { id: 'g:1', kind: 'group', name: 'Trip', members: [{ username: 'alice' }, { username: 'dave' }, { username: 'bob' }] }],
  ]);
  assert.deepEqual(watchList(conversations, null, 'alice'), ['bob', 'carol']);
  assert.deepEqual(watchList(conversations, 'g:1', 'alice'), ['bob', 'carol', 'dave']);
  const many = new Map();
  for (let i = 0; i < 600; i += 1) many.set(`d${i}`, { id: `d${i}`, kind: 'direct', name: `user${String(i).padStart(3, '0')}`, members: [] });
  many.set('g:2', { id: 'g:2', kind: 'group', name: 'Big', members: [{ username: 'zed' }] });
  const list = watchList(many, 'g:2', 'alice');
  assert.equal(list.length, WATCH_MAX);
  assert.ok(list.includes('zed'), 'the open conversation\'s people are never cut off');
});

function harness({ online = true } = {}) {
  const frames = [];
  const timers = [];
  let clock = 0;
  const h = {
    frames,
    online,
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
  h.watch = createWatch({
    send: (frame) => { if (!h.online) return false; frames.push(frame); return true; },
    schedule: (fn, ms) => { const t = { at: clock + ms, fn }; timers.push(t); return t; },
    cancel: (t) => { const i = timers.indexOf(t); if (i >= 0) timers.splice(i, 1); },
    delayMs: 300,
  });
  return h;
}

test('watch: at once on connect, debounced on changes, nothing for the same set', () => {
  const h = harness();
  h.watch.want(['bob']);
  h.watch.connected();
  assert.deepEqual(h.frames, [{ type: 'watch', users: ['bob'] }]);
  h.watch.want(['bob', 'carol']);
  h.advance(100);
  h.watch.want(['bob', 'carol', 'dave']);
  h.advance(299);
  assert.equal(h.frames.length, 1, 'still settling');
  h.advance(1);
  assert.deepEqual(h.frames[1], { type: 'watch', users: ['bob', 'carol', 'dave'] });
  h.watch.want(['bob', 'carol', 'dave']);
  h.advance(1000);
  assert.equal(h.frames.length, 2, 'the same set: no frame');
  h.watch.connected();
  assert.equal(h.frames.length, 3, 'a new connection watches nobody: sent again');
});

test('watch: what the socket could not take goes on the next connect; stop forgets', () => {
  const h = harness({ online: false });
  h.watch.want(['bob']);
  h.advance(1000);
  assert.equal(h.frames.length, 0);
  h.online = true;
  h.watch.connected();
  assert.deepEqual(h.frames, [{ type: 'watch', users: ['bob'] }]);
  h.watch.want(['carol']);
  h.watch.stop();
  h.advance(1000);
  assert.equal(h.frames.length, 1, 'nothing after logging out');
});

test('the line moves on at midnight: what was "today" reads "yesterday" once the day changes', () => {
  const evening = new Date(2026, 2, 3, 23, 59, 30);
  assert.equal(msUntilNextDay(evening), 30000);
  const seen = { online: false, lastSeen: new Date(2026, 2, 3, 14, 2).toISOString() };
  assert.match(presenceLine(seen, evening), /^last seen today at /);
  const afterMidnight = new Date(evening.getTime() + msUntilNextDay(evening) + 1000);
  assert.match(presenceLine(seen, afterMidnight), /^last seen yesterday at /);
});
